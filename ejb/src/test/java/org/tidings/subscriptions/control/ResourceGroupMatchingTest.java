package org.tidings.subscriptions.control;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.params.provider.Arguments.arguments;
import static org.tidings.subscriptions.control.FilterBuilder.filter;
import static org.tidings.subscriptions.control.TestEvents.event;

import io.cloudevents.CloudEvent;
import io.cloudevents.core.builder.CloudEventBuilder;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

// covers RUP-6 (groups by URI prefixes and lists), RUP-7 (one message invalidates a list of URIs or a prefix)
class ResourceGroupMatchingTest {

    private static final String TYPE = "org.tidings.resource.Invalidated";
    private static final String URIS = SubscriptionIndex.URIS_EXTENSION;
    private static final String PREFIX = SubscriptionIndex.PREFIX_EXTENSION;
    private static final String SITE = "https://site.example/";
    private static final Set<String> PREFIXES = Set.of(SITE + "docs/", SITE + "img");
    private static final Set<String> MEMBERS = Set.of(SITE + "index.html", SITE + "news/today");

    private final UUID group = UUID.randomUUID();
    private final UUID otherGroup = UUID.randomUUID();
    private final UUID subscription = UUID.randomUUID();
    private final SubscriptionIndex index = new SubscriptionIndex();
    private final LinearMatcher oracle = new LinearMatcher();

    @Test
    void aPrefixInvalidationTouchingFourHundredThousandGroupsCostsMilliseconds() {
        int groups = 400_000;
        List<UUID> subscribed = new ArrayList<>();
        for (int i = 0; i < groups; i++) {
            UUID defined = new UUID(1, i);
            index.putGroup(defined, Set.of(), Set.of("https://h" + i % 100 + ".example/page/" + i));
            if (i % 40_000 == 0) {
                UUID id = new UUID(2, i);
                index.put(id, filter().groups(defined).build());
                subscribed.add(id);
            }
        }
        CloudEvent everything = about(null).withExtension(PREFIX, "h").build();

        // generous: it takes milliseconds; each touched group was looked for in the list of those touched before it
        // (quadratic), which took minutes
        List<UUID> matched = assertTimeoutPreemptively(Duration.ofSeconds(10), () -> index.match(everything));

        assertThat(matched).containsExactlyInAnyOrderElementsOf(subscribed);
    }

    static Stream<Arguments> touches() {
        return Stream.of(
                arguments("subject under a prefix", about(SITE + "docs/a/b"), true),
                arguments("subject is a member", about(SITE + "index.html"), true),
                arguments("subject neither", about(SITE + "about.html"), false),
                arguments("a member covers nothing below it", about(SITE + "news/today/more"), false),
                arguments("a prefix ends at a delimiter", about(SITE + "imgs/x.png"), false),
                arguments("a prefix covers what follows a delimiter", about(SITE + "img?w=2"), true),
                arguments("subject spelled with dot segments and a default port",
                        about("https://site.example:443/img/../docs/./a"), true),
                arguments("subject normalized", about("HTTPS://SITE.example/docs/%7ex"), true),
                arguments("path case counts", about(SITE + "Docs/a"), false),
                arguments("one listed URI is a member",
                        about(SITE + "about.html").withExtension(URIS, SITE + "x " + SITE + "index.html"), true),
                arguments("one listed URI under a prefix", about(null).withExtension(URIS, SITE + "img/1.png"), true),
                arguments("listed URIs neither", about(null).withExtension(URIS, SITE + "a  " + SITE + "b"), false),
                arguments("listed URIs normalized",
                        about("INBOX").withExtension(URIS, "https://SITE.example/index.html"), true),
                arguments("prefix invalidation over a member", about(null).withExtension(PREFIX, SITE + "news/"),
                        true),
                arguments("prefix invalidation over a prefix", about(null).withExtension(PREFIX, SITE), true),
                arguments("prefix invalidation inside a prefix",
                        about(null).withExtension(PREFIX, SITE + "docs/a/"), true),
                arguments("prefix invalidation equal to a member",
                        about(null).withExtension(PREFIX, SITE + "index.html"), true),
                arguments("prefix invalidation elsewhere", about(null).withExtension(PREFIX, SITE + "blog/"),
                        false),
                arguments("prefix invalidation ends at a delimiter", about(null).withExtension(PREFIX, SITE + "im"),
                        false),
                arguments("prefix invalidation covers a prefix after a delimiter",
                        about(null).withExtension(PREFIX, SITE + "docs"), true),
                arguments("prefix invalidation under a prefix at a delimiter only",
                        about(null).withExtension(PREFIX, SITE + "imgs/"), false),
                arguments("prefix invalidation over a member at a delimiter only",
                        about(null).withExtension(PREFIX, SITE + "index"), false),
                arguments("prefix invalidation of the site without its slash",
                        about(null).withExtension(PREFIX, "https://SITE.example:443"), true),
                arguments("prefix invalidation of another site",
                        about(null).withExtension(PREFIX, "https://other.example/"), false),
                arguments("non-URI subject is about nothing", about("docs/"), false));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource
    void touches(String description, CloudEventBuilder event, boolean expected) {
        define(group, PREFIXES, MEMBERS);
        subscribe(subscription, filter().groups(group));
        CloudEvent built = event.build();

        assertThat(index.match(built)).as(description).isEqualTo(expected ? List.of(subscription) : List.of());
        assertThat(oracle.match(built)).as("oracle: " + description)
                .isEqualTo(expected ? Set.of(subscription) : Set.of());
    }

    @Test
    void aSubscriptionMatchedThroughTwoGroupsAndSeveralUrisIsReturnedOnce() {
        define(group, Set.of(SITE), Set.of());
        define(otherGroup, Set.of(SITE + "docs/"), Set.of(SITE + "docs/a"));
        subscribe(subscription, filter().groups(group, otherGroup));

        List<UUID> matched = index.match(about(SITE + "docs/a")
                .withExtension(URIS, SITE + "docs/a " + SITE + "docs/b")
                .withExtension(PREFIX, SITE + "docs/").build());

        assertThat(matched).containsExactly(subscription);
    }

    @Test
    void aGroupDefinedAfterTheSubscriptionStartsMatchingAndStopsWhenRemoved() {
        subscribe(subscription, filter().groups(group));
        CloudEvent event = about(SITE + "docs/a").build();
        assertThat(index.match(event)).isEmpty();

        define(group, PREFIXES, MEMBERS);
        assertThat(index.match(event)).containsExactly(subscription);

        assertThat(index.removeGroup(group)).isTrue();
        assertThat(index.match(event)).isEmpty();
        assertThat(index.removeGroup(group)).isFalse();

        define(group, PREFIXES, MEMBERS);
        assertThat(index.match(event)).containsExactly(subscription);
    }

    @Test
    void redefiningAGroupReplacesItsUris() {
        define(group, Set.of(SITE + "docs/"), Set.of(SITE + "a"));
        subscribe(subscription, filter().groups(group));

        define(group, Set.of(SITE + "img/"), Set.of(SITE + "b"));

        assertThat(index.match(about(SITE + "docs/x").build())).isEmpty();
        assertThat(index.match(about(SITE + "a").build())).isEmpty();
        assertThat(index.match(about(SITE + "img/x").build())).containsExactly(subscription);
        assertThat(index.match(about(SITE + "b").build())).containsExactly(subscription);
    }

    @Test
    void groupsCombineWithOtherParts() {
        define(group, PREFIXES, MEMBERS);
        UUID cacheOfOneSubject = UUID.randomUUID();
        subscribe(cacheOfOneSubject, filter().subjects(SITE + "docs/a").groups(group));
        subscribe(subscription, filter().typePrefixes("org.tidings.resource").groups(group));

        assertThat(index.match(about(SITE + "docs/a").build()))
                .containsExactlyInAnyOrder(subscription, cacheOfOneSubject);
        assertThat(index.match(event("org.example.mail.MessageNew", SITE + "docs/a").build()))
                .containsExactly(cacheOfOneSubject);
        assertThat(index.match(about(SITE + "docs/b").build())).containsExactly(subscription);
    }

    @Test
    void manyGroupsStayApart() {
        for (int i = 0; i < 1_000; i++) {
            define(UUID.randomUUID(), Set.of(SITE + "site" + i + "/"), Set.of(SITE + "member" + i));
        }
        define(group, Set.of(SITE + "site500/x/"), Set.of());
        subscribe(subscription, filter().groups(group));

        assertThat(index.match(about(SITE + "site500/x/1").build())).containsExactly(subscription);
        assertThat(index.match(about(SITE + "site500/y").build())).isEmpty();
        assertThat(index.match(about(SITE + "site50/x/1").build())).isEmpty();
    }

    private static CloudEventBuilder about(String subject) {
        return event(TYPE, subject);
    }

    private void define(UUID id, Set<String> prefixes, Set<String> members) {
        index.putGroup(id, prefixes, members);
        oracle.putGroup(id, prefixes, members);
    }

    private void subscribe(UUID id, FilterBuilder filter) {
        index.put(id, filter.build());
        oracle.put(id, filter.build());
    }
}
