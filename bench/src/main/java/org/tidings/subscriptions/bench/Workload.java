package org.tidings.subscriptions.bench;

import io.cloudevents.CloudEvent;
import io.cloudevents.core.builder.CloudEventBuilder;
import java.net.URI;
import java.util.LinkedHashSet;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.UUID;
import org.tidings.subscriptions.control.SubscriptionIndex;
import org.tidings.subscriptions.entity.Filter;

/**
 * A deterministic, realistic mix of subscriptions and events for a given number of subscriptions. Nothing is kept
 * in lists: every group, subscription and event is derived from the seed, so the heap measured around an index
 * holds the index alone.
 * <ul>
 * <li>300 types: 30 namespaces ({@code org.vendor<v>.<product>}, 10 vendors x 3 products), 10 events each,
 * plus two resource types;</li>
 * <li>1,000,000 users ({@code mailto:} or, one in five, {@code sip:}) spread evenly over 10,000 domains;
 * 20 sources;</li>
 * <li>resource groups: one per 100 subscriptions (at least 10), four per site, each with 2 URI prefixes and 3
 * member pages, so about ten subscribers per group at every size.</li>
 * </ul>
 * Subscriptions: 60% 1-3 types of one namespace + one user; 10% a namespace + one user; 10% one or two groups;
 * 5% types + user + a CloudEvents SQL expression; 5% a namespace + a domain; 5% a resource type + a site-section
 * subject prefix; 5% a source + one user. Events: 80% about a random user (one in ten with the domain written in
 * upper case), 20% about a group's resources, 40% of those listing 2-4 URIs in {@code tidingsuris} and 5% with a
 * {@code tidingsprefix}.
 */
final class Workload {

    static final int USERS = 1_000_000;
    static final int DOMAINS = 10_000;
    static final int SOURCES = 20;
    static final String RESOURCE_TYPE = "org.tidings.resource.Invalidated";
    private static final String[] PRODUCTS = {"mail", "presence", "calendar"};
    private static final String[] EVENTS = {"MessageNew", "MessageRead", "MessageExpunge", "FlagsSet", "FlagsClear",
        "MailboxCreate", "QuotaExceed", "Login", "Logout", "StatusChanged"};
    private static final String[] EXPRESSIONS = {"messagesize > 100000", "mailbox = 'INBOX'",
        "mailbox = 'INBOX' AND messagesize > 50000"};
    private static final String[] MAILBOXES = {"INBOX", "Sent", "Archive"};

    private final int subscriptions;
    private final int groups;
    private final int sites;

    Workload(int subscriptions) {
        this.subscriptions = subscriptions;
        this.groups = Math.max(10, subscriptions / 100);
        this.sites = Math.max(3, groups / 4);
    }

    /** Defines the groups and adds the subscriptions; ids and filters come from the seed. */
    SubscriptionIndex fill(SubscriptionIndex index, long seed) {
        for (int g = 0; g < groups; g++) {
            index.putGroup(groupId(g), Set.of(section(g) + "/", site(g) + "static/" + g + "/"),
                    Set.of(page(g, 0), page(g, 1), page(g, 2)));
        }
        SplittableRandom random = new SplittableRandom(seed);
        for (int i = 0; i < subscriptions; i++) {
            index.put(new UUID(random.nextLong(), random.nextLong()), filter(random));
        }
        return index;
    }

    Filter filter(SplittableRandom random) {
        int kind = random.nextInt(100);
        String namespace = namespace(random.nextInt(30));
        String user = user(random.nextInt(USERS), false);
        if (kind < 60) {
            return new Filter(types(namespace, 1 + random.nextInt(3), random), null, null, Set.of(user), null, null,
                    null, null);
        } else if (kind < 70) {
            return new Filter(null, Set.of(namespace), null, Set.of(user), null, null, null, null);
        } else if (kind < 80) {
            Set<UUID> chosen = new LinkedHashSet<>();
            for (int n = random.nextInt(5) == 0 ? 2 : 1; n > 0; n--) {
                chosen.add(groupId(random.nextInt(groups)));
            }
            return new Filter(null, null, null, null, null, null, chosen, null);
        } else if (kind < 85) {
            return new Filter(types(namespace, 2, random), null, null, Set.of(user), null, null, null,
                    EXPRESSIONS[random.nextInt(EXPRESSIONS.length)]);
        } else if (kind < 90) {
            return new Filter(null, Set.of(namespace), null, null, Set.of(domain(random.nextInt(DOMAINS))), null,
                    null, null);
        } else if (kind < 95) {
            String section = section(random.nextInt(groups)) + "/";
            return new Filter(Set.of(RESOURCE_TYPE), null, null, null, null, Set.of(section), null, null);
        }
        return new Filter(null, null, Set.of(source(random.nextInt(SOURCES))), Set.of(user), null, null, null, null);
    }

    CloudEvent event(SplittableRandom random) {
        CloudEventBuilder event = CloudEventBuilder.v1().withId(Long.toHexString(random.nextLong()))
                .withSource(URI.create(source(random.nextInt(SOURCES))));
        if (random.nextInt(100) < 80) {
            return event.withType(namespace(random.nextInt(30)) + "." + EVENTS[random.nextInt(EVENTS.length)])
                    .withSubject(user(random.nextInt(USERS), random.nextInt(10) == 0))
                    .withExtension("mailbox", MAILBOXES[random.nextInt(MAILBOXES.length)])
                    .withExtension("messagesize", random.nextInt(200_000))
                    .build();
        }
        int g = random.nextInt(groups);
        event.withType(RESOURCE_TYPE).withSubject(random.nextBoolean() ? page(g, random.nextInt(3))
                : section(g) + "/item" + random.nextInt(1000));
        if (random.nextInt(100) < 40) {
            StringBuilder uris = new StringBuilder(page(g, 0));
            for (int n = 1 + random.nextInt(3); n > 0; n--) {
                uris.append(' ').append(section(random.nextInt(groups))).append("/item").append(random.nextInt(1000));
            }
            event.withExtension(SubscriptionIndex.URIS_EXTENSION, uris.toString());
        }
        if (random.nextInt(100) < 5) {
            event.withExtension(SubscriptionIndex.PREFIX_EXTENSION, section(g) + "/");
        }
        return event.build();
    }

    private static Set<String> types(String namespace, int count, SplittableRandom random) {
        Set<String> types = new LinkedHashSet<>();
        for (int n = 0; n < count; n++) {
            types.add(namespace + "." + EVENTS[random.nextInt(EVENTS.length)]);
        }
        return types;
    }

    private static String namespace(int n) {
        return "org.vendor" + (n % 10) + "." + PRODUCTS[n / 10];
    }

    /** The user's address; scattered over the domains so that neighbours do not share one. */
    static String user(int u, boolean shouting) {
        String domain = domain((int) ((u * 7919L) % DOMAINS));
        return (u % 5 == 0 ? "sip:" : "mailto:") + "user" + u + "@" + (shouting ? domain.toUpperCase() : domain);
    }

    private static String domain(int d) {
        return "d" + d + ".example.com";
    }

    private static String source(int s) {
        return "https://store" + s + ".example.net/";
    }

    private static UUID groupId(int g) {
        return new UUID(0x7169_6469_6e67_7300L, g);
    }

    private String site(int g) {
        return "https://site" + (g % sites) + ".example/";
    }

    private String section(int g) {
        return site(g) + "section" + g;
    }

    private String page(int g, int m) {
        return site(g) + "page" + g + "-" + m + ".html";
    }
}
