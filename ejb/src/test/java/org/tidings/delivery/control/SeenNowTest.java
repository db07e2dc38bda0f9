package org.tidings.delivery.control;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.tidings.delivery.entity.NumberedEvents;
import org.tidings.sinks.entity.Channel;
import org.tidings.sinks.entity.Sink;
import org.tidings.trust.boundary.GrantDirectory;
import org.tidings.trust.control.GrantRules;
import org.tidings.trust.entity.Grant;
import org.tidings.trust.entity.GrantKind;
import org.tidings.trust.entity.PrincipalKind;

class SeenNowTest {

    private final UUID subscriber = UUID.randomUUID();
    private final SeenNow seen = new SeenNow();
    private final Sink sink = new Sink("hooks", Channel.JMS, Instant.now());

    SeenNowTest() {
        GrantRules annsMail = GrantRules.of(List.of(new Grant(PrincipalKind.SUBSCRIBER, subscriber, GrantKind.SEE, false,
                Set.of(), Set.of(), Set.of("mailto:ann@example.com"), Set.of(), Set.of(), Instant.now())));
        seen.grants = new GrantDirectory() {
            @Override
            public GrantRules seen(UUID who) {
                return who.equals(subscriber) ? annsMail : GrantRules.NONE;
            }
        };
        sink.ownedBy(subscriber);
    }

    private static byte[] event(String subject, int padTo) {
        String head = "{\"specversion\":\"1.0\",\"id\":\"e-1\",\"source\":\"urn:s\",\"type\":\"t\",\"subject\":\""
                + subject + "\",\"data\":\"";
        String tail = "\"}";
        return (head + "x".repeat(Math.max(0, padTo - head.length() - tail.length())) + tail)
                .getBytes(StandardCharsets.UTF_8);
    }

    @Test
    void anEventAcceptedAtTheSizeLimitIsStillJudgedOnceNumbered() {
        int limit = 262_144; // tidings.ingest.max-event-bytes, the default
        byte[] atTheLimit = event("mailto:ann@example.com", limit);
        assertThat(atTheLimit).hasSize(limit);
        byte[] numbered = NumberedEvents.numbered(atTheLimit, 12);
        assertThat(numbered.length).as("the number makes it longer than intake allows").isGreaterThan(limit);

        assertThat(seen.withheld(sink, numbered)).isNull();
        assertThat(seen.deniedNow(sink, numbered)).isFalse();
    }

    @Test
    void anEventAcceptedBeforeControlCharactersWereRefusedIsStillJudgedByItsGrants() {
        String body = "{\"specversion\":\"1.0\",\"id\":\"e-1\",\"source\":\"urn:s\",\"type\":\"t\","
                + "\"subject\":\"mailto:ann@example.com\",\"note\":\"a\\nb\"}";
        byte[] annsWithALineBreak = NumberedEvents.numbered(body.getBytes(StandardCharsets.UTF_8), 3);
        assertThat(seen.withheld(sink, annsWithALineBreak)).isNull();
        assertThat(seen.deniedNow(sink, annsWithALineBreak)).isFalse();
    }

    @Test
    void whatTheGrantsDoNotCoverIsWithheldAndDeniedAndWhatNoLongerReadsOnlyWithheld() {
        byte[] bobs = NumberedEvents.numbered(event("mailto:bob@example.com", 0), 1);
        assertThat(seen.withheld(sink, bobs)).contains("no longer cover");
        assertThat(seen.deniedNow(sink, bobs)).isTrue();

        byte[] unreadable = "{\"specversion\":\"0.3\"}".getBytes(StandardCharsets.UTF_8);
        assertThat(seen.withheld(sink, unreadable)).contains("can no longer be read");
        assertThat(seen.deniedNow(sink, unreadable)).as("kept by a sweep").isFalse();
    }
}
