package org.tidings.subscriptions.control;

import io.cloudevents.CloudEvent;
import io.cloudevents.CloudEventData;
import io.cloudevents.SpecVersion;
import java.net.URI;
import java.time.OffsetDateTime;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * A CloudEvent whose {@code gate} extension, when an expression reads it, says so and then waits to be released:
 * a test holds an evaluation in progress for as long as it needs. Everything else comes from the wrapped event.
 */
final class GatedEvent implements CloudEvent {

    static final String GATE = "gate";

    private final CloudEvent event;
    private final CountDownLatch reading = new CountDownLatch(1);
    private final CountDownLatch released = new CountDownLatch(1);

    GatedEvent(CloudEvent event) {
        this.event = event;
    }

    /** Waits until an evaluation reads the gate. */
    boolean awaitReading() throws InterruptedException {
        return reading.await(10, TimeUnit.SECONDS);
    }

    void release() {
        released.countDown();
    }

    @Override
    public Object getExtension(String name) {
        if (!GATE.equals(name)) {
            return event.getExtension(name);
        }
        reading.countDown();
        try {
            return released.await(10, TimeUnit.SECONDS) ? "open" : "timed out";
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return "interrupted";
        }
    }

    @Override
    public Object getAttribute(String name) {
        return GATE.equals(name) ? getExtension(name) : event.getAttribute(name);
    }

    @Override
    public Set<String> getExtensionNames() {
        return event.getExtensionNames();
    }

    @Override
    public CloudEventData getData() {
        return event.getData();
    }

    @Override
    public SpecVersion getSpecVersion() {
        return event.getSpecVersion();
    }

    @Override
    public String getId() {
        return event.getId();
    }

    @Override
    public String getType() {
        return event.getType();
    }

    @Override
    public String getDataContentType() {
        return event.getDataContentType();
    }

    @Override
    public URI getDataSchema() {
        return event.getDataSchema();
    }

    @Override
    public URI getSource() {
        return event.getSource();
    }

    @Override
    public String getSubject() {
        return event.getSubject();
    }

    @Override
    public OffsetDateTime getTime() {
        return event.getTime();
    }
}
