package org.tidings.ingest.boundary;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import jakarta.jms.TextMessage;
import java.lang.reflect.Proxy;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.tidings.ingest.control.CloudEventReader;
import org.tidings.ingest.entity.RawEvent;
import org.tidings.platform.SchemaReadiness;

class EventsListenerTest {

    /** The schedule the broker's redelivery delay had (500 ms doubling to 60 s), now kept by the listener. */
    @Test
    void thePauseBeforeAFailedEventGoesBackDoublesFromHalfASecondUpToAMinute() {
        assertThat(EventsListener.pauseBefore(1)).isEqualTo(Duration.ofMillis(500));
        assertThat(EventsListener.pauseBefore(2)).isEqualTo(Duration.ofSeconds(1));
        assertThat(EventsListener.pauseBefore(8)).isEqualTo(Duration.ofSeconds(60));
        assertThat(EventsListener.pauseBefore(7)).isEqualTo(Duration.ofSeconds(32));
        assertThat(EventsListener.pauseBefore(9)).isEqualTo(Duration.ofSeconds(60));
        assertThat(EventsListener.pauseBefore(10)).as("the last attempt goes to DLQ at once").isZero();
        assertThat(EventsListener.pauseBefore(Integer.MAX_VALUE)).isZero();
        assertThat(EventsListener.pauseBefore(0)).as("no count known").isEqualTo(Duration.ofMillis(500));
    }

    /**
     * Ten attempts before DLQ span about three minutes of an outage, as the broker's delays between them did (nine);
     * the tenth goes to DLQ without a pause, which would hold its session and change nothing.
     */
    @Test
    void tenAttemptsSpanAboutThreeMinutes() {
        Duration total = Duration.ZERO;
        for (int attempt = 1; attempt <= 10; attempt++) {
            total = total.plus(EventsListener.pauseBefore(attempt));
        }
        assertThat(total).isEqualTo(Duration.ofMillis(183_500));
    }

    /**
     * An Error (an OutOfMemoryError while a body is read) is paused on as an exception is: tidings.events has no
     * redelivery delay, so without the pause the ten attempts would follow one another at once and end on DLQ.
     */
    @Test
    void anErrorIsPausedOnBeforeItGoesOutAsAnExceptionIs() {
        var listener = new EventsListener();
        listener.schema = new SchemaReadiness();
        SchemaReadiness.SINGLETONS.forEach(listener.schema::started); // as started
        listener.reader = new CloudEventReader(1024);
        var error = new OutOfMemoryError("injected by the test");
        listener.intake = new Intake() {
            @Override
            public void process(RawEvent raw) {
                throw error;
            }
        };
        TextMessage message = firstDelivery("{}");

        long start = System.nanoTime();
        assertThatThrownBy(() -> listener.onMessage(message)).isSameAs(error);
        assertThat(Duration.ofNanos(System.nanoTime() - start)).as("paused before it went out")
                .isGreaterThanOrEqualTo(EventsListener.pauseBefore(1));
    }

    /**
     * Artemis gives an AMQP message a new random JMS message id on every delivery to a core consumer unless its AMQP
     * id is a UUID (PipelineIT shows it on the real broker): its redelivery must still be named as the same message,
     * by the AMQP id the broker keeps, or the duplicate window would take it for a copy of itself and drop it.
     */
    @Test
    void aMessageIsNamedByItsAmqpIdWhenItHasOneWhateverJmsIdThisDeliveryGaveIt() throws Exception {
        assertThat(EventsListener.messageIdOf(delivery("ID:random-1", "ID:sender-7")))
                .isEqualTo(EventsListener.messageIdOf(delivery("ID:random-2", "ID:sender-7"))).isEqualTo("ID:sender-7");
        assertThat(EventsListener.messageIdOf(delivery("ID:core-3", null))).as("a core message keeps its JMS id")
                .isEqualTo("ID:core-3");
        assertThat(EventsListener.messageIdOf(delivery(null, null))).isNull();
        assertThat(EventsListener.messageIdOf(delivery("ID:core-4", new byte[] {1}))).as("a sender's property of "
                + "that name that is no text is no id, and fails nothing").isEqualTo("ID:core-4");
    }

    private static TextMessage delivery(String jmsId, Object amqpId) {
        return (TextMessage) Proxy.newProxyInstance(EventsListenerTest.class.getClassLoader(),
                new Class<?>[] {TextMessage.class}, (proxy, method, args) -> switch (method.getName()) {
                    case "getJMSMessageID" -> jmsId;
                    case "getObjectProperty" -> EventsListener.AMQP_MESSAGE_ID.equals(args[0]) ? amqpId : null;
                    default -> throw new UnsupportedOperationException(method.getName());
                });
    }

    /** A text message on its first delivery: only what the listener reads of it answers. */
    private static TextMessage firstDelivery(String text) {
        return (TextMessage) Proxy.newProxyInstance(EventsListenerTest.class.getClassLoader(),
                new Class<?>[] {TextMessage.class}, (proxy, method, args) -> switch (method.getName()) {
                    case "getText" -> text;
                    case "getIntProperty" -> 1;
                    case "getJMSRedelivered", "propertyExists" -> false;
                    case "getJMSMessageID" -> "ID:test";
                    case "getStringProperty", "getObjectProperty", "getJMSCorrelationID" -> null;
                    default -> throw new UnsupportedOperationException(method.getName());
                });
    }
}
