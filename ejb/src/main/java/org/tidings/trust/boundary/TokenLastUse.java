package org.tidings.trust.boundary;

import jakarta.ejb.ConcurrencyManagement;
import jakarta.ejb.ConcurrencyManagementType;
import jakarta.ejb.EJB;
import jakarta.ejb.Schedule;
import jakarta.ejb.Singleton;
import jakarta.ejb.TransactionAttribute;
import jakarta.ejb.TransactionAttributeType;
import jakarta.inject.Inject;
import org.tidings.platform.SchemaReadiness;

/**
 * Writes when tokens were last used, once a minute. The timer was {@link TokenDirectory}'s own until 2026-12-05: Payara
 * starts a bean's timers before the start-up singletons (EjbApplication.start), and a timer of the directory started
 * it on the timer's thread if it fired first, where a start that failed marks the singleton failed for good. Here the
 * timer waits until the directory has started on the deploying thread ({@link SchemaReadiness}).
 */
@Singleton
@ConcurrencyManagement(ConcurrencyManagementType.BEAN)
@TransactionAttribute(TransactionAttributeType.NOT_SUPPORTED)
public class TokenLastUse {

    @Inject
    SchemaReadiness readiness;

    @EJB
    TokenDirectory tokens;

    @Schedule(hour = "*", minute = "*", persistent = false)
    void write() {
        if (readiness.isOpen()) {
            tokens.writeLastUse();
        }
    }
}
