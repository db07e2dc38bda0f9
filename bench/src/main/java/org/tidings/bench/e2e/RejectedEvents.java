package org.tidings.bench.e2e;

import jakarta.jms.JMSException;
import jakarta.jms.Message;
import jakarta.jms.Session;

/**
 * What Tidings refused: a look at {@code tidings.rejected} (browsing, nothing consumed) when events do not reach
 * the sink, so a run that cannot measure says why instead of only timing out.
 */
final class RejectedEvents {

    private static final int BROWSE_LIMIT = 100_000;

    private RejectedEvents() {
    }

    static String describe(Broker broker) {
        try (var connection = broker.connect();
             var session = connection.createSession(false, Session.AUTO_ACKNOWLEDGE);
             var browser = session.createBrowser(session.createQueue("tidings.rejected"))) {
            int count = 0;
            String first = null;
            var messages = browser.getEnumeration();
            while (messages.hasMoreElements() && count < BROWSE_LIMIT) {
                var message = (Message) messages.nextElement();
                if (first == null) {
                    first = message.getStringProperty("tidings_code") + ": "
                            + message.getStringProperty("tidings_detail");
                }
                count++;
            }
            return count == 0 ? "tidings.rejected is empty"
                    : "tidings.rejected holds " + count + " messages; the first says " + first;
        } catch (JMSException | RuntimeException e) {
            return "tidings.rejected could not be browsed: " + e;
        }
    }
}
