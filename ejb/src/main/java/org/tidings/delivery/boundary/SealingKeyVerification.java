package org.tidings.delivery.boundary;

import jakarta.annotation.PostConstruct;
import jakarta.annotation.Resource;
import jakarta.ejb.DependsOn;
import jakarta.ejb.Singleton;
import jakarta.ejb.Startup;
import jakarta.ejb.TransactionAttribute;
import jakarta.ejb.TransactionAttributeType;
import jakarta.inject.Inject;
import java.sql.Connection;
import java.sql.SQLException;
import javax.sql.DataSource;
import org.tidings.delivery.webhook.SealingKeyCheck;
import org.tidings.delivery.webhook.SecretSealer;
import org.tidings.platform.Resources;

/**
 * At start-up, after the schema migration, checks that this instance seals with the key the database's webhook
 * secrets are sealed with ({@link SealingKeyCheck}); if not, the application does not start (docs/adr/0012).
 */
@Startup
@Singleton
@DependsOn("SchemaMigration")
@TransactionAttribute(TransactionAttributeType.NOT_SUPPORTED)
public class SealingKeyVerification {

    @Resource(lookup = Resources.DATA_SOURCE)
    DataSource dataSource;

    @Inject
    SecretSealer sealer;

    @PostConstruct
    void verify() {
        try (Connection connection = dataSource.getConnection()) {
            connection.setAutoCommit(true);
            SealingKeyCheck.verify(connection, sealer::seal, sealer::open);
        } catch (SQLException e) {
            throw new IllegalStateException("the sealing key could not be checked: " + e.getMessage(), e);
        }
    }
}
