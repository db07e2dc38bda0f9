package org.tidings.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import java.nio.charset.StandardCharsets;
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
 * What a hostile subscriber tried against the admin API (issue 8, RUP-17): expressions nested 1,990 deep, holding
 * 1,300 NOTs or a huge LIKE of % and _ were accepted, and from then on every match hung. Each is now refused with
 * a code, and matching answers quickly afterwards, also for an event with a 200 KB subject against a LIKE that
 * the SDK's regular expression took minutes over.
 */
@ExtendWith(ArquillianExtension.class)
class HostileFilterIT {

    /** Generous: each answer takes milliseconds; before the limits a match did not answer within 120 s. */
    private static final Duration MINUTES_NOT_MILLISECONDS = Duration.ofSeconds(30);

    private final AdminApi api = new AdminApi(TestEnvironment.baseUrl());
    private final String tag = UUID.randomUUID().toString().substring(0, 8);

    @Deployment(testable = false)
    static WebArchive deployment() {
        return Deployments.tidings();
    }

    // covers RUP-17
    @Test
    void hostileExpressionsAreRefusedAndMatchingStillAnswers() {
        String sink = api.createJmsSink("hostile " + tag);
        for (String hostile : List.of(
                "(".repeat(1990) + "true" + ")".repeat(1990),
                "NOT ".repeat(900) + "true",
                "subject LIKE '" + "%_".repeat(1900) + "'",
                "subject LIKE '" + "%".repeat(3900) + "'",
                "FOO(subject)",
                "1/0 = 1",
                "")) {
            assertRefused(api.postJson("/api/subscriptions",
                    Map.of("sinkId", sink, "filter", Map.of("expression", hostile))), "invalid-filter");
        }
        // over 4,000 characters: the expression's own length limit
        assertRefused(api.postJson("/api/subscriptions",
                Map.of("sinkId", sink, "filter", Map.of("expression", "NOT ".repeat(1300) + "true"))),
                "invalid-filter");

        String type = "org.example" + tag + ".mail.MessageNew";
        String byLike = api.subscribe(sink, Map.of("types", List.of(type),
                "expression", "subject LIKE '%@%.example.com'"));
        assertThat(matchesWithin(Events.event(Events.uniqueSource(), type, "mailto:ann@mail.example.com")))
                .containsExactly(byLike);
        assertThat(matchesWithin(Events.event(Events.uniqueSource(), type, "mailto:ann@example.org"))).isEmpty();
        // The longest subject ingest lets through (8,192 characters, docs/adr/0011) against the LIKE, at its worst;
        // without a scheme, so this measures matching, not the URI normalizer.
        assertThat(matchesWithin(Events.event(Events.uniqueSource(), type, "ann" + "@a".repeat(4_090)))).isEmpty();
        // five wildcards before a suffix that never comes: a backtracking LIKE takes about n^5 steps on 8,000
        // characters (it would never finish); the linear one, milliseconds
        String stalling = "org.example" + tag + ".cdn.Invalidated";
        api.subscribe(sink, Map.of("types", List.of(stalling), "expression", "subject LIKE '%a%a%a%a%a%b'"));
        assertThat(matchesWithin(Events.event(Events.uniqueSource(), stalling, "a".repeat(8_000)))).isEmpty();
        AdminApi.Reply tooLong = api.post("/api/matches", "application/cloudevents+json", Events.json(Events.event(
                Events.uniqueSource(), type, "ann" + "@a".repeat(100_000))).getBytes(StandardCharsets.UTF_8));
        assertThat(tooLong.code()).as("a 200 KB subject is refused before matching").isEqualTo("attribute-too-long");
    }

    private static void assertRefused(AdminApi.Reply reply, String... codes) {
        assertThat(reply.status()).as("%s", reply).isEqualTo(400);
        assertThat(reply.contentType()).as("%s", reply).startsWith("application/problem+json");
        assertThat(reply.code()).as("%s", reply).isIn((Object[]) codes);
    }

    private List<String> matchesWithin(io.cloudevents.CloudEvent event) {
        AdminApi.Reply reply = assertTimeoutPreemptively(MINUTES_NOT_MILLISECONDS, () -> api.post("/api/matches",
                "application/cloudevents+json", Events.json(event).getBytes(StandardCharsets.UTF_8)));
        assertThat(reply.status()).as("%s", reply).isEqualTo(200);
        return reply.body().get("matches").findValuesAsText("subscriptionId");
    }
}
