package org.tidings.audit.entity;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.time.Instant;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.tidings.sinks.entity.Channel;
import org.tidings.sinks.entity.PurgeSettings;
import org.tidings.sinks.entity.Sink;
import org.tidings.sources.entity.Source;
import org.tidings.subscriptions.entity.Filter;
import org.tidings.subscriptions.entity.ResourceGroup;
import org.tidings.subscriptions.entity.Subscription;

/** What each audited entity says of itself in the audit log: what an administrator set, in a line. */
class AuditSummariesTest {

    private static final Instant NOW = Instant.parse("2026-12-01T12:00:00Z");

    @Test
    void aSourceByNameAndUri() {
        assertThat(new Source("mail", "https://mail.example/", "the mail store", "mail-store", NOW).auditSummary())
                .isEqualTo("name=mail, uri=https://mail.example/");
    }

    @Test
    void aSubscriptionByItsSinkTheFilterPartsSetAndItsExpiry() {
        UUID sink = UUID.randomUUID();
        var filter = new Filter(Set.of("com.example.created"), null, null, null, Set.of("example.org"), null, null,
                "subject LIKE 'a%'");

        assertThat(new Subscription(sink, filter, NOW.plusSeconds(60), NOW).auditSummary()).isEqualTo("sink=" + sink
                + ", types=[com.example.created], subjectDomains=[example.org], expression=subject LIKE 'a%', "
                + "expiresAt=2026-12-01T12:01:00Z");
    }

    @Test
    void aGroupByNameAndTheSizesOfItsLists() {
        assertThat(new ResourceGroup("g", Set.of("https://a/"), Set.of("https://b/1", "https://b/2"), NOW)
                .auditSummary()).isEqualTo("name=g, prefixes=1, members=2");
    }

    @Test
    void jmsAndPurgeSinksByNameChannelAndWhatTheySendTo() {
        assertThat(new Sink("q", Channel.JMS, NOW).auditSummary()).isEqualTo("name=q, channel=jms");
        var purge = Sink.purge("caches", PurgeSettings.of(List.of(URI.create("http://cache-1.example/"),
                URI.create("http://cache-2.example/")), null, null, null, null, null), null, null, NOW);
        assertThat(purge.auditSummary()).isEqualTo("name=caches, channel=purge, caches=2");
    }
}
