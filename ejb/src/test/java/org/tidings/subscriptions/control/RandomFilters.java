package org.tidings.subscriptions.control;

import io.cloudevents.CloudEvent;
import io.cloudevents.core.builder.CloudEventBuilder;
import java.net.URI;
import java.text.Normalizer;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.UUID;
import java.util.function.Supplier;
import org.tidings.subscriptions.entity.Filter;

/**
 * Random filters, groups and events drawn from small pools of deliberately colliding values: namespaces that share
 * leading characters, subjects spelled with other cases, escapes and Unicode forms, overlapping URI prefixes.
 */
final class RandomFilters {

    private static final List<String> NAMESPACES = List.of("org.example.mail", "org.example.mailer",
            "org.example.presence", "com.acme", "org.example");
    private static final List<String> NAMES = List.of("MessageNew", "MessageRead", "Login");
    private static final List<String> TYPE_PREFIXES = List.of("org", "org.example", "org.example.mail",
            "org.example.mai", "com.acme", "org.example.mail.MessageNew", "com");
    private static final List<String> SOURCES = List.of("https://store.example.org/", "HTTPS://Store.Example.org/",
            "urn:tidings:source:1", "https://presence.example.net/a%7eb", "https://presence.example.net/a~b",
            "https://store.example.org:443/", "https://store.example.org.");
    private static final List<String> LOCAL_PARTS = List.of("ann", "Ann", "zoë",
            Normalizer.normalize("zoë", Normalizer.Form.NFD), "zo%C3%AB", "a%2fb", "a%2Fb", "bob");
    private static final List<String> DOMAINS = List.of("example.com", "Example.COM", "mail.example.com",
            "exämple.org", "EXÄMPLE.org", "example.org");
    private static final List<String> SCHEMES = List.of("mailto:", "MAILTO:", "sip:");
    /**
     * Spellings of one resource (RFC 3986, section 6) with their canonical forms written out by hand, so that the
     * oracle does not take the normalizer's word for them: dot segments, default and zero-padded ports, an empty
     * path, trailing-dot hosts, escaped dots and A-labels.
     */
    static final Map<String, String> SPELLINGS = Map.ofEntries(
            Map.entry("https://site.example:443/docs/a", "https://site.example/docs/a"),
            Map.entry("https://site.example./docs/b/../a", "https://site.example/docs/a"),
            Map.entry("HTTPS://Site.Example.:0443/docs/%2E/a", "https://site.example/docs/a"),
            Map.entry("https://site.example/x/%2e%2E/docs/b", "https://site.example/docs/b"),
            Map.entry("https://site.example", "https://site.example/"),
            Map.entry("https://site.example.:", "https://site.example/"),
            Map.entry("https://site.example./img/./x.png", "https://site.example/img/x.png"),
            Map.entry("https://site.example/img/x.png/..", "https://site.example/img/"),
            Map.entry("https://xn--bcher-kva.example/a", "https://bücher.example/a"),
            Map.entry("https://BÜCHER.example:443/a", "https://bücher.example/a"),
            Map.entry("https://store.example.org:443/", "https://store.example.org/"),
            Map.entry("https://store.example.org.", "https://store.example.org/"),
            Map.entry("https://site.example:443/img", "https://site.example/img"),
            Map.entry("https://site.example./docs", "https://site.example/docs"));
    private static final List<String> RESOURCES = List.of("https://site.example/docs/a", "https://site.example/docs/b",
            "https://SITE.example/Docs/a", "https://site.example/%7edocs", "https://site.example/~docs",
            "https://site.example/img/x.png", "https://site.example/", "https://other.example/docs/a",
            "https://site.example/img", "https://site.example/imgs/1", "https://site.example/img.png",
            "https://site.example/img?w=2", "https://site.example/docs", "https://bücher.example/a",
            "https://site.example:443/docs/a", "https://site.example./docs/b/../a",
            "HTTPS://Site.Example.:0443/docs/%2E/a", "https://site.example/x/%2e%2E/docs/b", "https://site.example",
            "https://site.example.:", "https://site.example./img/./x.png", "https://site.example/img/x.png/..",
            "https://xn--bcher-kva.example/a", "https://BÜCHER.example:443/a", "https://site.example:443/img");
    private static final List<String> FILTER_DOMAINS = List.of("example.com", "Example.com", "*.example.com",
            "exämple.org", "*.org", "site.example", "*.example", "mail.example.com");
    private static final List<String> SUBJECT_PREFIXES = List.of("mailto:ann", "mailto:zo", "sip:",
            "https://site.example/docs/", "https://SITE.example/", "MAILTO:", "https://site.example/%7e",
            "https://site.example/img", "https://site.example./docs", "https://site.example:443/img",
            "https://site.example/im", "https://site.example", "https://xn--bcher-kva.example/");
    private static final List<String> GROUP_PREFIXES = List.of("https://site.example/docs/", "https://site.example/",
            "https://site.example/img/", "mailto:", "https://SITE.example/Docs/", "https://site.example/~",
            "https://site.example/img", "https://site.example./docs", "https://site.example/im",
            "https://site.example.:", "https://xn--bcher-kva.example/");
    private static final List<String> EXPRESSIONS = List.of("messagesize > 1000", "mailbox = 'INBOX'",
            "EXISTS mailbox", "subject LIKE '%example%'", "true", "messagesize / 0 = 1");

    final List<UUID> groupIds = List.of(UUID.randomUUID(), UUID.randomUUID(), UUID.randomUUID(), UUID.randomUUID(),
            UUID.randomUUID(), UUID.randomUUID());
    private final Random random;

    RandomFilters(long seed) {
        this.random = new Random(seed);
    }

    Filter filter() {
        return new Filter(some(this::type), some(() -> pick(TYPE_PREFIXES)), some(() -> pick(SOURCES)),
                some(this::subject), some(() -> pick(FILTER_DOMAINS)), some(() -> pick(SUBJECT_PREFIXES)),
                some(() -> pick(groupIds)), random.nextInt(7) == 0 ? pick(EXPRESSIONS) : null);
    }

    Set<String> groupPrefixes() {
        return some(() -> pick(GROUP_PREFIXES));
    }

    Set<String> groupMembers() {
        Set<String> members = some(() -> pick(RESOURCES));
        if (random.nextBoolean()) {
            members.add(subject());
        }
        return members;
    }

    CloudEvent event() {
        CloudEventBuilder event = CloudEventBuilder.v1().withId(UUID.randomUUID().toString())
                .withSource(URI.create(pick(SOURCES))).withType(type())
                .withSubject(random.nextInt(10) == 0 ? null : subject());
        if (random.nextInt(3) == 0) {
            event.withExtension(SubscriptionIndex.URIS_EXTENSION, String.join(" ", some(() -> pick(RESOURCES))));
        }
        if (random.nextInt(6) == 0) {
            event.withExtension(SubscriptionIndex.PREFIX_EXTENSION, pick(GROUP_PREFIXES).substring(random.nextInt(8)));
        } else if (random.nextInt(6) == 0) {
            String resource = pick(RESOURCES);
            event.withExtension(SubscriptionIndex.PREFIX_EXTENSION,
                    resource.substring(0, 1 + random.nextInt(resource.length())));
        }
        if (random.nextBoolean()) {
            event.withExtension("mailbox", random.nextBoolean() ? "INBOX" : "Sent");
        }
        return event.withExtension("messagesize", random.nextInt(2000)).build();
    }

    <T> T pick(List<T> values) {
        return values.get(random.nextInt(values.size()));
    }

    int nextInt(int bound) {
        return random.nextInt(bound);
    }

    private String type() {
        return random.nextInt(8) == 0 ? pick(NAMESPACES) : pick(NAMESPACES) + "." + pick(NAMES);
    }

    private String subject() {
        return switch (random.nextInt(6)) {
            case 0 -> pick(RESOURCES);
            case 1 -> "tel:+1201555012" + random.nextInt(3);
            default -> pick(SCHEMES) + pick(LOCAL_PARTS) + "@" + pick(DOMAINS);
        };
    }

    /** Empty two times in three, else one or two values. */
    private <T> Set<T> some(Supplier<T> value) {
        Set<T> values = new HashSet<>();
        if (random.nextInt(3) == 0) {
            for (int n = 1 + random.nextInt(2); n > 0; n--) {
                values.add(value.get());
            }
        }
        return values;
    }

    List<CloudEvent> events(int count) {
        List<CloudEvent> events = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            events.add(event());
        }
        return events;
    }
}
