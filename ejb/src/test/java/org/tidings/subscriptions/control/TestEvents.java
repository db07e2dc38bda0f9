package org.tidings.subscriptions.control;

import io.cloudevents.core.builder.CloudEventBuilder;
import java.net.URI;
import java.util.concurrent.atomic.AtomicLong;

/** CloudEvents for tests, from one mail store unless told otherwise. */
final class TestEvents {

    static final String STORE = "https://store.example.org/";

    private static final AtomicLong IDS = new AtomicLong();

    private TestEvents() {
    }

    static CloudEventBuilder event(String type, String subject) {
        return CloudEventBuilder.v1()
                .withId(Long.toString(IDS.incrementAndGet()))
                .withSource(URI.create(STORE))
                .withType(type)
                .withSubject(subject);
    }
}
