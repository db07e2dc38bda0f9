package org.tidings.ingest.boundary;

import io.cloudevents.CloudEvent;
import jakarta.ejb.EJB;
import jakarta.ejb.Stateless;
import jakarta.inject.Inject;
import jakarta.jms.JMSConnectionFactory;
import jakarta.jms.JMSContext;
import jakarta.jms.JMSException;
import java.nio.charset.StandardCharsets;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.tidings.delivery.control.SinkQueues;
import org.tidings.ingest.control.CloudEventReader;
import org.tidings.ingest.control.Rejections;
import org.tidings.ingest.entity.RawEvent;
import org.tidings.platform.ErrorCode;
import org.tidings.platform.Resources;
import org.tidings.platform.TidingsException;
import org.tidings.sources.boundary.SourceDirectory;
import org.tidings.subscriptions.boundary.Matching;

/**
 * Where events enter the pipeline. {@link #submit} is the HTTP face: it checks an event and puts it on the
 * durable events queue, returning only once the broker has it. {@link #process} is the consuming side: it
 * routes one queued event to every matching subscription's sink, or records why it cannot, all in the
 * transaction of the consume.
 */
@Stateless
public class Intake {

    @Inject
    CloudEventReader reader;

    @Inject
    Rejections rejections;

    @Inject
    SinkQueues sinkQueues;

    @EJB
    SourceDirectory sources;

    @EJB
    Matching matching;

    @Inject
    @JMSConnectionFactory(Resources.CONNECTION_FACTORY)
    JMSContext jms;

    @Inject
    @ConfigProperty(name = "tidings.queue.events", defaultValue = "tidings.events")
    String eventsQueue;

    public CloudEvent submit(byte[] body) {
        CloudEvent event = reader.read(body);
        requireKnownSource(event);
        var message = jms.createTextMessage(new String(body, StandardCharsets.UTF_8));
        try {
            message.setStringProperty("JMSXGroupID", event.getSubject() != null
                    ? event.getSubject() : event.getSource().toString());
        } catch (JMSException e) {
            throw new IllegalStateException("cannot build event message", e);
        }
        jms.createProducer().send(jms.createQueue(eventsQueue), message);
        return event;
    }

    public void process(RawEvent raw) {
        CloudEvent event;
        try {
            event = reader.read(raw.body());
            requireKnownSource(event);
        } catch (TidingsException rejected) {
            rejections.rejected(raw, rejected.code(), rejected.getMessage());
            return;
        }
        for (var match : matching.matches(event)) {
            sinkQueues.enqueue(event, match.subscriptionId(), match.sinkId());
        }
    }

    private void requireKnownSource(CloudEvent event) {
        String source = event.getSource().toString();
        if (!sources.provisioned(source)) {
            throw new TidingsException(ErrorCode.UNKNOWN_SOURCE, "source " + source + " is not provisioned");
        }
    }
}
