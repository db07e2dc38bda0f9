package org.tidings.subscriptions.control;

import static org.assertj.core.api.Assertions.assertThat;
import static org.tidings.subscriptions.control.FilterBuilder.filter;

import io.cloudevents.CloudEvent;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/** The dry run's "filtered out, by which part": the first part of each unmatched subscription the event fails. */
class UnmatchedExplanationTest {

    private final SubscriptionIndex index = new SubscriptionIndex();
    private final CloudEvent event = TestEvents.event("org.example.mail.MessageNew", "mailto:ann@example.com")
            .withExtension("mailbox", "inbox").build();

    private UUID subscribed(FilterBuilder filter) {
        UUID id = UUID.randomUUID();
        index.put(id, filter.build());
        return id;
    }

    @Test
    void eachUnmatchedSubscriptionIsExplainedByTheFirstPartTheEventFails() {
        UUID group = UUID.randomUUID();
        index.putGroup(group, Set.of("https://img.example/"), Set.of());
        UUID matched = subscribed(filter().types("org.example.mail.MessageNew"));
        UUID byType = subscribed(filter().types("org.example.mail.Deleted"));
        UUID byNamespace = subscribed(filter().typePrefixes("org.example.calendar"));
        UUID bySource = subscribed(filter().sources("https://other.example/"));
        UUID bySubject = subscribed(filter().subjects("mailto:bob@example.com"));
        UUID byDomain = subscribed(filter().types("org.example.mail.MessageNew").subjectDomains("example.org"));
        UUID byPrefix = subscribed(filter().subjectPrefixes("https://img.example/"));
        UUID byGroup = subscribed(filter().types("org.example.mail.MessageNew").groups(group));
        UUID byExpression = subscribed(filter().types("org.example.mail.MessageNew").expression("mailbox = 'junk'"));

        assertThat(index.match(event)).containsExactly(matched);
        Map<UUID, String> reasons = index.unmatched(event, Set.of(matched), 100);

        assertThat(reasons).doesNotContainKey(matched).containsOnly(Map.entry(byType, "types"),
                Map.entry(byNamespace, "typePrefixes"), Map.entry(bySource, "sources"),
                Map.entry(bySubject, "subjects"), Map.entry(byDomain, "subjectDomains"),
                Map.entry(byPrefix, "subjectPrefixes"), Map.entry(byGroup, "groups"),
                Map.entry(byExpression, "expression"));
    }

    @Test
    void noMoreThanTheLimitAreExplained() {
        for (int i = 0; i < 20; i++) {
            subscribed(filter().types("org.example.other" + i));
        }
        assertThat(index.unmatched(event, Set.of(), 5)).hasSize(5);
    }
}
