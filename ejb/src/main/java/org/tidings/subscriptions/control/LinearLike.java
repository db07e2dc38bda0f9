package org.tidings.subscriptions.control;

import io.cloudevents.CloudEvent;
import io.cloudevents.sql.EvaluationRuntime;
import io.cloudevents.sql.ExceptionFactory;
import io.cloudevents.sql.impl.ExpressionInternal;
import io.cloudevents.sql.impl.ExpressionInternalVisitor;
import io.cloudevents.sql.impl.expressions.BaseExpression;
import io.cloudevents.sql.impl.runtime.EvaluationResult;
import org.tidings.shaded.antlr4.runtime.misc.Interval;

/**
 * {@code operand LIKE 'pattern'} evaluated with a {@link LikePattern} in place of the SDK's backtracking regular
 * expression; otherwise as the SDK does it: the operand is cast to a string, and a failed cast fails the result.
 */
final class LinearLike extends BaseExpression {

    private final ExpressionInternal operand;
    private final LikePattern pattern;

    LinearLike(Interval interval, String text, ExpressionInternal operand, LikePattern pattern) {
        super(interval, text);
        this.operand = operand;
        this.pattern = pattern;
    }

    @Override
    public EvaluationResult evaluate(EvaluationRuntime runtime, CloudEvent event, ExceptionFactory exceptions) {
        EvaluationResult value = castToString(exceptions, operand.evaluate(runtime, event, exceptions));
        return value.copyWithValue(value.value() instanceof String text && pattern.matches(text));
    }

    @Override
    public <T> T visit(ExpressionInternalVisitor<T> visitor) {
        return visitor.visitExpressionInternal(this);
    }
}
