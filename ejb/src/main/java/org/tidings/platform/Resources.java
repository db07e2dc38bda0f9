package org.tidings.platform;

/**
 * Names and settings of the container resources Tidings needs. The resources themselves are defined on
 * {@link SchemaMigration}: a full server reads resource definitions in an EJB module only on EJB classes. Every
 * address and credential comes from MicroProfile Config: system properties or environment variables such as
 * TIDINGS_DB_URL or TIDINGS_BROKER_HOST; the defaults stand inline in the {@code ${MPCONFIG=key:default}}
 * placeholders because Payara resolves them before the application's own config file is visible (ADR 0001).
 * The connection factory goes through the Artemis resource adapter's pool but never joins a JTA transaction: the
 * event path uses local broker transactions and duplicate ids instead of XA (docs/adr/0007).
 */
public final class Resources {

    /** The deployed name of the Artemis resource adapter (jms-config builds tidings-artemis.rar). */
    public static final String RESOURCE_ADAPTER = "tidings-artemis";
    public static final String DATA_SOURCE = "java:app/jdbc/tidings";

    // Broker connection settings shared by the connection factory and every message-driven bean. Payara expands
    // ${MPCONFIG=key:default} in these annotations from system properties and environment variables.
    public static final String CONNECTOR = "org.apache.activemq.artemis.core.remoting.impl.netty.NettyConnectorFactory";
    /**
     * The Artemis connector's parameters: host, port, and {@code tidings.broker.connection-options}, more of them
     * ({@code key=value;...}), by default {@code sslEnabled=false}. Over TLS, for instance: {@code sslEnabled=true;
     * forceSSLParameters=true;verifyHost=true;trustStoreType=PKCS12;trustStorePath=...;trustStorePassword=...}
     * (docs/adr/0016). No value may hold {@code ;}, {@code =} or {@code ,}: the adapter splits on them.
     */
    public static final String BROKER_ADDRESS =
            "host=${MPCONFIG=tidings.broker.host:127.0.0.1};port=${MPCONFIG=tidings.broker.port:61616};"
                    + "${MPCONFIG=tidings.broker.connection-options:sslEnabled=false}";
    public static final String BROKER_USER = "${MPCONFIG=tidings.broker.user:tidings}";
    public static final String BROKER_PASSWORD = "${MPCONFIG=tidings.broker.password:tidings}";
    /** Never enlisted in JTA: plain or local-transacted sessions only (docs/adr/0007). */
    public static final String CONNECTION_FACTORY = "java:app/jms/tidings";

    private Resources() {
    }
}
