package org.tidings.platform;

import jakarta.annotation.PostConstruct;
import jakarta.annotation.PreDestroy;
import jakarta.annotation.Resource;
import jakarta.annotation.sql.DataSourceDefinition;
import jakarta.jms.JMSConnectionFactoryDefinition;
import jakarta.ejb.Singleton;
import jakarta.ejb.Startup;
import jakarta.ejb.TransactionAttribute;
import jakarta.ejb.TransactionAttributeType;
import jakarta.inject.Inject;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.logging.Logger;
import javax.sql.DataSource;
import org.eclipse.microprofile.config.ConfigProvider;
import org.flywaydb.core.Flyway;

/**
 * Brings the database schema up to date with Flyway before the application serves anything, and on H2 makes each
 * commit reach the database file before it returns ({@link CommitDurability}) and, after a stop that was not clean,
 * builds the embedded database's indexes again ({@link UncleanStop}); then opens {@link SchemaReadiness}, which the
 * message-driven beans wait for. It also carries the application's resource definitions (see {@link Resources}), where
 * every server reads them.
 */
@DataSourceDefinition(
        name = Resources.DATA_SOURCE,
        className = "${MPCONFIG=tidings.db.datasource-class:org.h2.Driver}",
        url = "${MPCONFIG=tidings.db.url:jdbc:h2:file:./data/db/tidings;DB_CLOSE_ON_EXIT=FALSE;WRITE_DELAY=0;"
                + "OPTIMIZE_REUSE_RESULTS=0}",
        user = "${MPCONFIG=tidings.db.user:tidings}",
        password = "${MPCONFIG=tidings.db.password:tidings}",
        minPoolSize = 2,
        maxPoolSize = 32,
        properties = {"fish.payara.is-connection-validation-required=true",
                "fish.payara.connection-validation-method=meta-data"})
// The one broker connection factory: never enlisted in a JTA transaction. A context asked for as SESSION_TRANSACTED is
// a local broker transaction (AllowLocalTransactions) that the code which opened it commits (docs/adr/0007). Each of
// its properties is declared with its type, under the same name, in the adapter's ra.xml (docs/adr/0001).
@JMSConnectionFactoryDefinition(
        name = Resources.CONNECTION_FACTORY,
        interfaceName = "jakarta.jms.ConnectionFactory",
        resourceAdapter = Resources.RESOURCE_ADAPTER,
        user = Resources.BROKER_USER,
        password = Resources.BROKER_PASSWORD,
        transactional = false,
        maxPoolSize = 64,
        properties = {
                "ConnectorClassName=" + Resources.CONNECTOR,
                "ConnectionParameters=" + Resources.BROKER_ADDRESS,
                "AllowLocalTransactions=true",
                // Session.createQueue asks the broker whether the queue exists unless the session caches what it
                // named (ActiveMQSession.lookupQueue): one blocking round trip per notification otherwise.
                "CacheDestinations=true",
                "ReconnectAttempts=0",
                "CallTimeout=10000"})
@Startup
@Singleton
@TransactionAttribute(TransactionAttributeType.NOT_SUPPORTED)
public class SchemaMigration {

    private static final Logger LOG = Logger.getLogger(SchemaMigration.class.getName());

    @Resource(lookup = Resources.DATA_SOURCE)
    DataSource dataSource;

    @Inject
    SchemaReadiness readiness;

    /** An index could not be built again at this start: the stop is not marked clean, so the next start tries again. */
    private volatile boolean rebuildOwed;

    @PostConstruct
    void migrate() {
        try (Connection connection = dataSource.getConnection()) {
            CommitDurability.ensure(connection);
            FreshReads.ensure(connection);
        } catch (SQLException e) {
            throw new IllegalStateException("the database's commits cannot be made durable or its reads fresh: "
                    + e.getMessage(), e);
        }
        try (Connection connection = dataSource.getConnection()) {
            List<String> failed = new ArrayList<>();
            UncleanStop.repairIfUnclean(connection, failed);
            rebuildOwed = !failed.isEmpty();
        } catch (SQLException e) {
            throw new IllegalStateException("the database's last stop cannot be told: " + e.getMessage(), e);
        }
        var result = Flyway.configure(SchemaMigration.class.getClassLoader())
                .dataSource(dataSource)
                .locations("classpath:db/migration")
                .load()
                .migrate();
        LOG.info(() -> "Database schema at version " + result.targetSchemaVersion
                + " (" + result.migrationsExecuted + " migrations applied now)");
        readiness.open();
    }

    /**
     * Marks the stop clean on the embedded H2 database ({@link UncleanStop}). Payara has removed the application's
     * data source by now (its pool is gone before the singletons stop), so no commit of the application can follow;
     * the mark goes through a connection of H2's own driver, with the URL and account the data source was given.
     */
    @PreDestroy
    void stopped() {
        var config = ConfigProvider.getConfig();
        var url = config.getOptionalValue("tidings.db.url", String.class);
        if (url.isEmpty() || !UncleanStop.embeddedH2(url.get())) {
            return;
        }
        if (rebuildOwed) {
            LOG.warning("the stop is not marked clean: an index of the embedded H2 database could not be built again "
                    + "at this start (see its log), and the next start tries again");
            return;
        }
        try (Connection connection = DriverManager.getConnection(url.get(),
                config.getOptionalValue("tidings.db.user", String.class).orElse(""),
                config.getOptionalValue("tidings.db.password", String.class).orElse(""))) {
            UncleanStop.markCleanStop(connection);
        } catch (SQLException e) {
            LOG.warning(() -> "the stop could not be marked clean, so the next start builds the embedded H2 "
                    + "database's indexes again: " + e.getMessage());
        }
    }
}
