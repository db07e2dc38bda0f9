package org.tidings.ingest.broker;

import java.util.concurrent.TimeUnit;
import org.apache.activemq.artemis.core.server.ActiveMQServer;
import org.apache.activemq.artemis.core.server.Queue;
import org.apache.activemq.artemis.core.server.ServerConsumer;
import org.apache.activemq.artemis.core.server.plugin.ActiveMQServerPlugin;

/**
 * Runs inside the broker (broker.xml, {@code <broker-plugins>}): makes a queue's {@code delay-before-dispatch} work as
 * a wait of its own. tidings.events, once every consumer has gone, waits until its delay has passed since the first
 * consumer attached again, so that all of Tidings' sessions are there and started when it hands out a backlog
 * (docs/adr/0007). Artemis 2.44.0 checks that delay only when something else makes the queue deliver (a consumer
 * starting, credit, a message, a consumer leaving: {@code QueueImpl.canDispatch}) and schedules nothing for it, so a
 * backlog with nothing new behind it would wait for ever. So:
 * <ul>
 * <li>when a consumer attaches to a queue that waits so, the queue is told to deliver just after its start time;</li>
 * <li>when the last consumer leaves, the queue is made to wait again with no start time, so that the next consumers
 * get a whole wait (Artemis clears the start time only for a queue that was dispatching: a queue whose consumers
 * came and went within the wait would otherwise begin at once when the next came).</li>
 * </ul>
 * A queue with {@code consumers-before-dispatch} and no delay never dispatches until that many consumers attach; for
 * tidings.events that is never, and this warns of it.
 */
public class DispatchOnceDelayed implements ActiveMQServerPlugin {

    /** After the start time: the queue dispatches only once the clock is past it. */
    private static final long MARGIN_MILLIS = 20;

    private volatile ActiveMQServer server;

    @Override
    public void registered(ActiveMQServer server) {
        this.server = server;
    }

    @Override
    public void afterCreateConsumer(ServerConsumer consumer) {
        ActiveMQServer broker = server;
        Queue queue = consumer.getQueue();
        if (broker == null || queue == null || queue.isDispatching() || queue.getConsumersBeforeDispatch() <= 0) {
            return;
        }
        if (queue.getDelayBeforeDispatch() < 0) {
            System.getLogger(DispatchOnceDelayed.class.getName()).log(System.Logger.Level.WARNING, "queue "
                    + queue.getName() + " waits for " + queue.getConsumersBeforeDispatch() + " consumers and has no "
                    + "delay-before-dispatch: it hands out nothing until that many attach");
            return;
        }
        prompt(broker, queue);
    }

    /**
     * Tells the queue to deliver once its start time has passed, looking again when the time comes (the start time
     * is by the wall clock, the scheduler's wait is not); nothing once it dispatches or has no consumer.
     */
    private static void prompt(ActiveMQServer broker, Queue queue) {
        if (queue.isDispatching() || queue.getConsumerCount() == 0) {
            return;
        }
        long start = queue.getDispatchStartTime();
        long wait = start < 0 ? queue.getDelayBeforeDispatch() : start - System.currentTimeMillis();
        if (wait < 0) {
            queue.deliverAsync();
        } else {
            broker.getScheduledPool().schedule(() -> prompt(broker, queue), wait + MARGIN_MILLIS,
                    TimeUnit.MILLISECONDS);
        }
    }

    @Override
    public void afterCloseConsumer(ServerConsumer consumer, boolean failed) {
        Queue queue = consumer.getQueue();
        if (queue == null || queue.getConsumersBeforeDispatch() <= 0 || queue.getDelayBeforeDispatch() < 0) {
            return;
        }
        // the queue's own lock, which Artemis holds to add a consumer and to deliver: nothing comes in between.
        // With no consumer the queue is dispatching only if a delivery ran between the consumer's removal and this,
        // once the start time had passed (a review found that race): back to waiting in either case.
        synchronized (queue) {
            if (queue.getConsumerCount() == 0) {
                queue.setDispatching(true); // and at once back: what clears the start time (QueueImpl.setDispatching)
                queue.setDispatching(false);
            }
        }
    }
}
