package org.tidings.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.cloudevents.CloudEvent;
import jakarta.jms.Message;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.tidings.it.server.PayaraServer;
import org.tidings.it.server.ServerSockets;

/**
 * The EAR proven on a full Payara Server (run by -Ppayara-server): the distribution from Maven Central, a fresh
 * domain confined to loopback, the resource adapter and the EAR deployed with asadmin, and the slice of PipelineIT
 * run through it against the test broker. No Arquillian: the server is driven as an operator drives it.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class PayaraServerEarIT {

    private static final String NEW_MAIL = "org.example.mail.MessageNew";
    private static final long WAIT = 30_000;

    private static PayaraServer server;
    private static AdminApi api;

    @BeforeAll
    static void deployTheEarOnPayaraServer() {
        Path work = Path.of(System.getProperty("tidings.it.work")).resolve("payara-server");
        server = PayaraServer.create(Path.of(System.getProperty("tidings.it.payara-server-home")), work,
                applicationProperties(work));
        server.start();
        assertEverySocketOnLoopback("after start-domain");
        server.deploy(Path.of(System.getProperty("tidings.it.rar")), "tidings-artemis", "--type", "rar");
        server.deploy(Path.of(System.getProperty("tidings.it.ear")), "tidings");
        api = new AdminApi(server.baseUrl());
        await("the admin API of the deployed EAR").atMost(Duration.ofMinutes(2)).ignoreExceptions()
                .until(() -> api.get("/api/sources").status() == 200);
    }

    @AfterAll
    static void stopTheServer() {
        if (server != null) {
            server.stop();
        }
    }

    // covers CARD-2, CARD-3, CARD-4, S2S-6
    @Test
    @Order(1)
    void jmsEventReachesTheSubscribedSinkWithItsSubscriptionId() {
        var route = api.route("mail store", "inbox notifier", NEW_MAIL);
        String source = route.source();
        String sink = route.sink();
        String subscription = route.subscription();
        CloudEvent event = Events.event(source, NEW_MAIL, "mailto:ann@example.com");

        try (var messaging = Messaging.asSource()) {
            messaging.sendText("tidings.events", Events.json(event));
        }

        try (var app = Messaging.asApp()) {
            assertNotification(app.receive("tidings.sink." + sink, null, WAIT), event, subscription);
        }
    }

    // covers CARD-3, S2S-3
    @Test
    @Order(2)
    void httpEventIsAcceptedAndRoutedToTheSink() {
        var route = api.route("web origin", "cache", "org.example.web.ResourceChanged");
        String source = route.source();
        String sink = route.sink();
        String subscription = route.subscription();
        CloudEvent event = Events.event(source, "org.example.web.ResourceChanged", "https://www.example.com/a");

        var reply = api.post("/events", "application/cloudevents+json",
                Events.json(event).getBytes(StandardCharsets.UTF_8));

        assertThat(reply.status()).as("reply %s", reply).isEqualTo(202);
        assertThat(reply.body().get("id").asText()).isEqualTo(event.getId());
        try (var app = Messaging.asApp()) {
            assertNotification(app.receive("tidings.sink." + sink, null, WAIT), event, subscription);
        }
    }

    /**
     * A webhook sink on the EAR: its first attempt runs on a thread of the container's default managed thread factory
     * (docs/adr/0012), looked up from the EJB module here, from the WAR on Payara Micro.
     */
    // covers S2S-3
    @Test
    @Order(3)
    void httpEventReachesAWebhookSink() {
        try (var receiver = new WebhookReceiver(n -> 200)) {
            String source = Events.uniqueSource();
            api.createSource("mail store", source);
            var created = api.postJson("/api/sinks", Map.of("name", "hook", "channel", "webhook",
                    "url", receiver.url("/hooks")));
            assertThat(created.status()).as("reply %s", created).isEqualTo(201);
            api.subscribe(created.body().get("id").asText(),
                    Map.of("types", List.of(NEW_MAIL), "sources", List.of(source)));
            CloudEvent event = Events.event(source, NEW_MAIL, "mailto:bob@example.com");

            var reply = api.post("/events", "application/cloudevents+json",
                    Events.json(event).getBytes(StandardCharsets.UTF_8));

            assertThat(reply.status()).as("reply %s", reply).isEqualTo(202);
            await().atMost(Duration.ofMillis(WAIT)).until(() -> receiver.delivered().size() == 1);
            assertThat(Events.parse(new String(receiver.delivered().get(0).body(), StandardCharsets.UTF_8)).getId())
                    .isEqualTo(event.getId());
        }
    }

    // covers S2S-12, S2S-14
    @Test
    @Order(4)
    void malformedJmsMessageGoesToRejectedWithItsCodeAndBodyIntact() {
        String notJson = "this is not a CloudEvent {";
        try (var messaging = Messaging.asSource(); var app = Messaging.asApp()) {
            String id = messaging.sendText("tidings.events", notJson);

            Message rejected = app.receive("tidings.rejected", "tidings_original_message_id = '" + id + "'", WAIT);

            assertThat(rejected).as("rejection of %s", id).isNotNull();
            assertThat(Messaging.property(rejected, "tidings_code")).isEqualTo("malformed-event");
            assertThat(Messaging.text(rejected)).isEqualTo(notJson);
        }
    }

    // covers CARD-5, S2S-14
    @Test
    @Order(5)
    void invalidAdminRequestGetsProblemJsonWithItsCode() {
        var reply = api.postJson("/api/sources", Map.of("name", "", "uri", "not a uri"));

        assertThat(reply.status()).as("reply %s", reply).isEqualTo(400);
        assertThat(reply.contentType()).startsWith("application/problem+json");
        assertThat(reply.code()).isEqualTo("invalid-request");
    }

    @Test
    @Order(6)
    void afterAllThatTrafficTheServerStillListensAndTalksOnLoopbackOnly() {
        assertEverySocketOnLoopback("after the slice");
    }

    /** The properties the application reads through ${MPCONFIG=...}: the test broker and a fresh database. */
    private static Map<String, String> applicationProperties(Path work) {
        String dbUrl = System.getProperty("tidings.it.db.url", "");
        if (dbUrl.isBlank()) {
            dbUrl = "jdbc:h2:file:" + work.resolve("db/tidings") + ";DB_CLOSE_ON_EXIT=FALSE;WRITE_DELAY=0";
        }
        Map<String, String> properties = new LinkedHashMap<>();
        properties.put("tidings.broker.host", "127.0.0.1");
        properties.put("tidings.broker.port", Integer.toString(URI.create(TestEnvironment.brokerUrl()).getPort()));
        properties.put("tidings.broker.user", TestEnvironment.APP_USER);
        properties.put("tidings.broker.password", TestEnvironment.APP_PASSWORD);
        properties.put("tidings.db.datasource-class", System.getProperty("tidings.it.db.datasource-class"));
        properties.put("tidings.db.url", dbUrl);
        properties.put("tidings.db.user", System.getProperty("tidings.it.db.user"));
        properties.put("tidings.db.password", System.getProperty("tidings.it.db.password"));
        properties.put("tidings.secrets.key-file", work.resolve("secrets.key").toString());
        properties.put("tidings.admin.token", TestEnvironment.ADMIN_TOKEN);
        return properties;
    }

    private static void assertEverySocketOnLoopback(String when) {
        var sockets = ServerSockets.of(server.pid());
        System.out.printf("Payara Server %d (port base %d) %s:%n  %s%n", server.pid(), server.portBase(), when,
                String.join("\n  ", sockets.stream().map(Object::toString).sorted().distinct().toList()));
        System.out.printf("ss -ltunp:%n  %s%n", String.join("\n  ", ServerSockets.ssListening(server.pid())));
        assertThat(sockets).as("sockets of Payara Server %s", when).isNotEmpty()
                .allMatch(ServerSockets.Socket::loopbackOnly, "listen on or talk to loopback only");
    }

    private static void assertNotification(Message message, CloudEvent sent, String subscriptionId) {
        assertThat(message).as("notification for subscription %s", subscriptionId).isNotNull();
        CloudEvent notification = Events.parse(Messaging.text(message));
        assertThat(notification.getId()).isEqualTo(sent.getId());
        assertThat(notification.getType()).isEqualTo(sent.getType());
        assertThat(Messaging.text(message)).as("the event's own body").isEqualTo(Events.json(sent));
        assertThat(Messaging.property(message, "tidings_subscription_id")).isEqualTo(subscriptionId);
    }
}
