package org.tidings.platform;

import jakarta.annotation.PostConstruct;
import jakarta.ejb.DependsOn;
import jakarta.ejb.Singleton;
import jakarta.ejb.Startup;
import jakarta.ejb.TransactionAttribute;
import jakarta.ejb.TransactionAttributeType;
import jakarta.inject.Inject;

/**
 * The last singleton to start: it depends on every other singleton of the application, so the deploying thread has
 * started them all (SchemaMigration first) when it opens {@link SchemaReadiness}, which the message-driven beans wait
 * for. A singleton that a message's thread reached first would start on that thread, and Payara marks a singleton whose
 * start failed there as failed for good, even after the deploying thread's own start of it succeeds.
 * {@code StartupCompleteTest} checks that the list below names every singleton.
 */
@Startup
@Singleton
@DependsOn({"AcceptancePruning", "AuditPruning", "ChangeLogPruning", "DeliveryPruning", "DeliveryRetries",
        "DeliverySettingsCheck", "ExpiryReaper", "FeedPruning", "FirstAdministrator", "GrantDirectory", "Matching",
        "SchemaMigration", "SealingKeyVerification", "SourceDirectory", "SubscriptionView", "SweepRecovery",
        "TokenDirectory", "Views"})
@TransactionAttribute(TransactionAttributeType.NOT_SUPPORTED)
public class StartupComplete {

    @Inject
    SchemaReadiness readiness;

    @PostConstruct
    void open() {
        readiness.open();
    }
}
