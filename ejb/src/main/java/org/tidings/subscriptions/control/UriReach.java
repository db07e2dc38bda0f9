package org.tidings.subscriptions.control;

import io.cloudevents.CloudEvent;
import java.util.ArrayList;
import java.util.List;

/**
 * The URI rules of subscriptions, for other checks that must agree with them (grants): which URIs an event is
 * about, and what a subject prefix or domain covers, by the same normal forms and delimiters as matching.
 */
public final class UriReach {

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

    /** Whether a normalized prefix covers a normalized URI: at a delimiter, as subscriptions' prefixes do. */
    public static boolean covers(String prefix, String uri) {
        return UriPrefixTree.covers(prefix, uri);
    }
}
