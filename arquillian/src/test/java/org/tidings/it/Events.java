package org.tidings.it;

import io.cloudevents.CloudEvent;
import io.cloudevents.core.builder.CloudEventBuilder;
import io.cloudevents.jackson.JsonFormat;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.UUID;

/** CloudEvents as a source builds them, with the CloudEvents Java SDK, in structured JSON mode. */
public final class Events {

    private static final JsonFormat FORMAT = new JsonFormat();

    private Events() {
    }

    public static CloudEvent event(String source, String type, String subject) {
        return CloudEventBuilder.v1()
                .withId(UUID.randomUUID().toString())
                .withSource(URI.create(source))
                .withType(type)
                .withSubject(subject)
                .withData("application/json", "{\"mailbox\":\"INBOX\",\"uid\":42}".getBytes(StandardCharsets.UTF_8))
                .build();
    }

    /** As {@link #event(String, String, String)}, with {@code note} in the data (to make an event as big as needed). */
    public static CloudEvent event(String source, String type, String subject, String note) {
        return CloudEventBuilder.v1(event(source, type, subject))
                .withData("application/json", ("{\"mailbox\":\"INBOX\",\"uid\":42,\"note\":\"" + note + "\"}")
                        .getBytes(StandardCharsets.UTF_8))
                .build();
    }

    public static String json(CloudEvent event) {
        return new String(FORMAT.serialize(event), StandardCharsets.UTF_8);
    }

    public static CloudEvent parse(String json) {
        return FORMAT.deserialize(json.getBytes(StandardCharsets.UTF_8));
    }

    /** A fresh source URI per test, so that tests sharing one database never see each other's provisioning. */
    public static String uniqueSource() {
        return "https://mail-" + UUID.randomUUID() + ".example.com/store";
    }
}
