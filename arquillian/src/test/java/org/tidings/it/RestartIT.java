package org.tidings.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.cloudevents.CloudEvent;
import java.util.ArrayList;
import java.util.List;
import org.jboss.arquillian.container.test.api.Deployer;
import org.jboss.arquillian.container.test.api.Deployment;
import org.jboss.arquillian.junit5.ArquillianExtension;
import org.jboss.arquillian.test.api.ArquillianResource;
import org.jboss.shrinkwrap.api.spec.WebArchive;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** Provisioning lives in the database and events in durable queues: stopping Tidings loses neither. */
@ExtendWith(ArquillianExtension.class)
@org.tidings.it.micro.OwnPayaraMicro
class RestartIT {

    private static final String TYPE = "org.example.calendar.EventChanged";
    private static final String APP = "tidings";
    private static final int BACKLOG = 500;

    @ArquillianResource
    Deployer deployer;

    @Deployment(name = APP, managed = false, testable = false)
    static WebArchive deployment() {
        return Deployments.tidings();
    }

    // covers LEM-9, S2S-3, CARD-4
    @Test
    void provisioningAndQueuedMessagesSurviveARestartOfPayaraMicro() {
        var api = new AdminApi(TestEnvironment.baseUrl());
        deployer.deploy(APP);
        var route = api.route("calendar", "calendar sync", TYPE);
        String source = route.source();
        String sink = route.sink();
        String subscription = route.subscription();

        CloudEvent beforeStop = Events.event(source, TYPE, "mailto:ann@example.com");
        try (var messaging = Messaging.asSource()) {
            messaging.sendText("tidings.events", Events.json(beforeStop));
        }
        try (var messaging = Messaging.asApp()) {
            awaitOnQueue("tidings.sink." + sink, 1);
        }

        deployer.undeploy(APP);
        TestEnvironment.awaitPayaraStopped();

        // A backlog waiting at start: the adapter may deliver it before the matching index is loaded, and an
        // event matched against an index not loaded yet would be acknowledged with nothing forwarded.
        List<String> expected = new ArrayList<>(List.of(beforeStop.getId()));
        try (var messaging = Messaging.asSource()) {
            for (int i = 0; i < BACKLOG; i++) {
                CloudEvent whileStopped = Events.event(source, TYPE, "mailto:user" + i + "@example.com");
                messaging.sendText("tidings.events", Events.json(whileStopped));
                expected.add(whileStopped.getId());
            }
        }

        deployer.deploy(APP);
        try {
            var stored = api.get("/api/subscriptions/" + subscription);
            assertThat(stored.status()).isEqualTo(200);
            assertThat(stored.body().get("sinkId").asText()).isEqualTo(sink);
            assertThat(api.get("/api/sources").body().findValuesAsText("uri")).contains(source);

            try (var messaging = Messaging.asApp()) {
                String queue = "tidings.sink." + sink;
                List<String> received = new ArrayList<>();
                for (var message = messaging.receive(queue, null, 60_000); message != null;
                        message = received.size() == expected.size() ? null : messaging.receive(queue, null, 60_000)) {
                    received.add(Events.parse(Messaging.text(message)).getId());
                }
                assertThat(received).containsExactlyInAnyOrderElementsOf(expected);
                assertThat(messaging.browse(queue)).isEmpty();
            }
        } finally {
            deployer.undeploy(APP);
        }
    }

    /**
     * Asks the broker itself: a sink's queue is created by its first notification, so a JMS browser started before
     * that fails (AMQ229017) where the broker simply counts nothing yet.
     */
    private static void awaitOnQueue(String queue, int count) {
        org.awaitility.Awaitility.await().atMost(java.time.Duration.ofSeconds(30))
                .until(() -> TestEnvironment.messageCount(queue) == count);
    }
}
