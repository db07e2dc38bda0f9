package org.tidings.trust.entity;

import java.util.Locale;

/** The three checks of S2S-11, each a kind of grant. */
public enum GrantKind {
    /** (a) a subscriber may see events about these subjects. */
    SEE,
    /** (b) a source may send events of these types or type namespaces. */
    SEND,
    /** (c) a source may route events about these subjects. */
    ROUTE;

    public String label() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** The kind named (case-insensitive), or null. */
    public static GrantKind named(String name) {
        for (GrantKind kind : values()) {
            if (kind.label().equalsIgnoreCase(name)) {
                return kind;
            }
        }
        return null;
    }
}
