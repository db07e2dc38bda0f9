package org.tidings.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.cloudevents.CloudEvent;
import jakarta.jms.JMSRuntimeException;
import jakarta.jms.JMSSecurityRuntimeException;
import jakarta.jms.Message;
import java.nio.file.Files;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.jboss.arquillian.container.test.api.Deployment;
import org.jboss.arquillian.junit5.ArquillianExtension;
import org.jboss.shrinkwrap.api.spec.WebArchive;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Tidings provisions a source's broker user through the broker's management API (docs/adr/0021, "Provisioned by
 * Tidings"): with the credentials it answers once, a real AMQP 1.0 client (Qpid JMS) gets the source's events
 * delivered and is refused as {@code forged-source} for another source; after a rotation the old password, and after
 * removal (of the credentials, or of the source) any password, no longer opens a connection. The password is in the
 * one answer only: not in later answers, not in the server's log, not in clear in the broker's users file.
 */
@ExtendWith(ArquillianExtension.class)
class BrokerCredentialsIT {

    private static final String TYPE = "org.example.mail.MessageNew";
    private static final long WAIT = 30_000;
    /** Artemis forgets remembered logins on Tidings' request; a bound in case a login is checked while it does. */
    private static final Duration SHUT_OUT = Duration.ofSeconds(15);

    /** A source nobody provisioned: what a connection's test send names (refused as unknown-source, if it gets in). */
    private static final String NOBODY = "https://nobody.example/never-provisioned";

    private final AdminApi api = new AdminApi(TestEnvironment.baseUrl());

    @Deployment(testable = false)
    static WebArchive deployment() {
        return Deployments.tidings();
    }

    // covers S2S-9
    @Test
    void aProvisionedBrokerUserSpeaksForItsSourceOnlyAndOldPasswordsOpenNothing() throws Exception {
        try (var server = ServerOutput.captured()) {
            var route = twoSourcesToOneSink("provisioned inbox");
            String own = route.own();
            String other = route.other();
            String ownId = route.ownId();
            String sink = route.sink();

            AdminApi.Reply first = api.postJson("/api/sources/" + ownId + "/broker-credentials", Map.of());
            assertThat(first.status()).as(first.body().toString()).isEqualTo(200);
            assertThat(first.header("Cache-Control")).isEqualTo("no-store");
            String user = first.body().get("brokerUser").asText();
            String password = first.body().get("password").asText();
            assertThat(user).isEqualTo("tidings-source-" + ownId);
            assertThat(password).hasSize(43);
            assertThat(api.get("/api/sources/" + ownId).body().get("brokerUser").asText()).isEqualTo(user);

            CloudEvent mine = event(own);
            CloudEvent forged = event(other);
            try (var amqp = Messaging.overAmqp(user, password)) {
                amqp.sendText("tidings.events", Events.json(mine));
                amqp.send("tidings.events", jms -> {
                    Message message = jms.createTextMessage(Events.json(forged));
                    message.setJMSCorrelationID(forged.getId());
                    return message;
                });
            }
            try (var app = Messaging.asApp()) {
                assertDelivered(app, sink, mine);
                Message record = app.receive("tidings.rejected", "JMSCorrelationID = '" + forged.getId() + "'", WAIT);
                assertThat(record).as("rejection record of the forged event").isNotNull();
                assertThat(Messaging.property(record, "tidings_code")).isEqualTo("forged-source");
                assertThat(Messaging.property(record, "tidings_sender")).isEqualTo(user);
            }

            // rotation: a new password; the old one opens nothing from now on
            AdminApi.Reply second = api.postJson("/api/sources/" + ownId + "/broker-credentials", Map.of());
            assertThat(second.status()).isEqualTo(200);
            assertThat(second.body().get("brokerUser").asText()).isEqualTo(user);
            String rotated = second.body().get("password").asText();
            assertThat(rotated).isNotEqualTo(password);
            await().atMost(SHUT_OUT).untilAsserted(() -> assertRefused(user, password));
            CloudEvent afterRotation = event(own);
            try (var amqp = Messaging.overAmqp(user, rotated)) {
                amqp.sendText("tidings.events", Events.json(afterRotation));
            }
            try (var app = Messaging.asApp()) {
                assertDelivered(app, sink, afterRotation);
            }
            String usersFile = Files.readString(TestEnvironment.brokerEtc().resolve("users.properties"));
            assertThat(usersFile).contains(user + " = ENC(").doesNotContain(rotated).doesNotContain(password);

            // removal: the user is gone from the broker and from the source
            AdminApi.Reply removed = api.delete("/api/sources/" + ownId + "/broker-credentials");
            assertThat(removed.status()).isEqualTo(200);
            assertThat(removed.body().hasNonNull("brokerUser")).as("a broker user named").isFalse();
            await().atMost(SHUT_OUT).untilAsserted(() -> assertRefused(user, rotated));
            assertThat(Files.readString(TestEnvironment.brokerEtc().resolve("users.properties"))).doesNotContain(user);

            for (String path : List.of("/api/sources", "/api/sources/" + ownId, "/api/audit")) {
                String answer = api.get(path).body().toString();
                assertThat(answer).as(path).doesNotContain(password).doesNotContain(rotated);
            }
            assertThat(server.text()).doesNotContain(password).doesNotContain(rotated);
        }
    }

    /**
     * The same user over STOMP, as a messaging system without a JMS client sends (the acceptor takes STOMP too): its
     * own source's event is delivered, another source's is refused as forged-source and recorded with the user (also
     * when the frame names the other source's broker user in {@code _AMQ_VALIDATED_USER}), and a wrong passcode gets
     * no session.
     */
    // covers S2S-9, S2S-10
    @Test
    void aProvisionedBrokerUserSpeaksForItsSourceOnlyOverStompToo() {
        var route = twoSourcesToOneSink("stomp inbox");
        String own = route.own();
        String other = route.other();
        String ownId = route.ownId();
        String sink = route.sink();
        AdminApi.Reply credentials = api.postJson("/api/sources/" + ownId + "/broker-credentials", Map.of());
        assertThat(credentials.status()).isEqualTo(200);
        String user = credentials.body().get("brokerUser").asText();
        String password = credentials.body().get("password").asText();

        CloudEvent mine = event(own);
        CloudEvent forged = event(other);
        try (var stomp = StompClient.open()) {
            assertThat(stomp.connect(user, password).command()).isEqualTo("CONNECTED");
            assertThat(stomp.send("tidings.events", Map.of(), Events.json(mine)).command()).isEqualTo("RECEIPT");
            // claiming the other source's broker user in the header the broker stamps does not help
            assertThat(stomp.send("tidings.events", Map.of("_AMQ_VALIDATED_USER", "calendar-store"),
                    Events.json(forged)).command()).isEqualTo("RECEIPT");
        }
        try (var app = Messaging.asApp()) {
            assertDelivered(app, sink, mine);
            Message record = app.receive("tidings.rejected", "tidings_sender = '" + user + "'", WAIT);
            assertThat(record).as("rejection record of the forged event").isNotNull();
            assertThat(Messaging.property(record, "tidings_code")).isEqualTo("forged-source");
            assertThat(Messaging.text(record)).isEqualTo(Events.json(forged));
            assertThat(app.receive("tidings.sink." + sink, "tidings_event_id = '" + forged.getId() + "'", 1_000))
                    .as("the forged event reached no sink").isNull();
        }
        try (var stomp = StompClient.open()) {
            assertThat(stomp.connect(user, password + "x").command()).as("a wrong passcode").isEqualTo("ERROR");
        }
    }

    /**
     * The same over MQTT 3.1.1 with the Eclipse Paho client, as a device would publish (topic tidings/events): its own
     * source's event is delivered, another source's is refused as forged-source and recorded with the provisioned user
     * as sender, and a wrong password gets no connection.
     */
    // covers S2S-9, S2S-10
    @Test
    void aProvisionedBrokerUserSpeaksForItsSourceOnlyOverMqttToo() throws Exception {
        var route = twoSourcesToOneSink("mqtt inbox");
        AdminApi.Reply credentials = api.postJson("/api/sources/" + route.ownId() + "/broker-credentials", Map.of());
        assertThat(credentials.status()).isEqualTo(200);
        String user = credentials.body().get("brokerUser").asText();
        String password = credentials.body().get("password").asText();

        CloudEvent mine = event(route.own());
        CloudEvent forged = event(route.other());
        try (var mqtt = MqttPublisher.connect(user, password)) {
            assertThat(mqtt.connack()).isEqualTo(MqttPublisher.ACCEPTED);
            assertThat(mqtt.publish("tidings/events", Events.json(mine))).as("PUBACK").isTrue();
            assertThat(mqtt.publish("tidings/events", Events.json(forged))).as("PUBACK").isTrue();
        }
        try (var app = Messaging.asApp()) {
            assertDelivered(app, route.sink(), mine);
            Message record = app.receive("tidings.rejected", "tidings_sender = '" + user + "'", WAIT);
            assertThat(record).as("rejection record of the forged event").isNotNull();
            assertThat(Messaging.property(record, "tidings_code")).isEqualTo("forged-source");
            assertThat(Messaging.text(record)).isEqualTo(Events.json(forged));
            assertThat(app.receive("tidings.sink." + route.sink(), "tidings_event_id = '" + forged.getId() + "'",
                    1_000)).as("the forged event reached no sink").isNull();
        }
        try (var mqtt = MqttPublisher.connect(user, password + "x")) {
            assertThat(mqtt.connack()).as("a wrong password").isNotEqualTo(MqttPublisher.ACCEPTED);
        }
    }

    // covers S2S-9
    @Test
    void deletingASourceRemovesTheBrokerUserTidingsMadeForIt() {
        String id = api.createSource("short-lived", Events.uniqueSource(), null);
        AdminApi.Reply credentials = api.postJson("/api/sources/" + id + "/broker-credentials", Map.of());
        assertThat(credentials.status()).isEqualTo(200);
        String user = credentials.body().get("brokerUser").asText();
        String password = credentials.body().get("password").asText();
        try (var amqp = Messaging.overAmqp(user, password)) {
            amqp.sendText("tidings.events", Events.json(event(NOBODY))); // it connects and may send
        }
        assertThat(api.delete("/api/sources/" + id).status()).isEqualTo(204);
        await().atMost(SHUT_OUT).untilAsserted(() -> assertRefused(user, password));
    }

    // covers S2S-9: the user Tidings made goes with the source, named or not (nothing else could remove it then)
    @Test
    void deletingASourceThatNamesAnotherUserNowStillRemovesTheOneTidingsMadeForIt() {
        String id = api.createSource("renamed", Events.uniqueSource(), null);
        AdminApi.Reply credentials = api.postJson("/api/sources/" + id + "/broker-credentials", Map.of());
        assertThat(credentials.status()).isEqualTo(200);
        String user = credentials.body().get("brokerUser").asText();
        String password = credentials.body().get("password").asText();
        assertThat(api.putJson("/api/sources/" + id + "/broker-user", Map.of("brokerUser", "mail-store")).status())
                .isEqualTo(200);
        try (var amqp = Messaging.overAmqp(user, password)) {
            amqp.sendText("tidings.events", Events.json(event(NOBODY))); // still a broker user after the renaming
        }
        assertThat(api.delete("/api/sources/" + id).status()).isEqualTo(204);
        await().atMost(SHUT_OUT).untilAsserted(() -> assertRefused(user, password));
    }

    // covers S2S-9: only administrators provision
    @Test
    void onlyAdministratorsProvisionBrokerUsers() {
        String id = api.createSource("guarded", Events.uniqueSource(), null);
        AdminApi asSource = api.withToken(api.issueToken("sources", id));
        assertThat(asSource.postJson("/api/sources/" + id + "/broker-credentials", Map.of()).code())
                .isEqualTo("forbidden");
        assertThat(asSource.delete("/api/sources/" + id + "/broker-credentials").code()).isEqualTo("forbidden");
        assertThat(api.get("/api/sources/" + id).body().hasNonNull("brokerUser")).as("a broker user named").isFalse();
    }

    // covers S2S-9 (issue 10: a subscriber only consumes its own sink queues)
    @Test
    void aSubscribersBrokerUserReadsItsOwnSinkQueuesAndNothingElse() {
        var owner = subscriberWithOwnSink();
        String subscriberId = owner.id();
        String own = owner.sinkQueue();
        String others = "tidings.sink." + api.createJmsSink("someone else's queue");

        AdminApi.Reply credentials = api.postJson("/api/subscribers/" + subscriberId + "/broker-credentials", Map.of());
        assertThat(credentials.status()).as(credentials.body().toString()).isEqualTo(200);
        assertThat(credentials.header("Cache-Control")).isEqualTo("no-store");
        String user = credentials.body().get("brokerUser").asText();
        String password = credentials.body().get("password").asText();
        assertThat(user).isEqualTo("tidings-subscriber-" + subscriberId);

        try (var app = Messaging.asApp()) {
            app.sendText(own, "for the owner");
            app.sendText(others, "for someone else");
        }
        try (var reader = Messaging.overAmqp(user, password)) {
            Message mine = reader.receive(own, null, WAIT);
            assertThat(mine).as("a message on its own sink's queue").isNotNull();
            assertThat(Messaging.text(mine)).isEqualTo("for the owner");
            assertThatThrownBy(() -> reader.receive(others, null, 1_000)).as("another sink's queue")
                    .isInstanceOf(JMSRuntimeException.class);
        }
        try (var reader = Messaging.overAmqp(user, password)) {
            assertThatThrownBy(() -> reader.sendText("tidings.events", Events.json(event(NOBODY))))
                    .as("the events queue").isInstanceOf(JMSRuntimeException.class);
        }
        try (var app = Messaging.asApp()) {
            assertThat(app.receive(others, null, WAIT)).as("another sink's message, still there").isNotNull();
        }

        assertThat(api.delete("/api/subscribers/" + subscriberId + "/broker-credentials").status()).isEqualTo(204);
        await().atMost(SHUT_OUT).untilAsserted(() -> assertThatThrownBy(() -> {
            try (var reader = Messaging.overAmqp(user, password)) {
                reader.receive(own, null, 100);
            }
        }).isInstanceOf(JMSRuntimeException.class));
    }

    /**
     * S2S-8 (b), false events: nobody but Tidings' own account puts anything where sinks and Tidings' own consumers
     * read. A source's broker user (provisioned by Tidings, over AMQP; the test's static one, over CORE) and a
     * subscriber's broker user (over AMQP) are each refused by the broker's security when they send to a sink's queue
     * (their own sink's, for the subscriber), to tidings.deliver (whence webhooks, purges and pull feeds are served),
     * to tidings.rejected, to tidings.management.replies or to the change notices' topic, and a source's user (over
     * CORE) is refused by the management address; a source's MQTT publish to a sink's address reaches nothing either. What a
     * source may send goes to tidings.events only, where it is checked (BrokerImpersonationIT).
     */
    // covers S2S-8b, S2S-9
    @Test
    void noSourceOrSubscriberCanPutAFalseNotificationWhereSinksOrTidingsRead() throws Exception {
        String sourceId = api.createSource("mail store", Events.uniqueSource(), null);
        AdminApi.Reply sourceCredentials = api.postJson("/api/sources/" + sourceId + "/broker-credentials", Map.of());
        assertThat(sourceCredentials.status()).as(sourceCredentials.body().toString()).isEqualTo(200);
        String sourceUser = sourceCredentials.body().get("brokerUser").asText();
        String sourcePassword = sourceCredentials.body().get("password").asText();

        var owner = subscriberWithOwnSink();
        String subscriberId = owner.id();
        String sinkQueue = owner.sinkQueue();
        AdminApi.Reply subscriberCredentials = api.postJson("/api/subscribers/" + subscriberId
                + "/broker-credentials", Map.of());
        assertThat(subscriberCredentials.status()).as(subscriberCredentials.body().toString()).isEqualTo(200);
        String subscriberUser = subscriberCredentials.body().get("brokerUser").asText();
        String subscriberPassword = subscriberCredentials.body().get("password").asText();

        Map<String, java.util.function.Supplier<Messaging>> clients = new java.util.LinkedHashMap<>();
        clients.put("a provisioned source's user over AMQP", () -> Messaging.overAmqp(sourceUser, sourcePassword));
        clients.put("a source's user over CORE", Messaging::asSource);
        clients.put("a subscriber's user over AMQP", () -> Messaging.overAmqp(subscriberUser, subscriberPassword));
        String falseNotification = Events.json(event(NOBODY));
        long sinkBefore = TestEnvironment.messagesAdded(sinkQueue);
        long deliverBefore = TestEnvironment.messagesAdded("tidings.deliver");
        long rejectedBefore = TestEnvironment.messagesAdded("tidings.rejected");
        clients.forEach((who, client) -> {
            for (String queue : List.of(sinkQueue, "tidings.deliver", "tidings.rejected",
                    "tidings.management.replies")) {
                try (var messaging = client.get()) {
                    assertThatThrownBy(() -> messaging.sendText(queue, falseNotification)).as(who + " to " + queue)
                            .isInstanceOf(JMSSecurityRuntimeException.class);
                }
            }
            try (var messaging = client.get()) {
                assertThatThrownBy(() -> messaging.publishText("tidings.changes", "{}"))
                        .as(who + " to tidings.changes").isInstanceOf(JMSSecurityRuntimeException.class);
            }
        });
        // The management address over CORE, where the broker answers a refusal as such (over AMQP it closes the
        // connection instead).
        try (var messaging = Messaging.asSource()) {
            assertThatThrownBy(() -> messaging.sendText("activemq.management", "{}")).as("a source to management")
                    .isInstanceOf(JMSSecurityRuntimeException.class);
        }
        // And over MQTT, where a topic's slashes are the address's dots: the broker may close the connection or
        // acknowledge and drop; either way nothing reaches the queue.
        try (var mqtt = MqttPublisher.connect(sourceUser, sourcePassword)) {
            assertThat(mqtt.connack()).isEqualTo(MqttPublisher.ACCEPTED);
            mqtt.publish(sinkQueue.replace('.', '/'), falseNotification);
        }
        assertThat(TestEnvironment.messagesAdded(sinkQueue)).isEqualTo(sinkBefore);
        assertThat(TestEnvironment.messagesAdded("tidings.deliver")).isEqualTo(deliverBefore);
        assertThat(TestEnvironment.messagesAdded("tidings.rejected")).isEqualTo(rejectedBefore);
        try (var reader = Messaging.overAmqp(subscriberUser, subscriberPassword)) {
            assertThat(reader.receive(sinkQueue, null, 1_000)).as("nothing on the subscriber's own queue").isNull();
        }
    }

    /** A new subscriber and the queue of a JMS sink it made itself. */
    private record Reader(String id, String sinkQueue) {
    }

    private Reader subscriberWithOwnSink() {
        AdminApi.Reply subscriber = api.postJson("/api/subscribers", Map.of("name", "reader " + UUID.randomUUID()));
        assertThat(subscriber.status()).isEqualTo(201);
        String subscriberId = subscriber.body().get("id").asText();
        AdminApi asSubscriber = api.withToken(api.issueToken("subscribers", subscriberId));
        AdminApi.Reply ownSink = asSubscriber.postJson("/api/sinks", Map.of("name", "own queue", "channel", "jms"));
        assertThat(ownSink.status()).as(ownSink.body().toString()).isEqualTo(201);
        return new Reader(subscriberId, "tidings.sink." + ownSink.body().get("id").asText());
    }

    /** A source to provision, another whose events name the broker user calendar-store, and a sink for both. */
    private record Route(String own, String other, String ownId, String sink) {
    }

    private Route twoSourcesToOneSink(String sinkName) {
        String own = Events.uniqueSource();
        String other = Events.uniqueSource();
        String ownId = api.createSource("mail store", own, null);
        api.createSource("calendar", other, "calendar-store");
        String sink = api.createJmsSink(sinkName);
        api.subscribe(sink, Map.of("types", List.of(TYPE), "sources", List.of(own, other)));
        return new Route(own, other, ownId, sink);
    }

    /** A send is what a source's user may do, so only a refused login can make it fail. */
    private static void assertRefused(String user, String password) {
        assertThatThrownBy(() -> {
            try (var amqp = Messaging.overAmqp(user, password)) {
                amqp.sendText("tidings.events", Events.json(event(NOBODY)));
            }
        }).isInstanceOf(JMSRuntimeException.class);
    }

    private static CloudEvent event(String source) {
        return Events.event(source, TYPE, "mailto:ann@example.com");
    }

    private static void assertDelivered(Messaging app, String sink, CloudEvent event) {
        Message notification = app.receive("tidings.sink." + sink, "tidings_event_id = '" + event.getId() + "'", WAIT);
        assertThat(notification).as("notification of %s", event.getId()).isNotNull();
        assertThat(Messaging.text(notification)).isEqualTo(Events.json(event));
    }
}
