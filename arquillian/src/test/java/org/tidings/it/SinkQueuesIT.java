package org.tidings.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.tidings.it.PipelineIT.assertProblem;

import io.cloudevents.CloudEvent;
import jakarta.jms.JMSContext;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.activemq.artemis.jms.client.ActiveMQConnectionFactory;
import org.jboss.arquillian.container.test.api.Deployment;
import org.jboss.arquillian.junit5.ArquillianExtension;
import org.jboss.shrinkwrap.api.spec.WebArchive;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** A JMS sink's queue lives exactly as long as the sink; what it still holds goes only when the operator says so. */
@ExtendWith(ArquillianExtension.class)
class SinkQueuesIT {

    private static final String TYPE = "org.example.mail.MessageNew";

    private static final Duration WAIT = Duration.ofSeconds(30);

    private final AdminApi api = new AdminApi(TestEnvironment.baseUrl());

    @Deployment(testable = false)
    static WebArchive deployment() {
        return Deployments.tidings();
    }

    // covers S2S-6, CARD-3
    @Test
    void theQueueExistsFromTheSinksCreationAndGoesWithIt() {
        String sink = api.createJmsSink("early consumer");
        String queue = "tidings.sink." + sink;
        // asked of the broker before anything consumed from or sent to it (a consumer of the app's own account
        // could create the queue itself, so it would prove nothing)
        assertThat(TestEnvironment.queueExists(queue)).as("before any notification").isTrue();
        assertThat(TestEnvironment.messageCount(queue)).isZero();
        assertThat(api.delete("/api/sinks/" + sink).status()).isEqualTo(204);
        // removed once the deletion has committed, on a thread of its own
        await().atMost(Duration.ofSeconds(30)).until(() -> !TestEnvironment.queueExists(queue));
    }

    /**
     * A JMS sink whose queue an operator removed on the broker: its status counts nothing (the broker's answer to a
     * missing queue is told from a refusal, BrokerManagement), and the sink can be deleted.
     */
    // covers S2S-6, RUP-11
    @Test
    void aSinkWhoseQueueIsGoneCountsNothingAndCanBeDeleted() throws Exception {
        String sink = api.createJmsSink("queue removed by an operator");
        String queue = "tidings.sink." + sink;
        TestEnvironment.destroyQueue(queue);
        assertThat(TestEnvironment.queueExists(queue)).isFalse();
        assertStatus(sink, 0, 0, 0, 0, 0);
        assertThat(api.delete("/api/sinks/" + sink).status()).isEqualTo(204);
    }

    // covers S2S-6, CARD-3
    @Test
    void aSinkWhoseQueueHoldsNotificationsGoesOnlyWhenPurged() {
        var route = api.route("mail store", "slow reader", TYPE);
        String queue = "tidings.sink." + route.sink();
        assertThat(api.post("/events", "application/cloudevents+json", Events.json(Events.event(route.source(), TYPE,
                "mailto:ann@example.com")).getBytes(StandardCharsets.UTF_8)).status()).isEqualTo(202);
        await().atMost(Duration.ofSeconds(30)).until(() -> TestEnvironment.messageCount(queue) == 1);
        assertThat(api.delete("/api/subscriptions/" + route.subscription()).status()).isEqualTo(204);

        assertProblem(api.delete("/api/sinks/" + route.sink()), 409, "conflict");
        assertThat(TestEnvironment.messageCount(queue)).as("nothing discarded unasked").isEqualTo(1);
        assertThat(api.get("/api/sinks/" + route.sink()).status()).isEqualTo(200);

        assertThat(api.delete("/api/sinks/" + route.sink() + "?purge=true").status()).isEqualTo(204);
        await().atMost(Duration.ofSeconds(30)).until(() -> !TestEnvironment.queueExists(queue));
        assertThat(api.get("/api/sinks/" + route.sink()).status()).isEqualTo(404);
    }

    /**
     * Propagation feedback for JMS sinks: an event's deliveries list its JMS notifications (sink, subscription,
     * number), and a JMS sink's status counts its queue as the broker does: what waits, what a consumer holds and what
     * it took; what the broker dead-lettered after its consumer failed it is not counted as taken but as dead, on the
     * sink's own dead-letter queue.
     */
    // covers RUP-11
    @Test
    void anEventsJmsNotificationsAreListedAndEachSinksQueueIsCountedInItsStatus() throws Exception {
        var route = api.route("mail store", "reader", TYPE);
        String failing = api.createJmsSink("failing reader");
        String failingSubscription = api.subscribe(failing, Map.of("types", List.of(TYPE), "sources",
                List.of(route.source())));
        String queue = "tidings.sink." + route.sink();
        String failingQueue = "tidings.sink." + failing;
        CloudEvent event = Events.event(route.source(), TYPE, "mailto:ann@example.com");
        assertThat(api.post("/events", "application/cloudevents+json", Events.json(event)
                .getBytes(StandardCharsets.UTF_8)).status()).isEqualTo(202);
        await().atMost(WAIT).until(() -> TestEnvironment.messageCount(queue) == 1
                && TestEnvironment.messageCount(failingQueue) == 1);

        var deliveries = api.get("/api/deliveries?source=" + route.source() + "&id=" + event.getId()).body();
        assertThat(deliveries).hasSize(2);
        Map<String, String> sinkOfSubscription = new HashMap<>();
        deliveries.forEach(d -> {
            sinkOfSubscription.put(d.get("subscriptionId").asText(), d.get("sinkId").asText());
            assertThat(d.get("status").asText()).isEqualTo("forwarded");
            assertThat(d.get("seq").asLong()).as("the first of each subscription").isEqualTo(1);
            assertThat(d.get("eventSource").asText()).isEqualTo(route.source());
            assertThat(d.get("eventId").asText()).isEqualTo(event.getId());
            assertThat(d.get("attempts").asInt()).isZero();
            assertThat(d.hasNonNull("createdAt")).isTrue();
        });
        assertThat(sinkOfSubscription).isEqualTo(Map.of(route.subscription(), route.sink(),
                failingSubscription, failing));

        assertStatus(route.sink(), 1, 0, 0, 0, 0);
        try (var app = Messaging.asApp()) {
            var notification = app.receive(queue, null, WAIT.toMillis());
            assertThat(Messaging.property(notification, "tidings_seq")).isEqualTo("1");
        }
        await().atMost(WAIT).untilAsserted(() -> assertStatus(route.sink(), 0, 0, 1, 0, 0));

        // a consumer that takes the notification and fails it each time: three attempts here (ten in broker.xml, which
        // take minutes), then the broker moves it to its dead-letter queue
        try (var quickly = TestEnvironment.fewRedeliveries(failingQueue);
                var factory = new ActiveMQConnectionFactory(TestEnvironment.brokerUrl(), TestEnvironment.APP_USER,
                        TestEnvironment.APP_PASSWORD);
                JMSContext failingConsumer = factory.createContext(JMSContext.SESSION_TRANSACTED);
                var consumer = failingConsumer.createConsumer(failingConsumer.createQueue(failingQueue))) {
            assertThat(consumer.receive(WAIT.toMillis())).isNotNull();
            assertStatus(failing, 1, 1, 0, 1, 0);
            failingConsumer.rollback();
            for (int attempt = 2; attempt <= 3; attempt++) {
                assertThat(consumer.receive(WAIT.toMillis())).as("attempt %d", attempt).isNotNull();
                failingConsumer.rollback();
            }
            await().atMost(WAIT).until(() -> TestEnvironment.messageCount(failingQueue) == 0);
            // counted once the dead-letter queue has taken it in, which may come just after
            await().atMost(WAIT).untilAsserted(() -> assertStatus(failing, 0, 0, 0, 1, 1));
        }
        // dead-lettered by the broker, not acknowledged, onto the sink's own dead-letter queue, not the shared one
        assertThat(TestEnvironment.messageCount("DLQ." + failingQueue)).isEqualTo(1);
        try (var app = Messaging.asApp()) {
            assertThat(app.browse("DLQ")).noneMatch(m -> failingQueue.equals(Messaging.property(m, "_AMQ_ORIG_QUEUE")));
        }
        await().atMost(WAIT).untilAsserted(() -> assertStatus(failing, 0, 0, 0, 0, 1));
        assertStatus(route.sink(), 0, 0, 1, 0, 0);

        // its dead letter keeps the sink until it is purged, and goes with it
        assertThat(api.delete("/api/subscriptions/" + failingSubscription).status()).isEqualTo(204);
        assertProblem(api.delete("/api/sinks/" + failing), 409, "conflict");
        assertThat(TestEnvironment.messageCount("DLQ." + failingQueue)).as("nothing discarded unasked").isEqualTo(1);
        assertThat(api.delete("/api/sinks/" + failing + "?purge=true").status()).isEqualTo(204);
        await().atMost(WAIT).until(() -> !TestEnvironment.queueExists("DLQ." + failingQueue)
                && !TestEnvironment.queueExists(failingQueue));
    }

    private void assertStatus(String sink, long backlog, long inDelivery, long delivered, int consumers, long dead) {
        var reply = api.get("/api/sinks/" + sink + "/status");
        var status = reply.body();
        assertThat(reply.status()).as("%s", status).isEqualTo(200);
        assertThat(status.get("backlog").asLong()).as("backlog").isEqualTo(backlog);
        assertThat(status.get("inDelivery").asLong()).as("inDelivery").isEqualTo(inDelivery);
        assertThat(status.get("delivered").asLong()).as("delivered").isEqualTo(delivered);
        assertThat(status.get("dead").asLong()).as("dead").isEqualTo(dead);
        assertThat(status.get("consumers").asInt()).as("consumers").isEqualTo(consumers);
        assertThat(status.hasNonNull("circuit")).as("a JMS sink has no circuit").isFalse();
    }
}
