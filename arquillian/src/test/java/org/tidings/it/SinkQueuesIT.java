package org.tidings.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.tidings.it.PipelineIT.assertProblem;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import org.jboss.arquillian.container.test.api.Deployment;
import org.jboss.arquillian.junit5.ArquillianExtension;
import org.jboss.shrinkwrap.api.spec.WebArchive;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** A JMS sink's queue lives exactly as long as the sink; what it still holds goes only when the operator says so. */
@ExtendWith(ArquillianExtension.class)
class SinkQueuesIT {

    private static final String TYPE = "org.example.mail.MessageNew";

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
}
