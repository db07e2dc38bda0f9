package org.tidings.trust.entity;

import java.util.Locale;

/** The three kinds of party that hold tokens: people and tools that administer, sources, and subscribers. */
public enum PrincipalKind {
    ADMINISTRATOR, SOURCE, SUBSCRIBER;

    /** The kind's name in principal names and paths: {@code administrator}, {@code source}, {@code subscriber}. */
    public String label() {
        return name().toLowerCase(Locale.ROOT);
    }
}
