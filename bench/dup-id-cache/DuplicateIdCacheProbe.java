import jakarta.jms.Connection;
import jakarta.jms.JMSException;
import jakarta.jms.MessageProducer;
import jakarta.jms.Session;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import org.apache.activemq.artemis.core.config.FileDeploymentManager;
import org.apache.activemq.artemis.core.config.impl.FileConfiguration;
import org.apache.activemq.artemis.core.server.embedded.EmbeddedActiveMQ;
import org.apache.activemq.artemis.jms.client.ActiveMQConnectionFactory;

/**
 * What the broker's duplicate-id cache on tidings.events remembers (docs/adr/0019): its size as broker.xml sets it,
 * whether an id is still refused after size - 1 later ids and accepted again after size later ids, whether it
 * survives a restart, and how fast ids arrive when each event is its own committed send (as HTTP ingest sends).
 * Runs the project's broker.xml in this JVM (security off, its own journal in a temporary directory).
 * Usage: bench/dup-id-cache/run (single-file source launch with the arquillian test classpath).
 */
public class DuplicateIdCacheProbe {

    static final String ADDRESS = "tidings.events";
    static final String DUPLICATE_ID = "_AMQ_DUPL_ID";

    public static void main(String[] args) throws Exception {
        Path data = Files.createTempDirectory("dup-id-cache");
        int port;
        try (var socket = new ServerSocket(0)) {
            port = socket.getLocalPort();
        }
        System.setProperty("tidings.broker.data", data.toString());
        System.setProperty("tidings.broker.host", "127.0.0.1");
        System.setProperty("tidings.broker.port", Integer.toString(port));
        String brokerXml = Path.of(args[0]).toUri().toString();
        EmbeddedActiveMQ broker = start(brokerXml);
        int size = broker.getActiveMQServer().getConfiguration().getIDCacheSize();
        System.out.println("id-cache-size=" + size + " persist-id-cache="
                + broker.getActiveMQServer().getConfiguration().isPersistIDCache());
        var factory = new ActiveMQConnectionFactory("tcp://127.0.0.1:" + port);
        try (Connection connection = factory.createConnection()) {
            Session session = connection.createSession(true, Session.SESSION_TRANSACTED);
            MessageProducer producer = session.createProducer(session.createQueue(ADDRESS));

            // 1. How fast ids reach the cache when every event is a send committed on its own, one sender.
            int timed = Integer.parseInt(System.getProperty("timed", "3000"));
            long start = System.nanoTime();
            for (int i = 0; i < timed; i++) {
                send(session, producer, "rate-" + i);
            }
            double seconds = (System.nanoTime() - start) / 1e9;
            System.out.printf("one committed send per id, one sender: %.0f ids/s%n", timed / seconds);

            // 2. The window in ids: p-0, then size - 1 more, p-0 again (refused?), one more, p-0 again (accepted?).
            send(session, producer, "p-0");
            for (int i = 1; i < size; i += 1000) {
                for (int j = i; j < Math.min(i + 1000, size); j++) {
                    var message = session.createTextMessage("{}");
                    message.setStringProperty(DUPLICATE_ID, "p-" + j);
                    producer.send(message);
                }
                session.commit();
            }
            System.out.println("p-0 after " + (size - 1) + " later ids: " + (send(session, producer, "p-0")
                    ? "accepted (forgotten)" : "refused as a duplicate"));
            send(session, producer, "p-" + size);
            System.out.println("p-0 after " + size + " later ids: " + (send(session, producer, "p-0")
                    ? "accepted (forgotten)" : "refused as a duplicate"));
        }
        broker.stop();
        broker = start(brokerXml);
        try (Connection connection = factory.createConnection()) {
            Session session = connection.createSession(true, Session.SESSION_TRANSACTED);
            MessageProducer producer = session.createProducer(session.createQueue(ADDRESS));
            System.out.println("p-2 after a restart of the broker: " + (send(session, producer, "p-2")
                    ? "accepted (forgotten)" : "refused as a duplicate"));
        }
        broker.stop();
    }

    /** Sends one message with the id in a transaction of its own; false if the broker refused it as a duplicate. */
    static boolean send(Session session, MessageProducer producer, String id) throws JMSException {
        var message = session.createTextMessage("{}");
        message.setStringProperty(DUPLICATE_ID, id);
        producer.send(message);
        try {
            session.commit();
            return true;
        } catch (JMSException e) {
            if (e.getCause() instanceof org.apache.activemq.artemis.api.core.ActiveMQDuplicateIdException) {
                return false;
            }
            throw e;
        }
    }

    static EmbeddedActiveMQ start(String brokerXml) throws Exception {
        var configuration = new FileConfiguration();
        var deployment = new FileDeploymentManager(brokerXml);
        deployment.addDeployable(configuration);
        deployment.readConfiguration();
        configuration.setSecurityEnabled(false);
        var broker = new EmbeddedActiveMQ();
        broker.setConfiguration(configuration);
        broker.start();
        return broker;
    }
}
