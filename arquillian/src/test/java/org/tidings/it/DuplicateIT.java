package org.tidings.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.cloudevents.CloudEvent;
import io.cloudevents.core.builder.CloudEventBuilder;
import jakarta.jms.Message;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.jboss.arquillian.container.test.api.Deployer;
import org.jboss.arquillian.container.test.api.Deployment;
import org.jboss.arquillian.junit5.ArquillianExtension;
import org.jboss.arquillian.test.api.ArquillianResource;
import org.jboss.shrinkwrap.api.spec.WebArchive;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The duplicate window (S2S-8c, docs/adr/0019): an event whose (source, id) was accepted within
 * {@code tidings.dedup.window} is acknowledged but not matched again, over HTTP and over the broker, sent one after
 * the other or side by side, and after a restart of Payara Micro and of the broker. Nothing here rests on the
 * broker's duplicate-id caches: every resend that must be suppressed either carries no duplicate id or comes over
 * HTTP after the first copy came over the broker without one, and the sink's address remembers one notification id
 * only, so a notification forwarded again after another one would be delivered. "Not delivered" is shown
 * by a marker sent after the duplicates in the same message group (the subject), hence processed after them.
 */
@ExtendWith(ArquillianExtension.class)
@org.tidings.it.micro.OwnPayaraMicro
class DuplicateIT {

    private static final String TYPE = "org.example.mail.MessageNew";
    private static final String APP = "tidings";
    private static final String EVENTS = "tidings.events";
    private static final String CE = "application/cloudevents+json";
    private static final String SUBJECT = "mailto:twice@example.com";
    private static final long WAIT = 60_000;

    @ArquillianResource
    Deployer deployer;

    private final AdminApi api = new AdminApi(TestEnvironment.baseUrl());
    private final List<String> delivered = new ArrayList<>();

    @Deployment(name = APP, managed = false, testable = false)
    static WebArchive deployment() {
        return Deployments.tidings();
    }

    // covers S2S-8c
    @Test
    void anEventAcceptedWithinTheWindowIsDeliveredOnceOnEveryPathAndThroughRestarts() throws Exception {
        deployer.deploy(APP);
        try {
            var route = api.route("mail store", "once per window", TYPE);
            String otherSource = Events.uniqueSource();
            api.createSource("another mail store", otherSource);
            api.subscribe(route.sink(), Map.of("types", List.of(TYPE), "sources", List.of(otherSource)));
            String queue = "tidings.sink." + route.sink();
            // Without the window, a resent event's notifications would be dropped by the sink address's duplicate-id
            // cache as long as it remembers them: with room for one id, it forgets them at the next notification.
            TestEnvironment.oneDuplicateId(queue);
            try (var app = Messaging.asApp()) {
                // It does: an id sent again after another one is accepted again (a duplicate would be dropped).
                for (String id : List.of("probe-a", "probe-b", "probe-a")) {
                    app.send(queue, jms -> {
                        var probe = jms.createTextMessage("probe");
                        probe.setStringProperty("_AMQ_DUPL_ID", id);
                        return probe;
                    });
                }
                for (int i = 1; i <= 3; i++) {
                    assertThat(app.receive(queue, null, WAIT)).as("probe " + i).isNotNull();
                }
            }

            CloudEvent overHttp = Events.event(route.source(), TYPE, SUBJECT);
            CloudEvent overJms = Events.event(route.source(), TYPE, SUBJECT);
            CloudEvent jmsThenHttp = Events.event(route.source(), TYPE, SUBJECT);
            CloudEvent jmsNowHttpLater = Events.event(route.source(), TYPE, SUBJECT);
            // The same id from another spelling of the same source is the same event; from another source it is not.
            CloudEvent respelled = CloudEventBuilder.v1(overJms)
                    .withSource(URI.create(route.source().replace(".example.com", ".EXAMPLE.COM"))).build();
            CloudEvent fromOtherSource = CloudEventBuilder.v1(overJms).withSource(URI.create(otherSource)).build();

            assertThat(post(overHttp)).isEqualTo(202);
            assertThat(post(overHttp)).isEqualTo(202); // dropped by the broker (duplicate id), or by the window
            try (var source = Messaging.asSource()) {
                source.sendText(EVENTS, Events.json(overJms), SUBJECT);
                source.sendText(EVENTS, Events.json(jmsThenHttp), SUBJECT);
                source.sendText(EVENTS, Events.json(jmsNowHttpLater), SUBJECT);
                source.sendText(EVENTS, Events.json(overJms), SUBJECT);
                source.sendText(EVENTS, Events.json(respelled), SUBJECT);
                source.sendText(EVENTS, Events.json(fromOtherSource), SUBJECT);
            }
            assertThat(post(jmsThenHttp)).isEqualTo(202); // no duplicate id in the broker's cache: the window's
            drainThroughMarker(route.source(), queue);

            // Side by side: copies in no message group reach several consumers at once; one claims, the others
            // lose the race on the key and are acknowledged as duplicates.
            CloudEvent sideBySide = Events.event(route.source(), TYPE, SUBJECT);
            try (var source = Messaging.asSource()) {
                for (int i = 0; i < 6; i++) {
                    source.sendText(EVENTS, Events.json(sideBySide));
                }
            }
            await().atMost(Duration.ofSeconds(60)).until(() -> TestEnvironment.messageCount(EVENTS) == 0);
            drainThroughMarker(route.source(), queue);

            // After a restart of Payara Micro: the record is in the database.
            deployer.undeploy(APP);
            TestEnvironment.awaitPayaraStopped();
            deployer.deploy(APP);
            resend(overHttp, overJms, jmsThenHttp, sideBySide, respelled, fromOtherSource);
            drainThroughMarker(route.source(), queue);

            // After a restart of the broker: the same, and an event first sent over the broker now comes over HTTP.
            TestEnvironment.stopBroker();
            TestEnvironment.startBroker();
            resend(overHttp, overJms, sideBySide, fromOtherSource);
            await().atMost(Duration.ofSeconds(90)).pollInterval(Duration.ofSeconds(1))
                    .until(() -> post(jmsNowHttpLater) == 202);
            drainThroughMarker(route.source(), queue);

            assertThat(delivered).containsExactlyInAnyOrder(
                    key(overHttp), key(overJms), key(jmsThenHttp), key(jmsNowHttpLater), key(fromOtherSource),
                    key(sideBySide));
        } finally {
            deployer.undeploy(APP);
        }
    }

    /** Sends each event again over the broker, with no duplicate id. */
    private static void resend(CloudEvent... events) {
        try (var source = Messaging.asSource()) {
            for (CloudEvent event : events) {
                source.sendText(EVENTS, Events.json(event), SUBJECT);
            }
        }
    }

    /**
     * Sends a fresh marker after what was sent, in the same group, and receives everything up to it: what arrived
     * before the marker is added to {@link #delivered}; nothing sent before the marker can arrive after it.
     */
    private void drainThroughMarker(String source, String queue) {
        CloudEvent marker = Events.event(source, TYPE, SUBJECT);
        try (var messaging = Messaging.asSource()) {
            messaging.sendText(EVENTS, Events.json(marker), SUBJECT);
        }
        try (var app = Messaging.asApp()) {
            for (Message message = app.receive(queue, null, WAIT); ; message = app.receive(queue, null, WAIT)) {
                assertThat(message).as("the marker " + marker.getId()).isNotNull();
                String key = Messaging.property(message, "tidings_event_source") + " "
                        + Messaging.property(message, "tidings_event_id");
                if (key.equals(key(marker))) {
                    return;
                }
                delivered.add(key);
            }
        }
    }

    private static String key(CloudEvent event) {
        return event.getSource() + " " + event.getId();
    }

    private int post(CloudEvent event) {
        return api.post("/events", CE, Events.json(event).getBytes(StandardCharsets.UTF_8)).status();
    }
}
