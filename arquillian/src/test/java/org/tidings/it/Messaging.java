package org.tidings.it;

import jakarta.jms.BytesMessage;
import jakarta.jms.ConnectionFactory;
import jakarta.jms.JMSContext;
import jakarta.jms.JMSException;
import jakarta.jms.Message;
import jakarta.jms.Queue;
import jakarta.jms.TextMessage;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.apache.activemq.artemis.jms.client.ActiveMQConnectionFactory;
import org.apache.qpid.jms.JmsConnectionFactory;

/** What a messaging system (a source) or a sink does on the broker: plain JMS on loopback. */
public final class Messaging implements AutoCloseable {

    private final JMSContext jms;

    public Messaging(String user, String password) {
        this(new ActiveMQConnectionFactory(TestEnvironment.brokerUrl(), user, password));
    }

    private Messaging(ConnectionFactory factory) {
        this.jms = factory.createContext(JMSContext.AUTO_ACKNOWLEDGE);
    }

    /** A client of whatever connection factory the test made (over TLS, say). */
    public static Messaging over(ConnectionFactory factory) {
        return new Messaging(factory);
    }

    /** A source that speaks AMQP 1.0 (Qpid JMS), as a mail store written in another language would. */
    public static Messaging asAmqpSource() {
        return overAmqp(TestEnvironment.SOURCE_USER, TestEnvironment.SOURCE_PASSWORD);
    }

    /** A client of this broker user that speaks AMQP 1.0 (Qpid JMS). */
    public static Messaging overAmqp(String user, String password) {
        return new Messaging(new JmsConnectionFactory(user, password,
                TestEnvironment.brokerUrl().replace("tcp://", "amqp://")));
    }

    /** Sends the message the function builds and returns its JMS message id. */
    public String send(String queue, MessageBuilder build) {
        try {
            Message message = build.on(jms);
            jms.createProducer().send(jms.createQueue(queue), message);
            return message.getJMSMessageID();
        } catch (JMSException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Builds one message; may throw what the JMS API throws. */
    @FunctionalInterface
    public interface MessageBuilder {
        Message on(JMSContext jms) throws JMSException;
    }

    public static Messaging asApp() {
        return new Messaging(TestEnvironment.APP_USER, TestEnvironment.APP_PASSWORD);
    }

    public static Messaging asSource() {
        return new Messaging(TestEnvironment.SOURCE_USER, TestEnvironment.SOURCE_PASSWORD);
    }

    /** Sends a text message and returns its JMS message id. */
    public String sendText(String queue, String body) {
        TextMessage message = jms.createTextMessage(body);
        jms.createProducer().send(jms.createQueue(queue), message);
        return id(message);
    }

    /** Publishes a text message to a topic (a multicast address) and returns its JMS message id. */
    public String publishText(String topic, String body) {
        TextMessage message = jms.createTextMessage(body);
        jms.createProducer().send(jms.createTopic(topic), message);
        return id(message);
    }

    /** Sends a text message in a message group: the broker hands a group to one consumer, in order. */
    public String sendText(String queue, String body, String group) {
        TextMessage message = jms.createTextMessage(body);
        try {
            message.setStringProperty("JMSXGroupID", group);
        } catch (JMSException e) {
            throw new IllegalStateException(e);
        }
        jms.createProducer().send(jms.createQueue(queue), message);
        return id(message);
    }

    /**
     * Sends these text messages in one message group and one transaction as this broker user: they are on the queue
     * together, in this order, before any of them can be consumed.
     */
    public static void sendTogether(String user, String password, String queue, List<String> bodies, String group) {
        try (var factory = new ActiveMQConnectionFactory(TestEnvironment.brokerUrl(), user, password);
                JMSContext transacted = factory.createContext(JMSContext.SESSION_TRANSACTED)) {
            var producer = transacted.createProducer().setProperty("JMSXGroupID", group);
            for (String body : bodies) {
                producer.send(transacted.createQueue(queue), body);
            }
            transacted.commit();
        }
    }

    public String sendBytes(String queue, byte[] body) {
        BytesMessage message = jms.createBytesMessage();
        try {
            message.writeBytes(body);
        } catch (JMSException e) {
            throw new IllegalStateException(e);
        }
        jms.createProducer().send(jms.createQueue(queue), message);
        return id(message);
    }

    /** The messages of a failure and its causes: a client library may wrap the broker's text. */
    public static String failureText(Throwable failure) {
        StringBuilder all = new StringBuilder();
        for (Throwable t = failure; t != null; t = t.getCause() == t ? null : t.getCause()) {
            all.append(t.getClass().getName()).append(": ").append(t.getMessage()).append('\n');
        }
        return all.toString();
    }

    /** Receives one message, or null after the timeout. */
    public Message receive(String queue, String selector, long timeoutMillis) {
        try (var consumer = jms.createConsumer(jms.createQueue(queue), selector)) {
            return consumer.receive(timeoutMillis);
        }
    }

    /**
     * Up to {@code count} messages taken by one consumer, in the order it received them; fewer if none comes within
     * the timeout.
     */
    public List<Message> receive(String queue, int count, long timeoutMillis) {
        try (var consumer = jms.createConsumer(jms.createQueue(queue))) {
            List<Message> messages = new ArrayList<>();
            for (Message next; messages.size() < count && (next = consumer.receive(timeoutMillis)) != null; ) {
                messages.add(next);
            }
            return messages;
        }
    }

    /** Every message currently on the queue, without consuming them. */
    public List<Message> browse(String queue) {
        Queue destination = jms.createQueue(queue);
        try (var browser = jms.createBrowser(destination)) {
            List<Message> messages = new ArrayList<>();
            var enumeration = browser.getEnumeration();
            while (enumeration.hasMoreElements()) {
                messages.add((Message) enumeration.nextElement());
            }
            return messages;
        } catch (JMSException e) {
            throw new IllegalStateException(e);
        }
    }

    public static String text(Message message) {
        try {
            if (message instanceof TextMessage text) {
                return text.getText();
            }
            BytesMessage bytes = (BytesMessage) message;
            byte[] body = new byte[(int) bytes.getBodyLength()];
            bytes.readBytes(body);
            return new String(body, StandardCharsets.UTF_8);
        } catch (JMSException e) {
            throw new IllegalStateException(e);
        }
    }

    public static byte[] bytes(Message message) {
        try {
            BytesMessage bytes = (BytesMessage) message;
            byte[] body = new byte[(int) bytes.getBodyLength()];
            bytes.readBytes(body);
            return body;
        } catch (JMSException e) {
            throw new IllegalStateException(e);
        }
    }

    public static String property(Message message, String name) {
        try {
            return message.getStringProperty(name);
        } catch (JMSException e) {
            throw new IllegalStateException(e);
        }
    }

    private static String id(Message message) {
        try {
            return message.getJMSMessageID();
        } catch (JMSException e) {
            throw new IllegalStateException(e);
        }
    }

    @Override
    public void close() {
        jms.close();
    }
}
