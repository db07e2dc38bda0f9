package org.tidings.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;
import static org.tidings.it.PipelineIT.assertProblem;

import io.cloudevents.CloudEvent;
import jakarta.jms.Message;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import org.jboss.arquillian.container.test.api.Deployment;
import org.jboss.arquillian.junit5.ArquillianExtension;
import org.jboss.shrinkwrap.api.spec.WebArchive;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Quotas per source (docs/adr/0017) on a second instance with a tiny one: a burst of 3 events and 0.01 events/s
 * (a token every 100 s, so none comes back during the test). It consumes its own events queue, so that no other
 * instance, with the default quota, takes its events.
 */
@ExtendWith(ArquillianExtension.class)
class QuotaIT {

    private static final String TYPE = "org.example.mail.MessageNew";
    private static final String QUEUE = "tidings.events.quota-it";
    private static final int BURST = 3;
    private static final long WAIT = 30_000;

    private final AdminApi api = new AdminApi(TestEnvironment.baseUrl());

    @Deployment(testable = false)
    static WebArchive deployment() {
        return Deployments.tidings();
    }

    // covers RUP-17
    @Test
    void aSourceOverItsQuotaIsRefusedOverHttpAndRecordedAsRejectedOverAmqpWhileOtherSourcesGoOn() throws Exception {
        // provisioned before the instance starts: it loads them at start, no convergence to wait for
        var overHttp = api.route("over quota on HTTP", "its sink", TYPE);
        var other = api.route("another source", "its sink", TYPE);
        var overAmqp = api.route("over quota on AMQP", "its sink", TYPE);
        TestEnvironment.createEventsQueue(QUEUE);
        long dlq = TestEnvironment.messageCount("DLQ");
        try (var instance = SecondInstance.start(Map.of("tidings.queue.events", QUEUE,
                "tidings.quota.events-per-second", "0.01", "tidings.quota.burst", Integer.toString(BURST)));
             var app = Messaging.asApp()) {
            var second = new AdminApi(instance.baseUrl());

            for (int i = 0; i < BURST; i++) {
                assertThat(post(second, overHttp.source()).status()).as("within the burst").isEqualTo(202);
            }
            long queued = TestEnvironment.messagesAdded(QUEUE);
            var refused = post(second, overHttp.source());
            assertProblem(refused, 429, "rate-limited");
            assertThat(Long.parseLong(refused.header("Retry-After"))).as("seconds until the next token")
                    .isBetween(90L, 100L);
            assertThat(TestEnvironment.messagesAdded(QUEUE)).as("nothing queued").isEqualTo(queued);
            for (int i = 0; i < BURST; i++) {
                assertThat(post(second, other.source()).status()).as("another source is not affected")
                        .isEqualTo(202);
            }
            // counted once: consumed, the accepted events are not counted again (they would be rejected)
            assertThat(notifications(app, overHttp.sink(), BURST)).hasSize(BURST);
            assertThat(notifications(app, other.sink(), BURST)).hasSize(BURST);

            String run = "quota-" + UUID.randomUUID();
            List<String> sent = new ArrayList<>();
            try (var amqp = Messaging.asAmqpSource()) {
                for (int i = 0; i < BURST + 2; i++) {
                    CloudEvent event = Events.event(overAmqp.source(), TYPE, "mailto:ann@example.com");
                    String correlation = run + "-" + event.getId();
                    amqp.send(QUEUE, jms -> {
                        Message message = jms.createTextMessage(Events.json(event));
                        message.setJMSCorrelationID(correlation);
                        // a mark only HTTP ingest may set: from a source it changes nothing
                        message.setBooleanProperty("tidings_admitted", true);
                        return message;
                    });
                    sent.add(event.getId());
                }
            }
            Set<String> delivered = new HashSet<>();
            for (Message notification : notifications(app, overAmqp.sink(), BURST)) {
                delivered.add(Messaging.property(notification, "tidings_event_id"));
            }
            Set<String> rejected = new HashSet<>();
            for (int i = 0; i < 2; i++) {
                Message record = app.receive("tidings.rejected", "JMSCorrelationID LIKE '" + run + "-%'", WAIT);
                assertThat(record).as("rejection record %d", i).isNotNull();
                assertThat(Messaging.property(record, "tidings_code")).isEqualTo("rate-limited");
                assertThat(Messaging.property(record, "tidings_body")).isEqualTo("whole");
                rejected.add(Events.parse(Messaging.text(record)).getId());
            }
            assertThat(delivered).hasSize(BURST).doesNotContainAnyElementsOf(rejected);
            Set<String> all = new HashSet<>(delivered);
            all.addAll(rejected);
            assertThat(all).as("every event delivered or recorded, none lost").containsExactlyInAnyOrderElementsOf(sent);
            assertThat(app.receive("tidings.rejected", "JMSCorrelationID LIKE '" + run + "-%'", 1000)).isNull();
            await().atMost(Duration.ofSeconds(30)).until(() -> TestEnvironment.messageCount(QUEUE) == 0);
            assertThat(TestEnvironment.messageCount("DLQ")).as("nothing redelivered to the DLQ").isEqualTo(dlq);
        }
    }

    // covers RUP-17
    @Test
    void aSourcesOwnQuotaAppliesOnEveryInstanceAndCapsItsQueuedEvents() throws Exception {
        String queue = "tidings.events.quota-own-it";
        String limited = Events.uniqueSource();
        String limitedId = api.createSource("its own rate", limited);
        String limitedSink = api.createJmsSink("its sink");
        api.subscribe(limitedSink, Map.of("types", List.of(TYPE), "sources", List.of(limited)));
        String capped = Events.uniqueSource();
        String cappedId = api.createSource("its own cap on queued events", capped);
        String cappedSink = api.createJmsSink("its sink");
        api.subscribe(cappedSink, Map.of("types", List.of(TYPE), "sources", List.of(capped)));

        assertProblem(api.putJson("/api/sources/" + limitedId + "/quota", Map.of("burst", 0)), 400, "invalid-request");
        assertProblem(api.putJson("/api/sources/" + limitedId + "/quota", Map.of("eventsPerSecond", -1)), 400,
                "invalid-request");
        var set = api.putJson("/api/sources/" + limitedId + "/quota", Map.of("eventsPerSecond", 0.01, "burst", 2));
        assertThat(set.status()).isEqualTo(200);
        assertThat(set.body().at("/quota/burst").asLong()).isEqualTo(2);
        assertThat(set.body().at("/quota/maxQueued").isNumber()).as("not set: the default").isFalse();
        assertThat(api.putJson("/api/sources/" + cappedId + "/quota", Map.of("maxQueued", 2)).status()).isEqualTo(200);
        assertThat(api.get("/api/sources/" + cappedId).body().at("/quota/maxQueued").asLong()).isEqualTo(2);
        TestEnvironment.createEventsQueue(queue);
        // the instance has the default quota (10,000 a second, a burst of 20,000) and loads the sources' own at start
        try (var instance = SecondInstance.start(Map.of("tidings.queue.events", queue)); var app = Messaging.asApp()) {
            var second = new AdminApi(instance.baseUrl());

            for (int i = 0; i < 2; i++) {
                assertThat(post(second, limited).status()).as("within its own burst").isEqualTo(202);
            }
            var refused = post(second, limited);
            assertProblem(refused, 429, "rate-limited");
            assertThat(Long.parseLong(refused.header("Retry-After"))).as("its own rate").isBetween(90L, 100L);

            // changed through the first instance: the second applies it with the change notice
            assertThat(api.putJson("/api/sources/" + limitedId + "/quota",
                    Map.of("eventsPerSecond", 1000, "burst", 2)).status()).isEqualTo(200);
            await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(200))
                    .until(() -> post(second, limited).status() == 202);
            assertThat(notifications(app, limitedSink, 3)).hasSize(3);

            try (var held = TestEnvironment.paused(queue)) {
                for (int i = 0; i < 2; i++) {
                    assertThat(post(second, capped).status()).as("within its cap").isEqualTo(202);
                }
                long queued = TestEnvironment.messagesAdded(queue);
                var full = post(second, capped);
                assertProblem(full, 429, "rate-limited");
                assertThat(full.header("Retry-After")).isEqualTo("1");
                assertThat(TestEnvironment.messagesAdded(queue)).as("nothing queued").isEqualTo(queued);
                assertThat(post(second, limited).status()).as("another source's events still queue").isEqualTo(202);
            }
            // a broker sender over its cap (lowered for every sender for a while) is refused on its send
            try (var held = TestEnvironment.paused(queue); var lowered = TestEnvironment.queuedCap(2);
                 var amqp = Messaging.asAmqpSource()) {
                for (int i = 0; i < 2; i++) {
                    amqp.send(queue, jms -> jms.createTextMessage(Events.json(Events.event(capped, TYPE,
                            "mailto:ann@example.com"))));
                }
                long queued = TestEnvironment.messagesAdded(queue);
                assertThatThrownBy(() -> amqp.send(queue, jms -> jms.createTextMessage(Events.json(Events.event(capped,
                        TYPE, "mailto:ann@example.com"))))).as("refused, not dropped silently")
                        .satisfies(refusal -> assertThat(Messaging.failureText(refusal)).contains("tidings-queued-cap"));
                // the same broker user over STOMP and MQTT: its count is at the cap whatever the protocol
                BrokerSenders.refusedOverStompAndMqtt(queue, Events.json(Events.event(capped, TYPE,
                        "mailto:ann@example.com")));
                assertThat(TestEnvironment.messagesAdded(queue)).as("nothing queued").isEqualTo(queued);
            }
            try (var mqtt = MqttPublisher.connect(TestEnvironment.SOURCE_USER, TestEnvironment.SOURCE_PASSWORD)) {
                assertThat(mqtt.publish(queue.replace('.', '/'), Events.json(Events.event(capped, TYPE,
                        "mailto:ann@example.com")))).as("MQTT, under the cap again: PUBACK").isTrue();
            }
            assertThat(notifications(app, cappedSink, 5)).as("what was accepted is delivered").hasSize(5);
            assertThat(notifications(app, limitedSink, 1)).hasSize(1);
            // room again once processed (the notifications may come just before the events' acknowledgement)
            await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(200))
                    .until(() -> post(second, capped).status() == 202);
            assertThat(notifications(app, cappedSink, 1)).hasSize(1);
        }
    }

    private static AdminApi.Reply post(AdminApi instance, String source) {
        return instance.post("/events", "application/cloudevents+json",
                Events.json(Events.event(source, TYPE, "mailto:ann@example.com")).getBytes(StandardCharsets.UTF_8));
    }

    /** The notifications on a sink's queue, expecting {@code count}; then checks that no further one comes. */
    private static List<Message> notifications(Messaging app, String sink, int count) {
        List<Message> received = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            Message notification = app.receive("tidings.sink." + sink, null, WAIT);
            assertThat(notification).as("notification %d of sink %s", i, sink).isNotNull();
            received.add(notification);
        }
        assertThat(app.receive("tidings.sink." + sink, null, 1000)).as("no more").isNull();
        return received;
    }
}
