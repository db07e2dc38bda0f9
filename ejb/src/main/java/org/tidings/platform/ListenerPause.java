package org.tidings.platform;

import java.time.Duration;

/**
 * The pause a message listener takes before it gives a failed delivery back. Tidings' queues whose order matters
 * (tidings.events, tidings.deliver) have no redelivery delay: the broker puts a rolled-back message back at the head
 * of its queue at once, ahead of the later messages of its group. This pause is what spaces the attempts while
 * what failed (the database, the broker) is away. It holds the listener's session, and with it the message groups
 * bound to it, which is the point: they must wait for the failed message.
 */
public final class ListenerPause {

    private ListenerPause() {
    }

    /** Pauses the calling listener thread; an interrupt (the server is stopping) ends the pause early. */
    public static void pause(Duration pause) {
        try {
            Thread.sleep(pause.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
