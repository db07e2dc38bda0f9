package org.tidings.platform;

import jakarta.annotation.sql.DataSourceDefinition;
import jakarta.jms.JMSConnectionFactoryDefinition;

/**
 * The container resources Tidings needs, defined by the application so that one WAR runs anywhere. Every
 * address and credential comes from MicroProfile Config (environment variables such as TIDINGS_DB_URL or
 * TIDINGS_BROKER_HOST override the defaults in META-INF/microprofile-config.properties).
 * The connection factory goes through the Artemis resource adapter, so sends enlist in the container
 * transaction with the consume of the message being processed (docs/adr/0004-transactions.md).
 */
@DataSourceDefinition(
        name = Resources.DATA_SOURCE,
        className = "${MPCONFIG=tidings.db.datasource-class:org.h2.jdbcx.JdbcDataSource}",
        url = "${MPCONFIG=tidings.db.url}",
        user = "${MPCONFIG=tidings.db.user:tidings}",
        password = "${MPCONFIG=tidings.db.password:tidings}",
        minPoolSize = 2,
        maxPoolSize = 32,
        properties = {"fish.payara.is-connection-validation-required=true",
                "fish.payara.connection-validation-method=meta-data"})
@JMSConnectionFactoryDefinition(
        name = Resources.CONNECTION_FACTORY,
        interfaceName = "jakarta.jms.ConnectionFactory",
        resourceAdapter = Resources.RESOURCE_ADAPTER,
        user = "${MPCONFIG=tidings.broker.user}",
        password = "${MPCONFIG=tidings.broker.password}",
        transactional = true,
        maxPoolSize = 32,
        properties = {
                "connectorClassName=org.apache.activemq.artemis.core.remoting.impl.netty.NettyConnectorFactory",
                "connectionParameters=host=${MPCONFIG=tidings.broker.host};port=${MPCONFIG=tidings.broker.port}",
                "reconnectAttempts=0",
                "callTimeout=10000"})
public final class Resources {

    /** The deployed name of the Artemis resource adapter (jms-config builds tidings-artemis.rar). */
    public static final String RESOURCE_ADAPTER = "tidings-artemis";
    public static final String DATA_SOURCE = "java:app/jdbc/tidings";
    public static final String CONNECTION_FACTORY = "java:app/jms/tidings";

    private Resources() {
    }
}
