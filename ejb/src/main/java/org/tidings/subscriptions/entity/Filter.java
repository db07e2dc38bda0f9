package org.tidings.subscriptions.entity;

import java.util.Set;
import java.util.UUID;

/**
 * What a subscription wants. Every non-empty part must hold (AND); within one part any entry may match (OR).
 * An empty part places no constraint. A filter with every part empty matches every event.
 *
 * @param types          exact CloudEvents types
 * @param typePrefixes   type namespaces: {@code org.example.mail} matches {@code org.example.mail} and
 *                       {@code org.example.mail.MessageNew}, not {@code org.example.mailer}
 * @param sources        exact CloudEvents source URIs
 * @param subjects       exact subject addresses ({@code mailto:}, {@code sip:}, {@code tel:}, {@code https:} URIs)
 * @param subjectDomains whole domains: {@code example.com} matches {@code mailto:ann@example.com}
 * @param subjectPrefixes subject prefixes of the normalized subject; a hierarchical URI prefix ends at a delimiter
 *                       ({@code https://a.example/img} covers {@code .../img/1}, not {@code .../imgs}), others are
 *                       plain string prefixes (docs/adr/0009)
 * @param groups         resource groups; the event matches if any URI it is about belongs to one of them
 * @param expression     a CloudEvents SQL expression, or null for none; an empty one is kept as given, so that
 *                       validation refuses it rather than reading it as "no constraint"
 */
public record Filter(Set<String> types, Set<String> typePrefixes, Set<String> sources, Set<String> subjects,
                     Set<String> subjectDomains, Set<String> subjectPrefixes, Set<UUID> groups, String expression) {

    public Filter {
        types = copy(types);
        typePrefixes = copy(typePrefixes);
        sources = copy(sources);
        subjects = copy(subjects);
        subjectDomains = copy(subjectDomains);
        subjectPrefixes = copy(subjectPrefixes);
        groups = groups == null ? Set.of() : Set.copyOf(groups);
    }

    public static Filter ofType(String type) {
        return new Filter(Set.of(type), null, null, null, null, null, null, null);
    }

    private static Set<String> copy(Set<String> values) {
        return values == null ? Set.of() : Set.copyOf(values);
    }
}
