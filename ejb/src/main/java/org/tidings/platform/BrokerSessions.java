package org.tidings.platform;

import jakarta.annotation.Resource;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.jms.Connection;
import jakarta.jms.ConnectionFactory;
import jakarta.jms.JMSException;
import jakarta.jms.Session;

/**
 * Broker sessions outside any JTA transaction, from the resource adapter's pool (docs/adr/0007). The adapter
 * refuses a transacted {@code JMSContext} outside JTA, but gives a local transacted {@code Session} on a factory
 * with {@code allowLocalTransactions}; that is what {@link #commitOnce} uses.
 */
@ApplicationScoped
public class BrokerSessions {

    /** What is done with one session; may throw what the JMS API throws. */
    @FunctionalInterface
    public interface Work {
        void on(Session session) throws JMSException;
    }

    @Resource(lookup = Resources.CONNECTION_FACTORY)
    ConnectionFactory factory;

    /**
     * Runs the work in one local broker transaction and commits it. Every message the work sends must carry a
     * duplicate id: returns false, having changed nothing, if the broker already had one of them (Artemis then
     * ignores the whole transaction, and as everything in it was sent together, all of it was accepted before).
     */
    public boolean commitOnce(Work work) throws JMSException {
        try (Connection connection = factory.createConnection()) {
            Session session = connection.createSession(true, Session.SESSION_TRANSACTED);
            work.on(session);
            try {
                session.commit();
                return true;
            } catch (JMSException e) {
                if (BrokerOutcomes.isDuplicateRejected(e)) {
                    return false;
                }
                throw e;
            }
        }
    }

    /** Opens a non-transacted session: each persistent send blocks until the broker has journaled the message. */
    public Connection connect() throws JMSException {
        return factory.createConnection();
    }

    /** A non-transacted, auto-acknowledged session on a connection from {@link #connect}. */
    public static Session autoAcknowledged(Connection connection) throws JMSException {
        return connection.createSession(false, Session.AUTO_ACKNOWLEDGE);
    }
}
