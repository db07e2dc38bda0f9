package org.tidings.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.cloudevents.CloudEvent;
import jakarta.jms.JMSException;
import jakarta.jms.JMSRuntimeException;
import jakarta.jms.Message;
import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.apache.activemq.artemis.jms.client.ActiveMQConnectionFactory;
import org.jboss.arquillian.container.test.api.Deployment;
import org.jboss.arquillian.junit5.ArquillianExtension;
import org.jboss.shrinkwrap.api.spec.WebArchive;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Sources speak only for themselves on the broker (docs/adr/0021): over CORE JMS, AMQP 1.0 (Qpid JMS) and MQTT 3.1.1,
 * a source's broker user gets its own source's events delivered, and an event naming another source is refused as
 * {@code forged-source} with a record naming the user, whatever the sender claims about itself; a user the broker
 * does not know, or a wrong password, cannot connect at all.
 */
@ExtendWith(ArquillianExtension.class)
class BrokerImpersonationIT {

    private static final String TYPE = "org.example.mail.MessageNew";
    private static final long WAIT = 30_000;
    private static final String MQTT_EVENTS = "tidings/events";

    private final AdminApi api = new AdminApi(TestEnvironment.baseUrl());
    private String own;
    private String other;
    private String sink;

    @Deployment(testable = false)
    static WebArchive deployment() {
        return Deployments.tidings();
    }

    /** Two sources, one spoken for by the test's source account and one by somebody else, both routed to one sink. */
    @BeforeEach
    void provision() {
        own = Events.uniqueSource();
        other = Events.uniqueSource();
        api.createSource("mail store", own, TestEnvironment.SOURCE_USER);
        api.createSource("calendar", other, "calendar-store");
        sink = api.createJmsSink("inbox notifier");
        api.subscribe(sink, Map.of("types", List.of(TYPE), "sources", List.of(own, other)));
    }

    // covers S2S-9
    @Test
    void overCoreJmsASourceUserIsDeliveredForItsOwnSourceAndRefusedForAnother() {
        CloudEvent mine = event(own);
        CloudEvent forged = event(other);
        String forgedId;
        try (var source = Messaging.asSource()) {
            source.sendText("tidings.events", Events.json(mine));
            forgedId = source.sendText("tidings.events", Events.json(forged));
        }
        try (var app = Messaging.asApp()) {
            assertDelivered(app, mine);
            assertForged(app, "tidings_original_message_id = '" + forgedId + "'", forged);
        }
    }

    // covers S2S-9: Artemis 2.44 does not stamp AMQP messages itself; Tidings' broker plugin does
    @Test
    void overAmqpASourceUserIsDeliveredForItsOwnSourceAndRefusedForAnother() {
        CloudEvent mine = event(own);
        CloudEvent forged = event(other);
        try (var amqp = Messaging.asAmqpSource()) {
            amqp.send("tidings.events", jms -> jms.createTextMessage(Events.json(mine)));
            amqp.send("tidings.events", jms -> correlated(jms.createTextMessage(Events.json(forged)), forged));
        }
        try (var app = Messaging.asApp()) {
            assertDelivered(app, mine);
            assertForged(app, "JMSCorrelationID = '" + forged.getId() + "'", forged);
        }
    }

    // covers S2S-9
    @Test
    void overMqttASourceUserIsDeliveredForItsOwnSourceAndRefusedForAnother() throws IOException {
        CloudEvent mine = event(own);
        CloudEvent forged = event(other);
        try (var mqtt = MqttPublisher.connect(TestEnvironment.SOURCE_USER, TestEnvironment.SOURCE_PASSWORD)) {
            assertThat(mqtt.connack()).isEqualTo(MqttPublisher.ACCEPTED);
            assertThat(mqtt.publish(MQTT_EVENTS, Events.json(mine))).as("PUBACK").isTrue();
            assertThat(mqtt.publish(MQTT_EVENTS, Events.json(forged))).as("PUBACK").isTrue();
        }
        try (var app = Messaging.asApp()) {
            assertDelivered(app, mine);
            // an MQTT 3.1.1 publisher has no message id or correlation id of its own: the record is found by its body
            Message record = await().atMost(Duration.ofMillis(WAIT)).until(() -> recordOf(app, forged), Optional::isPresent)
                    .orElseThrow();
            assertForgedRecord(record);
            assertNotDelivered(app, forged);
        }
    }

    // covers S2S-9: the sender is the user the broker authenticated, never what the message says about itself
    @Test
    void aSourceClaimingTidingsOwnAccountInItsPropertiesIsNotBelieved() {
        CloudEvent overCore = event(other);
        CloudEvent overAmqp = event(other);
        String coreId;
        try (var source = Messaging.asSource(); var amqp = Messaging.asAmqpSource()) {
            coreId = source.send("tidings.events", jms -> claimingTidings(jms.createTextMessage(Events.json(overCore))));
            amqp.send("tidings.events", jms -> correlated(claimingTidings(jms.createTextMessage(Events.json(overAmqp))),
                    overAmqp));
        }
        try (var app = Messaging.asApp()) {
            assertForged(app, "tidings_original_message_id = '" + coreId + "'", overCore);
            assertForged(app, "JMSCorrelationID = '" + overAmqp.getId() + "'", overAmqp);
        }
    }

    // covers S2S-9: an unknown broker user, or a known one with a wrong password, puts nothing on the events queue
    @Test
    void unknownUsersAndWrongPasswordsCannotConnect() throws IOException {
        String url = TestEnvironment.brokerUrl();
        for (var factory : List.of(new ActiveMQConnectionFactory(url, "nobody", "guess"),
                new ActiveMQConnectionFactory(url, TestEnvironment.SOURCE_USER, "wrong"),
                new ActiveMQConnectionFactory(url))) {
            assertThatThrownBy(() -> factory.createContext().close()).isInstanceOf(JMSRuntimeException.class);
        }
        for (String[] credentials : List.of(new String[] {"nobody", "guess"},
                new String[] {TestEnvironment.SOURCE_USER, "wrong"})) {
            CloudEvent event = event(own);
            assertThatThrownBy(() -> {
                try (var amqp = Messaging.overAmqp(credentials[0], credentials[1])) {
                    amqp.sendText("tidings.events", Events.json(event));
                }
            }).isInstanceOf(JMSRuntimeException.class);
            try (var mqtt = MqttPublisher.connect(credentials[0], credentials[1])) {
                assertThat(mqtt.connack()).as("MQTT CONNACK of %s", credentials[0]).isNotEqualTo(MqttPublisher.ACCEPTED);
            }
        }
    }

    private CloudEvent event(String source) {
        return Events.event(source, TYPE, "mailto:ann@example.com");
    }

    private static Message correlated(Message message, CloudEvent event) throws JMSException {
        message.setJMSCorrelationID(event.getId());
        return message;
    }

    /** What a forger would write: the broker's own sender property, JMS' user id, and HTTP ingest's quota mark. */
    private static Message claimingTidings(Message message) throws JMSException {
        message.setStringProperty("_AMQ_VALIDATED_USER", TestEnvironment.APP_USER);
        message.setStringProperty("JMSXUserID", TestEnvironment.APP_USER);
        message.setBooleanProperty("tidings_admitted", true);
        return message;
    }

    private void assertDelivered(Messaging app, CloudEvent event) {
        Message notification = app.receive("tidings.sink." + sink, "tidings_event_id = '" + event.getId() + "'", WAIT);
        assertThat(notification).as("notification of %s", event.getId()).isNotNull();
        assertThat(Messaging.text(notification)).isEqualTo(Events.json(event));
    }

    private void assertForged(Messaging app, String selector, CloudEvent event) {
        Message record = app.receive("tidings.rejected", selector, WAIT);
        assertThat(record).as("rejection record %s", selector).isNotNull();
        assertForgedRecord(record);
        assertThat(Messaging.text(record)).isEqualTo(Events.json(event));
        assertNotDelivered(app, event);
    }

    private static void assertForgedRecord(Message record) {
        assertThat(Messaging.property(record, "tidings_code")).isEqualTo("forged-source");
        assertThat(Messaging.property(record, "tidings_sender")).isEqualTo(TestEnvironment.SOURCE_USER);
        assertThat(Messaging.property(record, "tidings_detail")).contains(TestEnvironment.SOURCE_USER);
    }

    /** The record is written before anything is forwarded, and instead of it: once it exists, nothing follows. */
    private void assertNotDelivered(Messaging app, CloudEvent event) {
        assertThat(app.browse("tidings.sink." + sink))
                .noneMatch(m -> event.getId().equals(Messaging.property(m, "tidings_event_id")));
    }

    private static Optional<Message> recordOf(Messaging app, CloudEvent event) {
        return app.browse("tidings.rejected").stream()
                .filter(m -> Messaging.text(m).contains(event.getId()))
                .findFirst();
    }
}
