package org.tidings.subscriptions.control;

import java.util.Set;
import java.util.UUID;
import org.tidings.subscriptions.entity.Filter;

/** Readable filters for tests: {@code filter().types("a.b").subjects("mailto:ann@example.com").build()}. */
final class FilterBuilder {

    private Set<String> types = Set.of();
    private Set<String> typePrefixes = Set.of();
    private Set<String> sources = Set.of();
    private Set<String> subjects = Set.of();
    private Set<String> subjectDomains = Set.of();
    private Set<String> subjectPrefixes = Set.of();
    private Set<UUID> groups = Set.of();
    private String expression;

    static FilterBuilder filter() {
        return new FilterBuilder();
    }

    FilterBuilder types(String... values) {
        types = Set.of(values);
        return this;
    }

    FilterBuilder typePrefixes(String... values) {
        typePrefixes = Set.of(values);
        return this;
    }

    FilterBuilder sources(String... values) {
        sources = Set.of(values);
        return this;
    }

    FilterBuilder subjects(String... values) {
        subjects = Set.of(values);
        return this;
    }

    FilterBuilder subjectDomains(String... values) {
        subjectDomains = Set.of(values);
        return this;
    }

    FilterBuilder subjectPrefixes(String... values) {
        subjectPrefixes = Set.of(values);
        return this;
    }

    FilterBuilder groups(UUID... values) {
        groups = Set.of(values);
        return this;
    }

    FilterBuilder expression(String value) {
        expression = value;
        return this;
    }

    Filter build() {
        return new Filter(types, typePrefixes, sources, subjects, subjectDomains, subjectPrefixes, groups, expression);
    }

    @Override
    public String toString() {
        return build().toString();
    }
}
