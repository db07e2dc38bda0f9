package org.tidings.platform;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.jms.JMSException;
import jakarta.jms.Message;
import jakarta.jms.MessageConsumer;
import jakarta.jms.Queue;
import jakarta.jms.TextMessage;
import jakarta.json.Json;
import jakarta.json.JsonArray;
import jakarta.json.JsonArrayBuilder;
import jakarta.json.JsonNumber;
import jakarta.json.JsonString;
import jakarta.json.JsonValue;
import java.io.StringReader;
import java.util.List;
import java.util.UUID;

/**
 * The broker's management API, spoken as Artemis' management messages over the resource adapter (request to
 * {@code activemq.management}, reply on {@code tidings.management.replies}, matched by correlation id). What the
 * application may do there is limited in broker.xml with management-message RBAC: it may read a sink queue's
 * counters (message count; in delivery, acknowledged and consumers for a JMS sink's status) and the message count of
 * its dead-letter queue, remove its messages
 * by a filter, destroy queues, and add, reset and remove broker users with
 * their connections and the broker's cached logins (the sources' broker users, docs/adr/0021), nothing else
 * (docs/adr/0011).
 */
@ApplicationScoped
public class BrokerManagement {

    static final String MANAGEMENT_ADDRESS = "activemq.management";
    static final String REPLIES = "tidings.management.replies";
    private static final long REPLY_MILLIS = 10_000;

    @Inject
    BrokerSessions sessions;

    /** A queue's message count (waiting, in delivery and scheduled), or -1 if the queue does not exist. */
    public long messageCount(String queue) throws JMSException {
        JsonValue result = attribute(queue, "messageCount");
        return result == null ? -1 : ((JsonNumber) result).longValue();
    }

    /**
     * A queue's counters as the broker keeps them, or null if the queue does not exist: what it holds (waiting, in
     * delivery and scheduled), what of that is in delivery to a consumer (sent, not yet acknowledged), what its
     * consumers acknowledged since the broker started (the broker keeps this count in memory only), and its consumers.
     * Four requests, so the counts are not one snapshot.
     */
    public record QueueCounts(long held, long inDelivery, long acknowledged, int consumers) {
    }

    public QueueCounts counts(String queue) throws JMSException {
        JsonValue held = attribute(queue, "messageCount");
        JsonValue inDelivery = held == null ? null : attribute(queue, "deliveringCount");
        JsonValue acknowledged = inDelivery == null ? null : attribute(queue, "messagesAcknowledged");
        JsonValue consumers = acknowledged == null ? null : attribute(queue, "consumerCount");
        if (consumers == null) {
            return null;
        }
        return new QueueCounts(((JsonNumber) held).longValue(), ((JsonNumber) inDelivery).longValue(),
                ((JsonNumber) acknowledged).longValue(), ((JsonNumber) consumers).intValue());
    }

    /**
     * An attribute of the queue, or null if the queue does not exist. Read by invoking its getter as an operation:
     * the broker answers a failed attribute read with "Problem while retrieving attribute" whatever the cause, so a
     * missing queue could not be told from a refusal (ManagementServiceImpl.getAttribute, Artemis 2.44.0), while an
     * operation on a missing resource is refused with AMQ229067.
     */
    private JsonValue attribute(String queue, String name) throws JMSException {
        return request("queue." + queue, operation("get" + Character.toUpperCase(name.charAt(0)) + name.substring(1)),
                Json.createArrayBuilder(), NO_SUCH_RESOURCE);
    }

    /**
     * Removes the queue's messages that match the broker (core) filter and are not in delivery to a consumer, whatever
     * message group they are in; how many, 0 if the queue does not exist.
     */
    public int removeMessages(String queue, String filter) throws JMSException {
        JsonValue result = request("queue." + queue, operation("removeMessages"), Json.createArrayBuilder()
                .add(filter), NO_SUCH_RESOURCE);
        return result == null ? 0 : ((JsonNumber) result).intValue();
    }

    /** Removes a queue, its messages and its consumers, and its address; true if it existed. */
    public boolean destroyQueue(String queue) throws JMSException {
        return request("broker", message -> message.setStringProperty("_AMQ_OperationName", "destroyQueue"),
                Json.createArrayBuilder().add(queue).add(true).add(true), NO_SUCH_QUEUE) != null;
    }

    /**
     * Adds a broker user with this password (which the broker hashes before it stores it) and role; false if the user
     * exists already (then nothing was changed). With the JAAS properties login module the broker writes its users
     * and roles files (those beside broker.xml); with the basic security manager, its journal.
     */
    public boolean addUser(String user, String password, String role) throws JMSException {
        return request("broker", operation("addUser"),
                Json.createArrayBuilder().add(user).add(password).add(role).add(false), USER_EXISTS) != null;
    }

    /** Gives an existing broker user this password (hashed by the broker) and only this role; false if there is none. */
    public boolean resetUser(String user, String password, String role) throws JMSException {
        return request("broker", operation("resetUser"),
                Json.createArrayBuilder().add(user).add(password).add(role).add(false), NO_SUCH_USER) != null;
    }

    /** Removes a broker user; false if there was none. */
    public boolean removeUser(String user) throws JMSException {
        return request("broker", operation("removeUser"), Json.createArrayBuilder().add(user), NO_SUCH_USER) != null;
    }

    /** Closes every connection that has a session of this broker user. */
    public void closeConnectionsForUser(String user) throws JMSException {
        request("broker", operation("closeConnectionsForUser"), Json.createArrayBuilder().add(user), null);
    }

    /** Forgets every login the broker remembers (security-invalidation-interval), so the next one is checked anew. */
    public void clearAuthenticationCache() throws JMSException {
        request("broker", operation("clearAuthenticationCache"), Json.createArrayBuilder(), null);
    }

    /**
     * Roles (comma-separated, "" for none) per permission of one address match, in the order of the 11-argument
     * {@code ActiveMQServerControl.addSecuritySettings}.
     */
    public record Permissions(String send, String consume, String createDurableQueue, String deleteDurableQueue,
                              String createNonDurableQueue, String deleteNonDurableQueue, String manage, String browse,
                              String createAddress, String deleteAddress) {
    }

    /**
     * Gives the address match these permissions, in place of those of any broader match (Artemis applies the most
     * specific match alone). The broker keeps them in its journal, across restarts.
     */
    public void addSecuritySettings(String match, Permissions roles) throws JMSException {
        request("broker", operation("addSecuritySettings"), Json.createArrayBuilder().add(match).add(roles.send())
                .add(roles.consume()).add(roles.createDurableQueue()).add(roles.deleteDurableQueue())
                .add(roles.createNonDurableQueue()).add(roles.deleteNonDurableQueue()).add(roles.manage())
                .add(roles.browse()).add(roles.createAddress()).add(roles.deleteAddress()), null);
    }

    /** Removes what {@link #addSecuritySettings} gave the match; broader matches apply again. */
    public void removeSecuritySettings(String match) throws JMSException {
        request("broker", operation("removeSecuritySettings"), Json.createArrayBuilder().add(match), null);
    }

    private static Header operation(String name) {
        return message -> message.setStringProperty("_AMQ_OperationName", name);
    }

    /**
     * Artemis' message ids for "Cannot find resource with name", "Queue does not exist", "User {} already exists"
     * and "User {} does not exist".
     */
    private static final String NO_SUCH_RESOURCE = "AMQ229067";
    private static final String NO_SUCH_QUEUE = "AMQ229017";
    private static final String USER_EXISTS = "AMQ229223";
    private static final String NO_SUCH_USER = "AMQ229224";

    /**
     * Artemis' message ids for "User {} does not have permission='{}' on address {}" (management RBAC), and for a
     * broker without properties files it can edit: no configuration URL, no JAAS configuration, no users or roles
     * file, no PropertiesLoginModule in its JAAS domain.
     */
    private static final List<String> NO_USERS_TO_CHANGE = List.of("AMQ229032", "AMQ229218", "AMQ229219",
            "AMQ229220", "AMQ229221", "AMQ229222");

    /** The broker answered, and refused the operation (not allowed, or its user store cannot be changed). */
    public static final class Refused extends JMSException {
        private static final long serialVersionUID = 1L;

        public Refused(String reason) {
            super(reason);
        }

        /**
         * True if the refusal says that Tidings may not change this broker's users at all (management RBAC forbids
         * it, or its users are not in properties files it can edit: LDAP, say), so none are of Tidings' making; false
         * for any other refusal (its users file could not be written, say), after which a user may still be there.
         */
        public boolean noUsersToChange() {
            String reason = String.valueOf(getMessage());
            return NO_USERS_TO_CHANGE.stream().anyMatch(id -> reason.contains(id + ":"));
        }
    }

    private interface Header {
        void on(Message message) throws JMSException;
    }

    /**
     * The result (JSON null for an operation without one), or null when the broker's refusal starts with
     * {@code absent}; any other refusal is thrown as a {@link Refused}. The request's body (which may hold a password)
     * is never part of what is thrown.
     */
    private JsonValue request(String resource, Header header, JsonArrayBuilder parameters, String absent)
            throws JMSException {
        String correlation = UUID.randomUUID().toString();
        Message[] reply = new Message[1];
        sessions.transacted(session -> {
            Queue replies = session.createQueue(REPLIES);
            MessageConsumer consumer = session.createConsumer(replies, "JMSCorrelationID = '" + correlation + "'");
            TextMessage request = session.createTextMessage(parameters == null ? null : parameters.build().toString());
            request.setStringProperty("_AMQ_ResourceName", resource);
            header.on(request);
            request.setJMSCorrelationID(correlation);
            request.setJMSReplyTo(replies);
            session.createProducer(session.createQueue(MANAGEMENT_ADDRESS)).send(request);
            session.commit(); // the broker answers a management request when it is handled: at the commit
            reply[0] = consumer.receive(REPLY_MILLIS);
        });
        if (reply[0] == null) {
            throw new JMSException("the broker did not answer the management request on " + resource + " within "
                    + REPLY_MILLIS + " ms");
        }
        String body = ((TextMessage) reply[0]).getText();
        JsonArray result = Json.createReader(new StringReader(body == null ? "[]" : body)).readArray();
        JsonValue first = result.isEmpty() ? JsonValue.NULL : result.get(0);
        if (!reply[0].getBooleanProperty("_AMQ_OperationSucceeded")) {
            String error = first instanceof JsonString text ? text.getString() : String.valueOf(first);
            if (absent != null && error.startsWith(absent)) {
                return null;
            }
            throw new Refused("the broker refused management request on " + resource + ": " + error);
        }
        return first;
    }
}
