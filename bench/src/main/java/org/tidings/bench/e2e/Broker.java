package org.tidings.bench.e2e;

import jakarta.jms.Connection;
import jakarta.jms.JMSException;
import org.apache.activemq.artemis.jms.client.ActiveMQConnectionFactory;

/** The broker under test, always on loopback, reached with the Artemis JMS client over CORE. */
record Broker(int port, String user, String password) {

    static Broker from(Options options) {
        return new Broker(options.number("broker-port"), options.text("user", "tidings"),
                options.text("password", "tidings"));
    }

    /**
     * A started connection. confirmationWindowSize makes the broker confirm sends once they are stored (journal
     * synced): without it an asynchronous send "completes" on the client alone and the rates mean nothing. The
     * broker confirms once per window of received bytes, so the window must be well below the bytes in flight
     * (100 x about 1.3 KB): 20,000 bytes, about 15 messages per confirmation, as in Artemis's perf-tools guide.
     * With 1 MB, 100 messages in flight never fill a window and each confirmation waits for a timer.
     */
    Connection connect() throws JMSException {
        var factory = new ActiveMQConnectionFactory(
                "tcp://127.0.0.1:" + port + "?confirmationWindowSize=20000", user, password);
        Connection connection = factory.createConnection();
        connection.start();
        return connection;
    }
}
