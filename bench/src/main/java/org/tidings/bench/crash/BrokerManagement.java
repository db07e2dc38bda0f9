package org.tidings.bench.crash;

import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.apache.activemq.artemis.api.core.Message;
import org.apache.activemq.artemis.api.core.client.ActiveMQClient;
import org.apache.activemq.artemis.api.core.client.ClientMessage;
import org.apache.activemq.artemis.api.core.client.ClientRequestor;
import org.apache.activemq.artemis.api.core.client.ClientSession;
import org.apache.activemq.artemis.api.core.client.ClientSessionFactory;
import org.apache.activemq.artemis.api.core.client.ServerLocator;
import org.apache.activemq.artemis.api.core.management.ManagementHelper;
import org.apache.activemq.artemis.api.core.management.ResourceNames;

/**
 * The broker's own management API over the core protocol: request messages to {@code activemq.management}, sent by
 * an operator account (role {@code tidings-admin}, which has {@code manage} in broker.xml). Also hands out that
 * account's session for draining sink queues.
 */
final class BrokerManagement implements AutoCloseable {

    private static final String MANAGEMENT_ADDRESS = "activemq.management";
    private static final long REPLY_MILLIS = 10_000;

    private final ServerLocator locator;
    private final ClientSessionFactory factory;
    private final ClientSession session;
    private final ClientRequestor requestor;

    private BrokerManagement(String url, String user, String password) throws Exception {
        locator = ActiveMQClient.createServerLocator(url).setReconnectAttempts(0).setInitialConnectAttempts(1)
                .setCallTimeout(REPLY_MILLIS);
        try {
            factory = locator.createSessionFactory();
            session = factory.createSession(user, password, false, true, true, false, 0);
            requestor = new ClientRequestor(session, MANAGEMENT_ADDRESS);
            session.start();
        } catch (Exception e) {
            locator.close();
            throw e;
        }
    }

    /** Connects, retrying every 100 ms while the broker is not (yet) there, for at most {@code seconds}. */
    static BrokerManagement connect(String url, String user, String password, double seconds) throws Exception {
        long deadline = System.nanoTime() + (long) (seconds * 1e9);
        while (true) {
            try {
                return new BrokerManagement(url, user, password);
            } catch (Exception e) {
                if (System.nanoTime() > deadline) {
                    throw e;
                }
                TimeUnit.MILLISECONDS.sleep(100);
            }
        }
    }

    ClientSession session() {
        return session;
    }

    /** Messages in the queue, those being delivered and scheduled for redelivery included; -1 if it does not exist. */
    long messageCount(String queue) throws Exception {
        ClientMessage request = session.createMessage(false);
        ManagementHelper.putAttribute(request, ResourceNames.QUEUE + queue, "messageCount");
        ClientMessage reply = requestor.request(request, REPLY_MILLIS);
        if (reply == null) {
            throw new IllegalStateException("no management reply for " + queue);
        }
        if (!ManagementHelper.hasOperationSucceeded(reply)) {
            return -1;
        }
        return ((Number) ManagementHelper.getResult(reply)).longValue();
    }

    /** Transactions the broker holds prepared (XA branches nobody committed or rolled back). */
    List<String> preparedTransactions() throws Exception {
        Object[] result = (Object[]) invoke("listPreparedTransactions");
        return Arrays.stream(result).map(String::valueOf).toList();
    }

    String preparedTransactionDetails() throws Exception {
        return String.valueOf(invoke("listPreparedTransactionDetailsAsJSON"));
    }

    private Object invoke(String operation) throws Exception {
        ClientMessage request = session.createMessage(false);
        ManagementHelper.putOperationInvocation(request, ResourceNames.BROKER, operation);
        ClientMessage reply = requestor.request(request, REPLY_MILLIS);
        if (reply == null || !ManagementHelper.hasOperationSucceeded((Message) reply)) {
            throw new IllegalStateException(operation + " failed: "
                    + (reply == null ? "no reply" : ManagementHelper.getResult(reply)));
        }
        return ManagementHelper.getResult(reply);
    }

    @Override
    public void close() throws Exception {
        try {
            requestor.close();
            session.close();
            factory.close();
        } finally {
            locator.close();
        }
    }
}
