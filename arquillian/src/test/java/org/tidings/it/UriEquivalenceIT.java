package org.tidings.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.cloudevents.CloudEvent;
import io.cloudevents.core.builder.CloudEventBuilder;
import jakarta.jms.Message;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.jboss.arquillian.container.test.api.Deployment;
import org.jboss.arquillian.junit5.ArquillianExtension;
import org.jboss.shrinkwrap.api.spec.WebArchive;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * URIs that mean the same thing match the same way in the running pipeline (docs/adr/0009): spellings that
 * RFC 3986, section 6 makes equivalent reach the same subscription, and a URI prefix covers what lies under it at
 * a delimiter only. Each test uses its own host, so subscriptions other tests left in the shared database cannot
 * match its events.
 */
@ExtendWith(ArquillianExtension.class)
class UriEquivalenceIT {

    private static final String CHANGED = "org.example.web.ResourceChanged";

    private final AdminApi api = new AdminApi(TestEnvironment.baseUrl());
    private final String host = "cdn-" + UUID.randomUUID().toString().substring(0, 8) + ".example.com";

    @Deployment(testable = false)
    static WebArchive deployment() {
        return Deployments.tidings();
    }

    // covers RUP-20, S2S-6
    @Test
    void anEquivalentSpellingOfTheSubjectIsDeliveredToItsSubscription() {
        String source = Events.uniqueSource();
        api.createSource("web origin", source);
        String sink = api.createJmsSink("cache " + host);
        String subscription = api.subscribe(sink, Map.of("subjects", List.of("http://" + host + "/a/b")));
        CloudEvent event = Events.event(source, CHANGED, "http://" + host.toUpperCase() + ":80/a/./b");

        var reply = api.post("/events", "application/cloudevents+json", Events.json(event).getBytes(StandardCharsets.UTF_8));

        assertThat(reply.status()).as("%s", reply).isEqualTo(202);
        try (var messaging = Messaging.asApp()) {
            Message notification = messaging.receive("tidings.sink." + sink, null, 30_000);
            assertThat(notification).as("notification of %s", event.getSubject()).isNotNull();
            assertThat(Messaging.property(notification, "tidings_subscription_id")).isEqualTo(subscription);
            assertThat(Messaging.property(notification, "tidings_event_id")).isEqualTo(event.getId());
        }
        for (String spelling : List.of("http://" + host + "./a/c/../b", "HTTP://" + host + ":080/a/%2E/b",
                "http://" + host + "/x/../a/b")) {
            assertThat(matches(about(spelling))).as(spelling).containsExactly(subscription);
        }
        assertThat(matches(about("http://" + host + ":8080/a/b"))).as("another port").isEmpty();
        assertThat(matches(about("https://" + host + "/a/b"))).as("another scheme").isEmpty();
    }

    // covers RUP-20, RUP-6
    @Test
    void aSubjectPrefixCoversWhatLiesUnderItAtADelimiter() {
        String sink = api.createJmsSink("images " + host);
        String images = api.subscribe(sink, Map.of("subjectPrefixes", List.of("https://" + host + ":443/img")));
        String site = api.subscribe(sink, Map.of("subjectPrefixes", List.of("https://" + host)));

        assertThat(matches(about("https://" + host + "/img/logo.png"))).containsExactlyInAnyOrder(images, site);
        assertThat(matches(about("https://" + host + "/img?w=2"))).containsExactlyInAnyOrder(images, site);
        assertThat(matches(about("https://" + host + "/imgs/logo.png"))).containsExactly(site);
        assertThat(matches(about("https://" + host + "/img.png"))).containsExactly(site);
        assertThat(matches(about("https://" + host + ".evil.example/img/logo.png"))).isEmpty();
    }

    // covers RUP-20, RUP-7
    @Test
    void aPrefixInvalidationReachesTheGroupsUnderItAtADelimiter() {
        String sink = api.createJmsSink("groups " + host);
        String images = subscribeToGroup(sink, List.of("https://" + host + "/img/"), List.of());
        String imageSet = subscribeToGroup(sink, List.of(), List.of("https://" + host + "/imgs/1"));

        assertThat(matches(invalidating("https://" + host + "/img"))).containsExactly(images);
        assertThat(matches(invalidating("https://" + host + "./imgs"))).containsExactly(imageSet);
        assertThat(matches(invalidating("https://" + host + "/im"))).isEmpty();
        assertThat(matches(invalidating("https://" + host))).containsExactlyInAnyOrder(images, imageSet);
    }

    private String subscribeToGroup(String sink, List<String> prefixes, List<String> members) {
        var group = api.postJson("/api/groups", Map.of("name", "group " + host, "prefixes", prefixes, "members", members));
        assertThat(group.status()).as("%s", group).isEqualTo(201);
        return api.subscribe(sink, Map.of("groups", List.of(group.body().get("id").asText())));
    }

    private List<String> matches(CloudEvent event) {
        var reply = api.post("/api/matches", "application/cloudevents+json",
                Events.json(event).getBytes(StandardCharsets.UTF_8));
        assertThat(reply.status()).as("%s", reply).isEqualTo(200);
        return reply.body().get("matches").findValuesAsText("subscriptionId");
    }

    private static CloudEvent about(String subject) {
        return Events.event("https://origin.example/", CHANGED, subject);
    }

    private static CloudEvent invalidating(String prefix) {
        return CloudEventBuilder.v1(Events.event("https://origin.example/", CHANGED, "INBOX"))
                .withExtension("tidingsprefix", prefix).build();
    }
}
