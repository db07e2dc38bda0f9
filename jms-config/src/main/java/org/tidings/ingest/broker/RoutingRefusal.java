package org.tidings.ingest.broker;

import org.apache.activemq.artemis.api.core.ActiveMQException;
import org.apache.activemq.artemis.api.core.Message;
import org.apache.activemq.artemis.core.server.ActiveMQServer;
import org.apache.activemq.artemis.core.server.LargeServerMessage;
import org.apache.activemq.artemis.core.server.RoutingContext;
import org.apache.activemq.artemis.core.transaction.Transaction;

/**
 * What a plugin does before it refuses a message in {@code beforeMessageRoute} (by throwing an
 * {@link ActiveMQException}, which the broker hands to the sender), so that nothing of the message stays: read against
 * Artemis 2.44.0's PostOfficeImpl.route, which calls that hook after duplicate detection and after choosing the
 * queues, before any reference is made, and outside the block whose failure it would clean up itself.
 */
final class RoutingRefusal {

    private RoutingRefusal() {
    }

    /**
     * Ends the refused message's transaction. The sender's own can only roll back (else its commit would succeed
     * without this message). One the broker started itself to store the message's duplicate id with it (a send
     * outside a transaction, PostOfficeImpl.checkNotBridgeDuplicateID) is rolled back at once, as PostOfficeImpl.route
     * does when an address is full: nobody else would end it, and the id it put in the duplicate cache at once would
     * stay there, so the sender's retry of the refused message would be dropped as a duplicate, acknowledged as sent.
     * A bridge's duplicate id (its own cache) is not handled: Tidings' broker.xml has no bridges. A large message's
     * file is deleted here only when it came over STOMP: CORE's and AMQP's protocol handlers delete it when the send
     * fails (ServerSessionPacketHandler, AMQPSessionCallback.onSendFailed), STOMP's does not (docs/adr/0017).
     */
    static void refuse(ActiveMQServer server, Message message, RoutingContext context, boolean rejectDuplicates,
                       ActiveMQException refused) {
        if (message instanceof LargeServerMessage large && fromStomp(context)) {
            // STOMP's handler does not delete a large message's file when its send fails (Artemis 2.44.0: no
            // deleteFile in artemis-stomp-protocol): each refused one stayed on disk until the broker restarted, and a
            // sender refused for its size could fill the disk (a review)
            try {
                large.deleteFile();
            } catch (Exception e) {
                refused.addSuppressed(e);
            }
        }
        Transaction tx = context.getTransaction();
        if (tx != null) {
            if (startedForDuplicateId(server, message, context, rejectDuplicates)) {
                try {
                    tx.rollback();
                } catch (Exception e) {
                    refused.addSuppressed(e);
                    tx.markAsRollbackOnly(refused);
                }
            } else {
                tx.markAsRollbackOnly(refused);
            }
        }
    }

    private static boolean fromStomp(RoutingContext context) {
        var session = context.getServerSession();
        return session != null && session.getRemotingConnection() != null
                && "STOMP".equals(session.getRemotingConnection().getProtocolName());
    }

    /**
     * True when the routing transaction is the one the broker started for the message's duplicate id: only then is
     * the id in the duplicate cache already (in a sender's transaction it is added at the commit), and the check
     * that just let the message through (rejecting duplicates) found it absent.
     */
    private static boolean startedForDuplicateId(ActiveMQServer server, Message message, RoutingContext context,
                                                 boolean rejectDuplicates) {
        byte[] duplicateId = message.getDuplicateIDBytes();
        return server != null && rejectDuplicates && context.isDuplicateDetection() && duplicateId != null
                && server.getPostOffice().getDuplicateIDCache(context.getAddress(message)).contains(duplicateId);
    }
}
