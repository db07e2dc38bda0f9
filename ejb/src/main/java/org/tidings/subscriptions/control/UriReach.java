package org.tidings.subscriptions.control;

import io.cloudevents.CloudEvent;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The URI rules of subscriptions, for other checks that must agree with them (grants): which URIs an event is
 * about, and what a subject prefix or domain covers, by the same normal forms and delimiters as matching.
 */
public final class UriReach {

    private static final List<String> MAILBOX_SCHEMES = List.of("mailto", "im", "pres");

    private UriReach() {
    }

    /**
     * Every URI the event is about, normalized: its subject if that is an absolute URI, each URI of the
     * {@code tidingsuris} extension, and the {@code tidingsprefix} it invalidates.
     */
    public static List<String> aboutUris(CloudEvent event) {
        EventKeys keys = EventKeys.of(event);
        List<String> uris = new ArrayList<>(keys.aboutUris());
        if (keys.invalidatedPrefix() != null) {
            uris.add(keys.invalidatedPrefix());
        }
        return uris;
    }

    public static String normalize(String uri) {
        return UriNormalizer.normalize(uri);
    }

    /** A domain as filters keep it ({@code *.example.com} for its subdomains). */
    public static String normalizeDomain(String domain) {
        return UriNormalizer.normalizeDomain(domain);
    }

    /** The domain of a normalized URI (the host, or a mail address's domain), or null. */
    public static String domainOf(String normalizedUri) {
        return UriNormalizer.domainOf(normalizedUri);
    }

    /**
     * Every domain a normalized URI names: the one of {@link #domainOf} for most, but each address's for a mailbox
     * list ({@code mailto:a@x.example,b@y.example}). A null among them is a domain that cannot be known: a mailbox URI
     * whose headers name more addresses ({@code ?cc=b@y.example}), or an address without one. Never empty.
     */
    public static List<String> domainsOf(String normalizedUri) {
        int schemeEnd = normalizedUri == null ? -1 : UriNormalizer.schemeEnd(normalizedUri);
        String scheme = schemeEnd > 0 ? normalizedUri.substring(0, schemeEnd).toLowerCase(Locale.ROOT) : "";
        List<String> domains = new ArrayList<>(1);
        if (!MAILBOX_SCHEMES.contains(scheme)) {
            domains.add(domainOf(normalizedUri));
            return domains;
        }
        int end = UriNormalizer.indexOfAny(normalizedUri, "?#", schemeEnd + 1);
        for (String address : normalizedUri.substring(schemeEnd + 1, end).split(",", -1)) {
            domains.add(domainOf(scheme + ":" + address));
        }
        if (normalizedUri.indexOf('@', end) >= 0) {
            domains.add(null);
        }
        return domains;
    }

    /** Whether a normalized prefix covers a normalized URI: at a delimiter, as subscriptions' prefixes do. */
    public static boolean covers(String prefix, String uri) {
        return UriPrefixTree.covers(prefix, uri);
    }
}
