package org.tidings.provisioning.boundary;

import jakarta.ejb.ActivationConfigProperty;
import jakarta.ejb.EJB;
import jakarta.ejb.MessageDriven;
import jakarta.ejb.TransactionAttribute;
import jakarta.ejb.TransactionAttributeType;
import jakarta.inject.Inject;
import jakarta.jms.Message;
import jakarta.jms.MessageListener;
import org.tidings.platform.Resources;
import org.tidings.platform.SchemaReadiness;

/**
 * Every instance's non-durable subscription to {@code tidings.changes}, the fast path of other instances'
 * provisioning changes: a notice makes this instance's in-memory views catch up from the change log. A notice lost
 * (broker restart, start-up, dead-lettered) costs nothing but time: the views also catch up periodically
 * (docs/adr/0010). If a view cannot catch up (the database is down), the notice is rolled back and redelivered as
 * any message is; once it is dead-lettered, the timer still brings the views up to date.
 */
@MessageDriven(activationConfig = {
        @ActivationConfigProperty(propertyName = "resourceAdapter", propertyValue = Resources.RESOURCE_ADAPTER),
        @ActivationConfigProperty(propertyName = "destinationType", propertyValue = "jakarta.jms.Topic"),
        @ActivationConfigProperty(propertyName = "destination", propertyValue = "${MPCONFIG=tidings.topic.changes:tidings.changes}"),
        @ActivationConfigProperty(propertyName = "subscriptionDurability", propertyValue = "NonDurable"),
        @ActivationConfigProperty(propertyName = "useJNDI", propertyValue = "false"),
        @ActivationConfigProperty(propertyName = "connectorClassName", propertyValue = Resources.CONNECTOR),
        @ActivationConfigProperty(propertyName = "connectionParameters", propertyValue = Resources.BROKER_ADDRESS),
        @ActivationConfigProperty(propertyName = "user", propertyValue = Resources.BROKER_USER),
        @ActivationConfigProperty(propertyName = "password", propertyValue = Resources.BROKER_PASSWORD),
        @ActivationConfigProperty(propertyName = "maxSession", propertyValue = "1"),
        @ActivationConfigProperty(propertyName = "setupAttempts", propertyValue = "-1"),
        @ActivationConfigProperty(propertyName = "setupInterval", propertyValue = "2000"),
        @ActivationConfigProperty(propertyName = "reconnectAttempts", propertyValue = "-1"),
        @ActivationConfigProperty(propertyName = "retryInterval", propertyValue = "1000")})
@TransactionAttribute(TransactionAttributeType.NOT_SUPPORTED)
public class ChangesListener implements MessageListener {

    @EJB
    Views views;

    /** Waited for once per instance: no message is handled before the schema is migrated (and repaired). */
    @Inject
    SchemaReadiness schema;

    private boolean schemaReady;

    @Override
    public void onMessage(Message message) {
        awaitSchema();
        var catchUp = views.caughtUp();
        if (!catchUp.converged()) {
            throw new IllegalStateException("views cannot catch up: " + catchUp.reports());
        }
    }

    /** Returns once SchemaMigration and the directories have started ({@link SchemaReadiness}). */
    private void awaitSchema() {
        if (!schemaReady) {
            schema.await();
            schemaReady = true;
        }
    }
}
