package org.tidings.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.tidings.it.PipelineIT.assertProblem;

import jakarta.jms.BytesMessage;
import jakarta.jms.JMSException;
import jakarta.jms.MapMessage;
import jakarta.jms.Message;
import jakarta.jms.MessageEOFException;
import jakarta.jms.StreamMessage;
import jakarta.jms.TextMessage;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.UUID;
import org.jboss.arquillian.container.test.api.Deployment;
import org.jboss.arquillian.junit5.ArquillianExtension;
import org.jboss.shrinkwrap.api.spec.WebArchive;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Hostile or odd input on the queue and over HTTP: every kind is refused with its code, on tidings.rejected with
 * as much of the body as is safe to keep, and never left to redelivery and the DLQ.
 */
@ExtendWith(ArquillianExtension.class)
class IngestHardeningIT {

    private static final String TYPE = "org.example.mail.MessageNew";
    private static final long WAIT = 30_000;

    private final AdminApi api = new AdminApi(TestEnvironment.baseUrl());

    @Deployment(testable = false)
    static WebArchive deployment() {
        return Deployments.tidings();
    }

    // covers S2S-12, S2S-14, LEM-9
    @Test
    void aNullOrNonObjectBodyOverAmqpIsRejectedWithItsCodeAndNeverReachesTheDlq() {
        long dlq = TestEnvironment.messageCount("DLQ");
        String nullBody = "amqp-null-" + UUID.randomUUID();
        String jsonNull = "amqp-json-null-" + UUID.randomUUID();
        try (var amqp = Messaging.asAmqpSource()) {
            amqp.send("tidings.events", jms -> correlated(jms.createTextMessage(null), nullBody));
            amqp.send("tidings.events", jms -> correlated(jms.createTextMessage("null"), jsonNull));
        }
        try (var app = Messaging.asApp()) {
            Message record = rejected(app, "JMSCorrelationID = '" + nullBody + "'");
            assertThat(Messaging.property(record, "tidings_code")).isEqualTo("malformed-event");
            // Artemis 2.44 does not populate the validated user on AMQP messages (AMQPMessage keeps Message's no-op
            // setValidatedUserID); Tidings' broker plugin does (docs/adr/0021), so the record names the sender.
            assertThat(Messaging.property(record, "tidings_sender")).isEqualTo(TestEnvironment.SOURCE_USER);
            record = rejected(app, "JMSCorrelationID = '" + jsonNull + "'");
            assertThat(Messaging.property(record, "tidings_code")).isEqualTo("malformed-event");
            assertThat(Messaging.text(record)).isEqualTo("null");
        }
        assertThat(TestEnvironment.messageCount("DLQ")).as("nothing went to the DLQ").isEqualTo(dlq);
    }

    /**
     * A message on the deliveries queue that is no notification (only Tidings and administrators may send there: a bug
     * or an operator's mistake) is recorded on tidings.rejected and the queue goes on, where a malformed id or a
     * missing subject was redelivered at once, for ever, holding its group (a review).
     */
    // covers S2S-14
    @Test
    void aMalformedNotificationOnTheDeliveriesQueueIsRecordedNotRedeliveredForEver() throws JMSException {
        try (var app = Messaging.asApp()) {
            String badId = app.send("tidings.deliver", jms -> {
                Message message = jms.createTextMessage("{}");
                message.setStringProperty("tidings_sink_id", UUID.randomUUID().toString());
                message.setStringProperty("tidings_subscription_id", "not-a-uuid");
                message.setStringProperty("tidings_event_source", "https://store.example");
                message.setStringProperty("tidings_event_id", "e-1");
                message.setStringProperty("tidings_subject", "s");
                message.setStringProperty("JMSXGroupID", "bad " + UUID.randomUUID());
                return message;
            });
            String noSubject = app.send("tidings.deliver", jms -> {
                Message message = jms.createTextMessage("{}");
                message.setStringProperty("tidings_sink_id", UUID.randomUUID().toString());
                message.setStringProperty("tidings_subscription_id", UUID.randomUUID().toString());
                message.setStringProperty("tidings_event_source", "https://store.example");
                message.setStringProperty("tidings_event_id", "e-2");
                return message;
            });

            Message record = rejected(app, "tidings_original_message_id = '" + badId + "'");
            assertThat(Messaging.property(record, "tidings_detail")).contains("no sink or subscription id");
            record = rejected(app, "tidings_original_message_id = '" + noSubject + "'");
            assertThat(Messaging.property(record, "tidings_detail")).contains("no event source, id or subject");
        }
    }

    // covers S2S-14, LEM-9: the size is checked before the body is read; the record keeps an excerpt and the size
    @Test
    void oversizedBodiesAreRejectedWithAnExcerptAndTheirSize() throws JMSException {
        byte[] bytes = new byte[300_000];
        Arrays.fill(bytes, (byte) '{');
        String text = "é".repeat(200_000);
        try (var source = Messaging.asSource(); var app = Messaging.asApp()) {
            String bytesId = source.sendBytes("tidings.events", bytes);
            String textId = source.sendText("tidings.events", text);

            Message record = rejected(app, "tidings_original_message_id = '" + bytesId + "'");
            assertThat(Messaging.property(record, "tidings_code")).isEqualTo("event-too-large");
            assertThat(Messaging.property(record, "tidings_body")).isEqualTo("excerpt");
            assertThat(record.getLongProperty("tidings_original_size")).isEqualTo(300_000);
            assertThat(Messaging.bytes(record)).isEqualTo(Arrays.copyOf(bytes, 4096));

            record = rejected(app, "tidings_original_message_id = '" + textId + "'");
            assertThat(Messaging.property(record, "tidings_code")).isEqualTo("event-too-large");
            assertThat(Messaging.property(record, "tidings_body")).isEqualTo("excerpt");
            assertThat(record.getLongProperty("tidings_original_size")).isEqualTo(400_000);
            assertThat(text).startsWith(((TextMessage) record).getText());
            assertThat(((TextMessage) record).getText().getBytes(StandardCharsets.UTF_8)).hasSizeLessThanOrEqualTo(4096);
        }
    }

    /**
     * A sender's message ids are its own (an AMQP client's counter may start again at 1): two different refused
     * messages under one id each get their record; the record's duplicate id held only the sender and the id, and the
     * broker dropped the second record as a duplicate of the first. Sent with the core client, which lets a sender
     * choose the id as an AMQP client can.
     */
    // covers S2S-8, S2S-14
    @Test
    void twoRefusedMessagesUnderOneMessageIdAreEachRecorded() throws Exception {
        var id = org.apache.activemq.artemis.utils.UUIDGenerator.getInstance().generateUUID();
        try (var locator = org.apache.activemq.artemis.api.core.client.ActiveMQClient.createServerLocator(
                TestEnvironment.brokerUrl()); var factory = locator.createSessionFactory();
                var session = factory.createSession(TestEnvironment.SOURCE_USER, TestEnvironment.SOURCE_PASSWORD, false,
                        true, true, false, 0); var producer = session.createProducer("tidings.events");
                var app = Messaging.asApp()) {
            String selector = "tidings_original_message_id = 'ID:" + id + "'";
            // one after the other: the second is sent once the first's record is committed and in the broker's
            // duplicate cache (two at once could both pass the cache, each in its own transaction)
            for (String body : List.of("{not json", "[\"neither\"]")) {
                var message = session.createMessage(org.apache.activemq.artemis.api.core.Message.TEXT_TYPE, true);
                message.getBodyBuffer().writeNullableSimpleString(
                        org.apache.activemq.artemis.api.core.SimpleString.of(body));
                message.setUserID(id);
                producer.send(message);

                Message record = rejected(app, selector);
                assertThat(Messaging.property(record, "tidings_code")).isEqualTo("malformed-event");
                assertThat(((TextMessage) record).getText()).isEqualTo(body);
            }
        }
    }

    // covers S2S-12, LEM-9: map and stream bodies are kept whole; an object body is never deserialized
    @Test
    void messagesThatAreNotTextOrBytesAreRejectedKeepingWhatIsSafe() throws JMSException {
        try (var source = Messaging.asSource(); var app = Messaging.asApp()) {
            String mapId = source.send("tidings.events", jms -> {
                MapMessage map = jms.createMapMessage();
                map.setString("specversion", "1.0");
                map.setInt("count", 3);
                return map;
            });
            String streamId = source.send("tidings.events", jms -> {
                StreamMessage stream = jms.createStreamMessage();
                stream.writeString("one");
                stream.writeLong(2L);
                return stream;
            });
            String objectId = source.send("tidings.events", jms -> jms.createObjectMessage(new ArrayList<>(List.of("x"))));
            String emptyId = source.send("tidings.events", jms -> jms.createMessage());

            MapMessage map = (MapMessage) rejected(app, "tidings_original_message_id = '" + mapId + "'");
            assertKind(map, "map", "whole");
            assertThat(map.getString("specversion")).isEqualTo("1.0");
            assertThat(map.getInt("count")).isEqualTo(3);

            StreamMessage stream = (StreamMessage) rejected(app, "tidings_original_message_id = '" + streamId + "'");
            assertKind(stream, "stream", "whole");
            assertThat(stream.readString()).isEqualTo("one");
            assertThat(stream.readLong()).isEqualTo(2L);
            try {
                stream.readObject();
                throw new AssertionError("the copy holds more than the original");
            } catch (MessageEOFException end) {
                // exactly the two items
            }

            assertKind(rejected(app, "tidings_original_message_id = '" + objectId + "'"), "object", "none");
            assertKind(rejected(app, "tidings_original_message_id = '" + emptyId + "'"), "message", "none");
        }
    }

    // covers S2S-14, RUP-17: limits per attribute and on the URIs an event names, on every face
    @Test
    void overlongAttributesAndTooManyUrisAreRefusedWithTheirCodes() {
        String source = Events.uniqueSource();
        api.createSource("web origin", source);
        String longSubject = event(source, ",\"subject\":\"https://example.com/" + "a".repeat(8200) + "\"");
        String manyUris = event(source, ",\"tidingsuris\":\"" + "https://example.com/r ".repeat(257) + "\"");

        assertProblem(api.post("/events", "application/cloudevents+json", longSubject.getBytes(StandardCharsets.UTF_8)),
                400, "attribute-too-long");
        assertProblem(api.post("/events", "application/cloudevents+json", manyUris.getBytes(StandardCharsets.UTF_8)),
                400, "too-many-uris");
        assertProblem(api.post("/events", "application/cloudevents+json", event(source, ",\"tidingsprefix\":\"h\"")
                .getBytes(StandardCharsets.UTF_8)), 400, "invalid-prefix");
        try (var messaging = Messaging.asSource(); var app = Messaging.asApp()) {
            String longId = messaging.sendText("tidings.events", longSubject);
            String manyId = messaging.sendText("tidings.events", manyUris);
            Message record = rejected(app, "tidings_original_message_id = '" + longId + "'");
            assertThat(Messaging.property(record, "tidings_code")).isEqualTo("attribute-too-long");
            assertThat(Messaging.text(record)).isEqualTo(longSubject);
            record = rejected(app, "tidings_original_message_id = '" + manyId + "'");
            assertThat(Messaging.property(record, "tidings_code")).isEqualTo("too-many-uris");
        }
    }

    // covers RUP-1, S2S-14: surrogate keys (tidingskeys) are checked at ingest, on every face
    @Test
    void badSurrogateKeysAreRefusedWithTheirCodes() {
        String source = Events.uniqueSource();
        api.createSource("web origin", source);
        String controlInKey = event(source, ",\"tidingskeys\":\"product-7 x\\r\\nX-Injected: 1\"");
        String tooManyKeys = event(source, ",\"tidingskeys\":\"" + "k ".repeat(65) + "\"");
        String notAString = event(source, ",\"tidingskeys\":7");

        assertProblem(api.post("/events", "application/cloudevents+json", controlInKey.getBytes(StandardCharsets.UTF_8)),
                400, "malformed-event");
        assertProblem(api.post("/events", "application/cloudevents+json", tooManyKeys.getBytes(StandardCharsets.UTF_8)),
                400, "attribute-too-long");
        assertProblem(api.post("/events", "application/cloudevents+json", notAString.getBytes(StandardCharsets.UTF_8)),
                400, "malformed-event");
        assertThat(api.post("/events", "application/cloudevents+json", event(source,
                ",\"tidingskeys\":\"product-7 category:shoes\"").getBytes(StandardCharsets.UTF_8)).status())
                .isEqualTo(202);
        try (var messaging = Messaging.asSource(); var app = Messaging.asApp()) {
            String controlId = messaging.sendText("tidings.events", controlInKey);
            String manyId = messaging.sendText("tidings.events", tooManyKeys);
            String numberId = messaging.sendText("tidings.events", notAString);
            Message record = rejected(app, "tidings_original_message_id = '" + controlId + "'");
            assertThat(Messaging.property(record, "tidings_code")).isEqualTo("malformed-event");
            assertThat(Messaging.property(record, "tidings_detail")).contains("tidingskeys");
            assertThat(Messaging.text(record)).isEqualTo(controlInKey);
            record = rejected(app, "tidings_original_message_id = '" + manyId + "'");
            assertThat(Messaging.property(record, "tidings_code")).isEqualTo("attribute-too-long");
            record = rejected(app, "tidings_original_message_id = '" + numberId + "'");
            assertThat(Messaging.property(record, "tidings_code")).isEqualTo("malformed-event");
        }
    }

    /**
     * A control character in a CloudEvents string (escaped NUL in the id or subject) is refused at ingest with
     * malformed-event, on every face: no row of PostgreSQL could hold it, and its delivery failed on every try while
     * holding back its subject's line. A message id of the sender's holding one is stored as its digest: the event is
     * delivered, not retried until the DLQ. Both run on H2 and PostgreSQL in .ci/run.
     */
    // covers S2S-14, LEM-9
    @Test
    void aControlCharacterInAnAttributeIsRefusedAndOneInAMessageIdHoldsNothingBack() throws Exception {
        AdminApi.Route route = api.route("mail store", "control characters", TYPE);
        String nulId = "{\"specversion\":\"1.0\",\"id\":\"a\\u0000b\",\"source\":\"" + route.source()
                + "\",\"type\":\"" + TYPE + "\"}";
        String nulSubject = event(route.source(), ",\"subject\":\"https://a.example/\\u0000\"");
        assertProblem(api.post("/events", "application/cloudevents+json", nulId.getBytes(StandardCharsets.UTF_8)),
                400, "malformed-event");
        assertProblem(api.post("/events", "application/cloudevents+json", nulSubject.getBytes(StandardCharsets.UTF_8)),
                400, "malformed-event");
        String good = event(route.source(), ",\"subject\":\"https://a.example/1\"");
        try (var messaging = Messaging.asSource(); var app = Messaging.asApp()) {
            String refusedId = messaging.sendText("tidings.events", nulSubject);
            Message record = rejected(app, "tidings_original_message_id = '" + refusedId + "'");
            assertThat(Messaging.property(record, "tidings_code")).isEqualTo("malformed-event");

            messaging.send("tidings.events", jms -> {
                Message message = jms.createTextMessage(good);
                message.setStringProperty("NATIVE_MESSAGE_ID", "m\u00001 " + UUID.randomUUID());
                return message;
            });
            Message delivered = app.receive("tidings.sink." + route.sink(), null, WAIT);
            assertThat(delivered).as("the event whose message id holds a NUL").isNotNull();
            assertThat(Messaging.text(delivered)).isEqualTo(good);
        }
    }

    private static String event(String source, String more) {
        return "{\"specversion\":\"1.0\",\"id\":\"" + UUID.randomUUID() + "\",\"source\":\"" + source + "\",\"type\":\""
                + TYPE + "\"" + more + "}";
    }

    private static Message correlated(Message message, String correlationId) throws JMSException {
        message.setJMSCorrelationID(correlationId);
        return message;
    }

    private static Message rejected(Messaging app, String selector) {
        Message record = app.receive("tidings.rejected", selector, WAIT);
        assertThat(record).as("rejection record %s", selector).isNotNull();
        assertThat(Messaging.property(record, "tidings_detail")).isNotBlank();
        return record;
    }

    private static void assertKind(Message record, String kind, String body) {
        assertThat(Messaging.property(record, "tidings_code")).isEqualTo("unsupported-media-type");
        assertThat(Messaging.property(record, "tidings_original_kind")).isEqualTo(kind);
        assertThat(Messaging.property(record, "tidings_body")).isEqualTo(body);
    }
}
