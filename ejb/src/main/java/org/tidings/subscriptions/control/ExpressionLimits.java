package org.tidings.subscriptions.control;

import static io.cloudevents.sql.generated.CESQLParserLexer.*;

import java.util.List;
import org.tidings.shaded.antlr4.runtime.Token;

/**
 * The size limits of a filter's CloudEvents SQL expression (RUP-17), checked on its tokens before the parser sees
 * them: the parser and the evaluator recurse once per nesting level, so an expression nested 2,000 deep would
 * overflow a thread's stack, and one subscriber's filter is evaluated for every event it may match. The limits
 * are far above what a filter needs (the filter's other parts carry sets of types, subjects and domains; the
 * expression covers what they cannot), and each refusal names the limit. See
 * docs/adr/0008-filter-and-matching-limits.md.
 * <ul>
 *   <li>{@value #MAX_LENGTH} characters in all (the admin API's own size limit);</li>
 *   <li>{@value #MAX_DEPTH} levels of nested parentheses (function calls and IN lists included);</li>
 *   <li>{@value #MAX_OPERATORS} operators and function calls in all ({@code AND OR XOR NOT LIKE IN EXISTS},
 *       comparisons, arithmetic, a sign), of which at most {@value #MAX_NOTS} {@code NOT}s;</li>
 *   <li>{@value #MAX_LIKE_LENGTH} characters per {@code LIKE} pattern, with at most {@value #MAX_LIKE_WILDCARDS}
 *       wildcards ({@code %} and {@code _}): {@link LikePattern} matches in time proportional to the value's
 *       length times the pattern's, so these bound what one {@code LIKE} costs.</li>
 * </ul>
 * With these, the expression tree is at most a few hundred nodes deep and one evaluation costs a few hundred
 * steps, each linear in the event's attribute sizes.
 */
final class ExpressionLimits {

    static final int MAX_LENGTH = 4000;
    static final int MAX_DEPTH = 32;
    static final int MAX_OPERATORS = 256;
    static final int MAX_NOTS = 32;
    static final int MAX_LIKE_LENGTH = 256;
    static final int MAX_LIKE_WILDCARDS = 16;

    private ExpressionLimits() {
    }

    /** @throws IllegalArgumentException naming the limit the text exceeds */
    static void checkLength(String text) {
        if (text.length() > MAX_LENGTH) {
            throw exceeded(text.length() + " characters", MAX_LENGTH);
        }
    }

    /** @throws IllegalArgumentException naming the limit the tokens exceed */
    static void check(List<Token> tokens) {
        int depth = 0;
        int operators = 0;
        int nots = 0;
        for (int i = 0; i < tokens.size(); i++) {
            Token token = tokens.get(i);
            switch (token.getType()) {
                case LR_BRACKET -> {
                    if (++depth > MAX_DEPTH) {
                        throw exceeded("parentheses nested " + depth + " deep", MAX_DEPTH);
                    }
                    operators += i > 0 && isName(tokens.get(i - 1)) ? 1 : 0;
                }
                case RR_BRACKET -> depth--;
                case NOT -> {
                    operators++;
                    if (++nots > MAX_NOTS) {
                        throw exceeded(nots + " NOTs", MAX_NOTS);
                    }
                }
                case LIKE -> {
                    operators++;
                    checkLikePattern(i + 1 < tokens.size() ? tokens.get(i + 1) : null);
                }
                case AND, OR, XOR, STAR, DIVIDE, MODULE, PLUS, MINUS, EQUAL, NOT_EQUAL, GREATER, GREATER_OR_EQUAL,
                        LESS, LESS_GREATER, LESS_OR_EQUAL, EXISTS, IN -> operators++;
                default -> {
                }
            }
            if (operators > MAX_OPERATORS) {
                throw exceeded(operators + " operators and function calls", MAX_OPERATORS);
            }
        }
    }

    private static boolean isName(Token token) {
        int type = token.getType();
        return type == IDENTIFIER || type == IDENTIFIER_WITH_NUMBER || type == FUNCTION_IDENTIFIER_WITH_UNDERSCORE;
    }

    /**
     * Checks the literal as written, which is never shorter than the pattern, and counts every {@code %} and
     * {@code _} not right after a backslash: at least as many as the pattern's wildcards, never fewer.
     */
    private static void checkLikePattern(Token literal) {
        if (literal == null) {
            return;
        }
        String text = literal.getText();
        if (text.length() - 2 > MAX_LIKE_LENGTH) {
            throw exceeded("a LIKE pattern of " + (text.length() - 2) + " characters", MAX_LIKE_LENGTH);
        }
        int wildcards = 0;
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c == '\\') {
                i++;
            } else if (c == '%' || c == '_') {
                wildcards++;
            }
        }
        if (wildcards > MAX_LIKE_WILDCARDS) {
            throw exceeded("a LIKE pattern with " + wildcards + " wildcards", MAX_LIKE_WILDCARDS);
        }
    }

    private static IllegalArgumentException exceeded(String what, int limit) {
        return new IllegalArgumentException("expression exceeds a limit: " + what + " (at most " + limit + ")");
    }
}
