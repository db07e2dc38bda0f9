package org.tidings.subscriptions.control;

import io.cloudevents.CloudEvent;
import io.cloudevents.sql.Expression;
import io.cloudevents.sql.ParseException;
import io.cloudevents.sql.Parser;
import io.cloudevents.sql.Result;

/**
 * A filter's CloudEvents SQL expression, parsed once when the subscription is put (LEM-3). The parsed tree is
 * immutable, so any number of matching threads evaluate it at once.
 */
final class FilterExpression {

    private final Expression parsed;

    private FilterExpression(Expression parsed) {
        this.parsed = parsed;
    }

    /**
     * The parsed expression, or null for none.
     *
     * @throws IllegalArgumentException naming the expression and, where the parser says, what is wrong with it
     */
    static FilterExpression parse(String text) {
        if (text == null) {
            return null;
        }
        try {
            return new FilterExpression(Parser.parseDefault(text));
        } catch (ParseException e) {
            throw new IllegalArgumentException("invalid CloudEvents SQL expression \"" + text + "\": "
                    + e.getMessage(), e);
        } catch (RuntimeException e) {
            // the SDK's parser fails this way on some trailing garbage, without a useful message
            throw new IllegalArgumentException("invalid CloudEvents SQL expression \"" + text + "\"", e);
        }
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
}
