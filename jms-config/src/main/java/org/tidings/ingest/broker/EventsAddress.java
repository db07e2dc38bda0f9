package org.tidings.ingest.broker;

import java.util.Map;
import org.apache.activemq.artemis.api.core.SimpleString;

/**
 * The events address a plugin watches, from its {@code address} property (default {@code tidings.events}), with its
 * sub-addresses {@code <address>.*} (the integration tests' own events queues).
 */
record EventsAddress(SimpleString address, SimpleString subAddresses) {

    static final EventsAddress DEFAULT = named("tidings.events");

    static EventsAddress of(Map<String, String> properties) {
        return named(properties.getOrDefault("address", "tidings.events"));
    }

    private static EventsAddress named(String name) {
        return new EventsAddress(SimpleString.of(name), SimpleString.of(name + "."));
    }

    boolean covers(SimpleString target) {
        return target != null && (target.equals(address) || target.startsWith(subAddresses));
    }
}
