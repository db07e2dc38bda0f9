package org.tidings.subscriptions.control;

import io.cloudevents.CloudEvent;
import io.cloudevents.sql.Expression;
import io.cloudevents.sql.Result;
import io.cloudevents.sql.generated.CESQLParserLexer;
import io.cloudevents.sql.generated.CESQLParserParser;
import io.cloudevents.sql.impl.ExpressionInternal;
import io.cloudevents.sql.impl.parser.CaseChangingCharStream;
import io.cloudevents.sql.impl.parser.ConstantFoldingExpressionVisitor;
import io.cloudevents.sql.impl.runtime.ExpressionImpl;
import org.tidings.shaded.antlr4.runtime.BaseErrorListener;
import org.tidings.shaded.antlr4.runtime.CharStreams;
import org.tidings.shaded.antlr4.runtime.CommonTokenStream;
import org.tidings.shaded.antlr4.runtime.RecognitionException;
import org.tidings.shaded.antlr4.runtime.Recognizer;
import org.tidings.shaded.antlr4.runtime.tree.ParseTree;

/**
 * A filter's CloudEvents SQL expression, parsed once when the subscription is put (LEM-3). The parsed tree is
 * immutable, so any number of matching threads evaluate it at once.
 * <p>
 * Parsing is the SDK's ({@code Parser.parseDefault}) with what a filter that every event may meet needs on top:
 * the {@link ExpressionLimits} are checked on the tokens before the parser runs, a syntax error of the lexer is an
 * error too (the SDK's lexer skips what it cannot read), {@code LIKE} matches in linear time ({@link LinearLike}),
 * and calls of unknown functions and parts that fail for every event ({@code 1/0}) are refused
 * ({@link ExpressionTranslator}). Evaluation then costs a bounded number of steps, each linear in the sizes of the
 * event's attributes.
 */
public final class FilterExpression {

    private static final int EXCERPT = 100;

    private final Expression parsed;

    private FilterExpression(Expression parsed) {
        this.parsed = parsed;
    }

    /**
     * Checks an expression as a subscription is put: null (no expression) passes.
     *
     * @throws IllegalArgumentException saying what is wrong: empty, over a limit, not CloudEvents SQL, an unknown
     *                                  function, or a part that fails for every event
     */
    public static void check(String text) {
        parse(text);
    }

    /**
     * The parsed expression, or null for none.
     *
     * @throws IllegalArgumentException as {@link #check} does
     */
    static FilterExpression parse(String text) {
        if (text == null) {
            return null;
        }
        if (text.isBlank()) {
            throw new IllegalArgumentException("the expression is empty: leave it out to place no constraint");
        }
        ExpressionLimits.checkLength(text);
        SyntaxErrors errors = new SyntaxErrors();
        CESQLParserLexer lexer = new CESQLParserLexer(new CaseChangingCharStream(CharStreams.fromString(text), true));
        lexer.removeErrorListeners();
        lexer.addErrorListener(errors);
        CommonTokenStream tokens = new CommonTokenStream(lexer);
        tokens.fill();
        ExpressionLimits.check(tokens.getTokens());
        CESQLParserParser parser = new CESQLParserParser(tokens);
        parser.removeErrorListeners();
        parser.addErrorListener(errors);
        ParseTree tree = parser.cesql();
        if (errors.first != null) {
            throw invalid(text, errors.first);
        }
        ExpressionInternal translated;
        try {
            translated = new ExpressionTranslator().visit(tree);
        } catch (IllegalArgumentException refused) {
            throw invalid(text, refused.getMessage());
        } catch (RuntimeException e) {
            // the SDK's translation fails this way on some input it cannot read, without a useful message
            throw invalid(text, "cannot be read");
        }
        return new FilterExpression(new ExpressionImpl(translated.visit(new ConstantFoldingExpressionVisitor())));
    }

    /** True only for a boolean true: an evaluation error (a missing attribute, a bad cast) is no match. */
    boolean holds(CloudEvent event) {
        try {
            Result result = parsed.evaluate(event);
            return !result.isFailed() && Boolean.TRUE.equals(result.value());
        } catch (RuntimeException evaluationFailed) {
            return false;
        }
    }

    /** The text, cut short if long: error messages quote it, and go back to the client. */
    static String excerpt(String text) {
        return text.length() <= EXCERPT ? text : text.substring(0, EXCERPT) + "...";
    }

    private static IllegalArgumentException invalid(String text, String reason) {
        return new IllegalArgumentException("invalid CloudEvents SQL expression \"" + excerpt(text) + "\": " + reason);
    }

    /** Keeps the first syntax error of the lexer or the parser; both recover and go on, which stays linear. */
    private static final class SyntaxErrors extends BaseErrorListener {
        private String first;

        @Override
        public void syntaxError(Recognizer<?, ?> recognizer, Object offendingSymbol, int line, int position,
                                String message, RecognitionException e) {
            if (first == null) {
                first = "at character " + (position + 1) + ": " + message;
            }
        }
    }
}
