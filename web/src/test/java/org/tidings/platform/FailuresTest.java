package org.tidings.platform;

import static org.assertj.core.api.Assertions.assertThat;

import jakarta.ejb.EJBException;
import jakarta.ejb.EJBTransactionRolledbackException;
import jakarta.jms.JMSException;
import jakarta.jms.JMSRuntimeException;
import jakarta.persistence.OptimisticLockException;
import jakarta.persistence.PersistenceException;
import jakarta.persistence.PessimisticLockException;
import jakarta.persistence.RollbackException;
import jakarta.resource.ResourceException;
import jakarta.resource.spi.ResourceAllocationException;
import java.sql.SQLException;
import java.sql.SQLIntegrityConstraintViolationException;
import java.time.Duration;
import org.tidings.provisioning.control.LoadGate;
import org.junit.jupiter.api.Test;

// covers S2S-14: every failure from below the resources gets the code of what actually failed
class FailuresTest {

    @Test
    void aUniqueKeyRaceOrAnOptimisticLockConflictIsAConflict() {
        var uniqueOnCommit = new EJBTransactionRolledbackException("commit failed", new RollbackException(
                new PersistenceException(new SQLIntegrityConstraintViolationException("unique index", "23505"))));
        assertThat(Failures.classify(uniqueOnCommit)).isEqualTo(ErrorCode.CONFLICT);
        assertThat(Failures.classify(new EJBException(new OptimisticLockException("row changed"))))
                .isEqualTo(ErrorCode.CONFLICT);
        assertThat(Failures.classify(new PersistenceException(new SQLException("could not serialize", "40001"))))
                .isEqualTo(ErrorCode.CONFLICT);
        assertThat(Failures.classify(new EJBException(new PessimisticLockException(new SQLException("Timeout trying to "
                + "lock table", "HYT00"))))).as("H2's lock timeout").isEqualTo(ErrorCode.CONFLICT);
        assertThat(Failures.classify(new PersistenceException(new SQLException("could not obtain lock", "55P03"))))
                .as("PostgreSQL's lock not available").isEqualTo(ErrorCode.CONFLICT);
    }

    @Test
    void aDatabaseThatCannotBeReachedIsNotTheBroker() {
        // Payara's JDBC pool: an SQLException over the connector's allocation failure, over the pool's own
        var payaraPool = new EJBException(new PersistenceException(new SQLException("Error in allocating a connection",
                new ResourceAllocationException("Connection could not be allocated", new ResourceException("refused")))));
        assertThat(Failures.classify(payaraPool)).isEqualTo(ErrorCode.DATABASE_UNAVAILABLE);
        assertThat(Failures.classify(new EJBException(new PersistenceException(new SQLException("broken", "90067")))))
                .as("H2's connection broken").isEqualTo(ErrorCode.DATABASE_UNAVAILABLE);
        assertThat(Failures.classify(new PersistenceException(new SQLException("terminating connection", "08006"))))
                .as("PostgreSQL's connection failure").isEqualTo(ErrorCode.DATABASE_UNAVAILABLE);
    }

    @Test
    void aViewNotLoadedYetIsUnavailableNotAnInternalError() {
        var gate = new LoadGate("source directory", Duration.ZERO);
        RuntimeException notLoaded = null;
        try {
            gate.awaitOpen();
        } catch (LoadGate.NotLoaded e) {
            notLoaded = e;
        }
        assertThat(notLoaded).isNotNull();
        assertThat(Failures.classify(new EJBException(notLoaded))).isEqualTo(ErrorCode.UNAVAILABLE);
    }

    @Test
    void aBrokerThatCannotBeReachedIsTheBroker() {
        assertThat(Failures.classify(new EJBException(new JMSRuntimeException("no connection"))))
                .isEqualTo(ErrorCode.BROKER_UNAVAILABLE);
        var jmsPool = new EJBException(new JMSException("pool"));
        jmsPool.getCause().initCause(new ResourceAllocationException("Connection could not be allocated"));
        assertThat(Failures.classify(jmsPool)).isEqualTo(ErrorCode.BROKER_UNAVAILABLE);
        assertThat(Failures.classify(new EJBException(new ResourceException("connector only"))))
                .as("a connector failure with nothing more specific below it").isEqualTo(ErrorCode.BROKER_UNAVAILABLE);
    }

    @Test
    void aDomainRefusalKeepsItsCodeAndAnythingElseIsInternal() {
        assertThat(Failures.classify(new EJBException(new TidingsException(ErrorCode.UNKNOWN_SINK, "no such sink"))))
                .isEqualTo(ErrorCode.UNKNOWN_SINK);
        assertThat(Failures.classify(new PersistenceException(new SQLException("syntax error", "42000"))))
                .isEqualTo(ErrorCode.INTERNAL_ERROR);
        assertThat(Failures.classify(new IllegalStateException("bug"))).isEqualTo(ErrorCode.INTERNAL_ERROR);
    }
}
