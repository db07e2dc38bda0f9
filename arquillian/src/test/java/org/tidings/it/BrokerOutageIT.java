package org.tidings.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.cloudevents.CloudEvent;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import org.jboss.arquillian.container.test.api.Deployment;
import org.jboss.arquillian.junit5.ArquillianExtension;
import org.jboss.shrinkwrap.api.spec.WebArchive;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** With the broker gone, HTTP ingest says 503 and accepts nothing; once it is back, everything flows again. */
@ExtendWith(ArquillianExtension.class)
class BrokerOutageIT {

    private static final String TYPE = "org.example.mail.MessageNew";
    private static final String CE = "application/cloudevents+json";

    @Deployment(testable = false)
    static WebArchive deployment() {
        return Deployments.tidings();
    }

    // covers S2S-3, S2S-8a, S2S-14, LEM-9
    @Test
    void ingestAnswers503WhileTheBrokerIsDownAndNothingIsHalfWritten() throws Exception {
        var api = new AdminApi(TestEnvironment.baseUrl());
        var route = api.route("mail store", "notifier", TYPE);
        String source = route.source();
        String sink = route.sink();
        String queue = "tidings.sink." + sink;

        CloudEvent before = Events.event(source, TYPE, "mailto:ann@example.com");
        assertThat(post(api, before).status()).isEqualTo(202);
        try (var messaging = Messaging.asApp()) {
            assertThat(messaging.receive(queue, null, 30_000)).isNotNull();
        }

        TestEnvironment.stopBroker();
        CloudEvent during = Events.event(source, TYPE, "mailto:ann@example.com");
        AdminApi.Reply refused;
        try {
            refused = post(api, during);
        } finally {
            TestEnvironment.startBroker();
        }
        // Which of the two depends on whether the pooled connection had already been dropped: either no connection
        // could be made (nothing was accepted), or the send itself failed (outcome unknown); both say retry.
        assertThat(refused.status()).isEqualTo(503);
        assertThat(refused.contentType()).startsWith("application/problem+json");
        assertThat(refused.code()).isIn("broker-unavailable", "outcome-unknown");
        assertThat(refused.header("Retry-After")).isEqualTo("2");

        CloudEvent after = Events.event(source, TYPE, "mailto:ann@example.com");
        await().atMost(Duration.ofSeconds(90)).pollInterval(Duration.ofSeconds(1))
                .until(() -> post(api, after).status() == 202);
        try (var messaging = Messaging.asApp()) {
            var delivered = messaging.receive(queue, null, 60_000);
            assertThat(delivered).isNotNull();
            assertThat(Events.parse(Messaging.text(delivered)).getId()).isEqualTo(after.getId());
            // the refused event reached neither the events queue nor the sink
            assertThat(messaging.browse("tidings.events")).extracting(Messaging::text)
                    .noneMatch(body -> body.contains(during.getId()));
            assertThat(messaging.browse(queue)).extracting(Messaging::text)
                    .noneMatch(body -> body.contains(during.getId()));
        }
    }

    private static AdminApi.Reply post(AdminApi api, CloudEvent event) {
        return api.post("/events", CE, Events.json(event).getBytes(StandardCharsets.UTF_8));
    }
}
