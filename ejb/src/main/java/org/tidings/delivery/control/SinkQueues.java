package org.tidings.delivery.control;

import io.cloudevents.CloudEvent;
import io.cloudevents.core.builder.CloudEventBuilder;
import io.cloudevents.jackson.JsonFormat;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.jms.JMSConnectionFactory;
import jakarta.jms.JMSContext;
import java.nio.charset.StandardCharsets;
import java.util.UUID;
import org.tidings.platform.Resources;
import org.tidings.sinks.entity.Sink;

/**
 * Puts one notification on a sink's durable queue: the CloudEvent as it arrived plus the id of the
 * subscription it answers ({@value #SUBSCRIPTION_EXTENSION} extension and {@value #SUBSCRIPTION_PROPERTY}
 * property). The send joins the caller's transaction, so it happens exactly when the consume commits.
 */
@ApplicationScoped
public class SinkQueues {

    public static final String SUBSCRIPTION_EXTENSION = "subscriptionid";
    public static final String SUBSCRIPTION_PROPERTY = "tidings_subscription_id";
    public static final String TYPE_PROPERTY = "tidings_type";

    private final JsonFormat format = new JsonFormat();

    @Inject
    @JMSConnectionFactory(Resources.CONNECTION_FACTORY)
    JMSContext jms;

    public void enqueue(CloudEvent event, UUID subscriptionId, UUID sinkId) {
        CloudEvent notification = CloudEventBuilder.v1(event)
                .withExtension(SUBSCRIPTION_EXTENSION, subscriptionId.toString())
                .build();
        var message = jms.createTextMessage(new String(format.serialize(notification), StandardCharsets.UTF_8));
        try {
            message.setStringProperty(SUBSCRIPTION_PROPERTY, subscriptionId.toString());
            message.setStringProperty(TYPE_PROPERTY, event.getType());
            // Per-subject order (LEM-8): one group per subject keeps its notifications on one consumer.
            message.setStringProperty("JMSXGroupID", orderingKey(event));
        } catch (jakarta.jms.JMSException e) {
            throw new IllegalStateException("cannot build notification", e);
        }
        jms.createProducer().send(jms.createQueue(Sink.queueOf(sinkId)), message);
    }

    static String orderingKey(CloudEvent event) {
        return event.getSubject() != null ? event.getSubject() : event.getSource().toString();
    }
}
