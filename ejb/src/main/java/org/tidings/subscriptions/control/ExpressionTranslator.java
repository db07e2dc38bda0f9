package org.tidings.subscriptions.control;

import io.cloudevents.sql.EvaluationRuntime;
import io.cloudevents.sql.Result;
import io.cloudevents.sql.generated.CESQLParserParser;
import io.cloudevents.sql.impl.ExceptionFactoryImpl;
import io.cloudevents.sql.impl.ExpressionInternal;
import io.cloudevents.sql.impl.expressions.NotExpression;
import io.cloudevents.sql.impl.parser.ExpressionTranslatorVisitor;
import io.cloudevents.sql.impl.parser.LiteralUtils;
import java.util.Locale;
import org.tidings.shaded.antlr4.runtime.tree.ParseTree;

/**
 * Turns a parse tree into the SDK's expression tree as the SDK does, with three changes: {@code LIKE} becomes a
 * {@link LinearLike}; a call of a function the runtime does not have (name and number of arguments) is refused;
 * and every part that reads no attribute is evaluated once here and refused if it fails ({@code 1/0},
 * {@code INT('x')}): it would fail for every event. The SDK finds both only when evaluating, and then every event
 * quietly fails to match. One instance per parse.
 *
 * @see FilterExpression
 */
final class ExpressionTranslator extends ExpressionTranslatorVisitor {

    private static final EvaluationRuntime RUNTIME = EvaluationRuntime.getDefault();

    private int attributeReads;

    @Override
    public ExpressionInternal visit(ParseTree tree) {
        int readsBefore = attributeReads;
        ExpressionInternal translated = super.visit(tree);
        if (translated != null && attributeReads == readsBefore) {
            refuseIfFailing(translated);
        }
        return translated;
    }

    @Override
    public ExpressionInternal visitIdentifier(CESQLParserParser.IdentifierContext ctx) {
        attributeReads++;
        return super.visitIdentifier(ctx);
    }

    @Override
    public ExpressionInternal visitExistsExpression(CESQLParserParser.ExistsExpressionContext ctx) {
        attributeReads++;
        return super.visitExistsExpression(ctx);
    }

    @Override
    public ExpressionInternal visitLikeExpression(CESQLParserParser.LikeExpressionContext ctx) {
        ExpressionInternal operand = visit(ctx.expression());
        var literal = ctx.stringLiteral();
        String pattern = literal.DQUOTED_STRING_LITERAL() != null
                ? LiteralUtils.parseDQuotedStringLiteral(literal.DQUOTED_STRING_LITERAL())
                : LiteralUtils.parseSQuotedStringLiteral(literal.SQUOTED_STRING_LITERAL());
        ExpressionInternal like = new LinearLike(ctx.getSourceInterval(), ctx.getText(), operand,
                LikePattern.compile(pattern));
        return ctx.NOT() == null ? like : new NotExpression(ctx.getSourceInterval(), ctx.getText(), like);
    }

    @Override
    public ExpressionInternal visitFunctionInvocationExpression(
            CESQLParserParser.FunctionInvocationExpressionContext ctx) {
        String name = ctx.functionIdentifier().getText().toUpperCase(Locale.ROOT);
        int arguments = ctx.functionParameterList().expression().size();
        try {
            RUNTIME.resolveFunction(name, arguments);
        } catch (RuntimeException unknown) {
            throw new IllegalArgumentException("no function " + name + " with " + arguments + " argument"
                    + (arguments == 1 ? "" : "s"));
        }
        return super.visitFunctionInvocationExpression(ctx);
    }

    /** Evaluates a part that reads no attribute: its result is the same for every event. */
    private static void refuseIfFailing(ExpressionInternal constant) {
        Result result = constant.evaluate(RUNTIME, null, new ExceptionFactoryImpl(false));
        if (result.isFailed()) {
            throw new IllegalArgumentException("\"" + FilterExpression.excerpt(constant.expressionText())
                    + "\" fails for every event: " + result.causes().iterator().next().getMessage());
        }
    }
}
