package org.tidings.subscriptions.control;

import io.cloudevents.CloudEvent;
import io.cloudevents.sql.Expression;
import io.cloudevents.sql.Parser;
import io.cloudevents.sql.Result;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.regex.Pattern;
import org.tidings.subscriptions.entity.Filter;

/**
 * The oracle for {@link SubscriptionIndex}: checks every subscription one by one, straight from the written
 * semantics, sharing nothing with the index but {@link UriNormalizer}, and not even that for the spellings it is
 * given with their canonical forms written out by hand. Slow on purpose; tests only.
 */
final class LinearMatcher {

    private static final Pattern ABSOLUTE_URI = Pattern.compile("^[A-Za-z][A-Za-z0-9+.-]*:.*", Pattern.DOTALL);
    private static final Pattern HIERARCHICAL_URI = Pattern.compile("^[A-Za-z][A-Za-z0-9+.-]*:/.*", Pattern.DOTALL);
    private static final String RESERVED = ":/?#[]@!$&'()*+,;=";

    private final Map<UUID, Filter> subscriptions = new HashMap<>();
    private final Map<UUID, Group> groups = new HashMap<>();
    private final Map<String, Expression> parsed = new HashMap<>();
    private final Map<String, String> normalized = new HashMap<>();
    private final Map<String, String> canonical;

    private record Group(Set<String> prefixes, Set<String> members) {
    }

    LinearMatcher() {
        this(Map.of());
    }

    /** An oracle that knows the canonical form of each of these spellings itself (RFC 3986, section 6). */
    LinearMatcher(Map<String, String> canonical) {
        this.canonical = canonical;
    }

    void put(UUID id, Filter filter) {
        subscriptions.put(id, filter);
    }

    void remove(UUID id) {
        subscriptions.remove(id);
    }

    void putGroup(UUID id, Set<String> prefixes, Set<String> members) {
        groups.put(id, new Group(Set.copyOf(prefixes), Set.copyOf(members)));
    }

    void removeGroup(UUID id) {
        groups.remove(id);
    }

    Set<UUID> match(CloudEvent event) {
        Set<UUID> matched = new HashSet<>();
        subscriptions.forEach((id, filter) -> {
            if (matches(filter, event)) {
                matched.add(id);
            }
        });
        return matched;
    }

    private boolean matches(Filter filter, CloudEvent event) {
        String type = event.getType();
        String source = normalize(event.getSource().toString());
        String subject = normalize(event.getSubject());
        String domain = UriNormalizer.domainOf(subject);
        return (filter.types().isEmpty() || filter.types().contains(type))
                && (filter.typePrefixes().isEmpty()
                    || filter.typePrefixes().stream().anyMatch(ns -> type.equals(ns) || type.startsWith(ns + ".")))
                && (filter.sources().isEmpty()
                    || filter.sources().stream().anyMatch(s -> normalize(s).equals(source)))
                && (filter.subjects().isEmpty()
                    || filter.subjects().stream().anyMatch(s -> normalize(s).equals(subject)))
                && (filter.subjectDomains().isEmpty()
                    || filter.subjectDomains().stream().anyMatch(d -> inDomain(domain, d)))
                && (filter.subjectPrefixes().isEmpty() || subject != null
                    && filter.subjectPrefixes().stream().anyMatch(p -> covers(normalize(p), subject)))
                && (filter.groups().isEmpty() || filter.groups().stream().anyMatch(g -> touches(groups.get(g), event)))
                && (filter.expression() == null || holds(filter.expression(), event));
    }

    private static boolean inDomain(String domain, String written) {
        String wanted = UriNormalizer.normalizeDomain(written);
        if (domain == null) {
            return false;
        }
        return wanted.startsWith("*.") ? domain.endsWith(wanted.substring(1)) : domain.equals(wanted);
    }

    private boolean touches(Group group, CloudEvent event) {
        if (group == null) {
            return false;
        }
        List<String> prefixes = group.prefixes().stream().map(this::normalize).toList();
        List<String> members = group.members().stream().map(this::normalize).toList();
        for (String uri : aboutUris(event)) {
            if (members.contains(uri) || prefixes.stream().anyMatch(p -> covers(p, uri))) {
                return true;
            }
        }
        Object written = event.getExtension(SubscriptionIndex.PREFIX_EXTENSION);
        if (written == null || written.toString().isBlank()) {
            return false;
        }
        String prefix = normalize(written.toString().strip());
        return members.stream().anyMatch(m -> covers(prefix, m))
                || prefixes.stream().anyMatch(p -> covers(prefix, p) || covers(p, prefix));
    }

    /**
     * The prefix rule of docs/adr/0009 written out: a hierarchical URI prefix covers what starts with it when
     * nothing follows or a reserved character of RFC 3986 lies on either side of the cut; any other prefix covers
     * what starts with it.
     */
    private static boolean covers(String prefix, String text) {
        if (!text.startsWith(prefix)) {
            return false;
        }
        int cut = prefix.length();
        return !HIERARCHICAL_URI.matcher(prefix).matches() || cut == text.length()
                || RESERVED.indexOf(prefix.charAt(cut - 1)) >= 0 || RESERVED.indexOf(text.charAt(cut)) >= 0;
    }

    private List<String> aboutUris(CloudEvent event) {
        List<String> uris = new ArrayList<>();
        String subject = normalize(event.getSubject());
        if (subject != null && ABSOLUTE_URI.matcher(subject).matches()) {
            uris.add(subject);
        }
        Object listed = event.getExtension(SubscriptionIndex.URIS_EXTENSION);
        if (listed != null) {
            for (String uri : listed.toString().strip().split("\\s+")) {
                if (!uri.isEmpty()) {
                    uris.add(normalize(uri));
                }
            }
        }
        return uris;
    }

    /**
     * A known spelling's canonical form, else the normalizer's; remembered only to keep the oracle fast enough for
     * thousands of random checks.
     */
    private String normalize(String value) {
        return value == null ? null
                : normalized.computeIfAbsent(value, v -> UriNormalizer.normalize(canonical.getOrDefault(v, v)));
    }

    private boolean holds(String expression, CloudEvent event) {
        Expression compiled = parsed.computeIfAbsent(expression, Parser::parseDefault);
        Result result = compiled.evaluate(event);
        return !result.isFailed() && Boolean.TRUE.equals(result.value());
    }
}
