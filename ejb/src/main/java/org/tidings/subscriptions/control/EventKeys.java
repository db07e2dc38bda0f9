package org.tidings.subscriptions.control;

import io.cloudevents.CloudEvent;
import java.util.ArrayList;
import java.util.List;

/**
 * Everything the index looks up for one event, normalized once before the index is locked: the type and its
 * namespaces, the source, the subject and its domain, and the URIs the event is about (RUP-7).
 */
final class EventKeys {

    private final CloudEvent event;
    private final String type;
    private final String source;
    private final String subject;
    private final List<String> aboutUris;
    private final String invalidatedPrefix;
    // derived on first use: most events need only some of them, and an EventKeys stays on one thread
    private List<String> typeNamespaces;
    private long[] typeMasks;
    private String domain;
    private List<String> parentDomains;

    private EventKeys(CloudEvent event) {
        this.event = event;
        this.type = event.getType();
        this.source = event.getSource() == null ? null : UriNormalizer.normalize(event.getSource().toString());
        this.subject = UriNormalizer.normalize(event.getSubject());
        this.aboutUris = aboutUris(subject, extension(event, SubscriptionIndex.URIS_EXTENSION));
        String prefix = extension(event, SubscriptionIndex.PREFIX_EXTENSION);
        this.invalidatedPrefix = prefix == null || prefix.isBlank() ? null : UriNormalizer.normalize(prefix.strip());
    }

    static EventKeys of(CloudEvent event) {
        return new EventKeys(event);
    }

    CloudEvent event() {
        return event;
    }

    String type() {
        return type;
    }

    /** The type cut at each dot and the whole type: {@code a.b.C} gives {@code a}, {@code a.b}, {@code a.b.C}. */
    List<String> typeNamespaces() {
        if (typeNamespaces == null) {
            typeNamespaces = dotPrefixes(type);
        }
        return typeNamespaces;
    }

    /** See {@link TypeSignature#ofEventType}. */
    long[] typeMasks() {
        if (typeMasks == null) {
            typeMasks = TypeSignature.ofEventType(type);
        }
        return typeMasks;
    }

    String source() {
        return source;
    }

    String subject() {
        return subject;
    }

    String domain() {
        if (domain == null && subject != null) {
            domain = UriNormalizer.domainOf(subject);
        }
        return domain;
    }

    /** The domains that a {@code *.} filter names to match this subject: {@code a.b.c} gives {@code b.c, c}. */
    List<String> parentDomains() {
        if (parentDomains == null) {
            parentDomains = parentDomains(domain());
        }
        return parentDomains;
    }

    /** The subject if it is an absolute URI, then every URI of the {@code tidingsuris} extension, normalized. */
    List<String> aboutUris() {
        return aboutUris;
    }

    /** The normalized {@code tidingsprefix} extension, or null. */
    String invalidatedPrefix() {
        return invalidatedPrefix;
    }

    private static List<String> dotPrefixes(String type) {
        if (type == null) {
            return List.of();
        }
        List<String> prefixes = new ArrayList<>(4);
        for (int dot = type.indexOf('.'); dot >= 0; dot = type.indexOf('.', dot + 1)) {
            prefixes.add(type.substring(0, dot));
        }
        prefixes.add(type);
        return prefixes;
    }

    private static List<String> parentDomains(String domain) {
        if (domain == null || domain.indexOf('.') < 0) {
            return List.of();
        }
        List<String> parents = new ArrayList<>(3);
        for (int dot = domain.indexOf('.'); dot >= 0; dot = domain.indexOf('.', dot + 1)) {
            parents.add(domain.substring(dot + 1));
        }
        return parents;
    }

    private static List<String> aboutUris(String subject, String uriList) {
        boolean subjectIsUri = UriNormalizer.isAbsolute(subject);
        if (uriList == null) {
            return subjectIsUri ? List.of(subject) : List.of();
        }
        List<String> uris = new ArrayList<>();
        if (subjectIsUri) {
            uris.add(subject);
        }
        int start = -1;
        for (int i = 0; i <= uriList.length(); i++) {
            boolean separator = i == uriList.length() || Character.isWhitespace(uriList.charAt(i));
            if (separator && start >= 0) {
                uris.add(UriNormalizer.normalize(uriList.substring(start, i)));
                start = -1;
            } else if (!separator && start < 0) {
                start = i;
            }
        }
        return uris;
    }

    private static String extension(CloudEvent event, String name) {
        Object value = event.getExtension(name);
        return value == null ? null : value.toString();
    }
}
