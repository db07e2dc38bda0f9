package org.tidings.delivery.control;

import static org.assertj.core.api.Assertions.assertThat;

import jakarta.jms.Destination;
import jakarta.jms.JMSException;
import jakarta.jms.Message;
import jakarta.jms.MessageProducer;
import jakarta.jms.Queue;
import jakarta.jms.Session;
import jakarta.jms.TextMessage;
import java.lang.reflect.Proxy;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.tidings.ingest.entity.Acceptance;
import org.tidings.ingest.entity.Claim;
import org.tidings.ingest.entity.EventKey;
import org.tidings.ingest.entity.Provenance;
import org.tidings.ingest.entity.RawEvent;
import org.tidings.platform.BrokerSessions;
import org.tidings.sinks.control.SinkChannels;
import org.tidings.sinks.entity.Channel;
import org.tidings.subscriptions.entity.Match;

/**
 * Where an event's notifications go: a JMS sink's to its own queue, a webhook sink's to tidings.deliver, and a sink
 * that no longer exists gets none, so that the broker does not create its queue again (it creates a queue on the
 * first send to it) where no one reads or removes it.
 */
class SinkQueuesTest {

    private final UUID jmsSink = UUID.randomUUID();
    private final UUID webhookSink = UUID.randomUUID();
    private final UUID deletedSink = UUID.randomUUID();
    /** The queue of every message sent, in order. */
    private final List<String> sentTo = new ArrayList<>();

    private SinkQueues sinkQueues() {
        var queues = new SinkQueues();
        queues.deliverQueue = "tidings.deliver";
        queues.channels = new SinkChannels() {
            @Override
            public Channel of(UUID sinkId) {
                return Map.of(jmsSink, Channel.JMS, webhookSink, Channel.WEBHOOK).get(sinkId);
            }
        };
        queues.sessions = new BrokerSessions() {
            @Override
            public boolean commitOnce(Work work) throws JMSException {
                work.on(session());
                return true;
            }
        };
        return queues;
    }

    @Test
    void aSinkThatNoLongerExistsGetsNoNotificationAndNoQueue() {
        RawEvent raw = RawEvent.ofText("{\"specversion\":\"1.0\",\"id\":\"e-1\",\"source\":\"urn:s\",\"type\":\"t\"}",
                new Provenance("tidings", "ID:1", null, false, false));
        var outcome = sinkQueues().forward(raw, new EventKey("urn:s", "e-1"), "t", "urn:s",
                List.of(new Match(UUID.randomUUID(), deletedSink), new Match(UUID.randomUUID(), jmsSink),
                        new Match(UUID.randomUUID(), webhookSink)),
                new Acceptance(Claim.CLAIMED, Map.of(), true));

        assertThat(outcome).isEqualTo(SinkQueues.Outcome.FORWARDED);
        assertThat(sentTo).containsExactly("tidings.sink." + jmsSink, "tidings.deliver");
    }

    /** A session whose producer records where each message goes; every other call returns a recording stand-in. */
    private Session session() {
        return (Session) Proxy.newProxyInstance(getClass().getClassLoader(), new Class<?>[] {Session.class},
                (proxy, method, args) -> switch (method.getName()) {
                    case "createQueue" -> queue((String) args[0]);
                    case "createProducer" -> producer();
                    case "createTextMessage" -> standIn(TextMessage.class);
                    default -> null;
                });
    }

    private MessageProducer producer() {
        return (MessageProducer) Proxy.newProxyInstance(getClass().getClassLoader(),
                new Class<?>[] {MessageProducer.class}, (proxy, method, args) -> {
                    if (method.getName().equals("send") && args.length >= 2 && args[0] instanceof Queue queue
                            && args[1] instanceof Message) {
                        sentTo.add(queue.getQueueName());
                    }
                    return null;
                });
    }

    private static Queue queue(String name) {
        return (Queue) Proxy.newProxyInstance(SinkQueuesTest.class.getClassLoader(),
                new Class<?>[] {Queue.class, Destination.class},
                (proxy, method, args) -> method.getName().equals("getQueueName") ? name : null);
    }

    private static <T> T standIn(Class<T> type) {
        return type.cast(Proxy.newProxyInstance(SinkQueuesTest.class.getClassLoader(), new Class<?>[] {type},
                (proxy, method, args) -> null));
    }
}
