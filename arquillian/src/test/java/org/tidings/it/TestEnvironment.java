package org.tidings.it;

import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.TimeoutException;
import java.util.stream.Stream;
import org.apache.activemq.artemis.api.core.QueueConfiguration;
import org.apache.activemq.artemis.api.core.RoutingType;
import org.apache.activemq.artemis.api.core.SimpleString;
import org.apache.activemq.artemis.core.server.Queue;
import org.apache.activemq.artemis.core.server.embedded.EmbeddedActiveMQ;
import org.apache.activemq.artemis.core.settings.impl.AddressSettings;
import org.apache.activemq.artemis.spi.core.security.ActiveMQJAASSecurityManager;
import org.junit.platform.launcher.LauncherSession;
import org.junit.platform.launcher.LauncherSessionListener;

/**
 * The world the integration tests run in, set up once per test run (a JUnit launcher session, not an
 * extension: extensions would be loaded inside Payara too): a real Artemis broker embedded in this JVM,
 * configured from jms-config's broker.xml and JAAS login.config, on a free loopback port; a free loopback
 * HTTP port for Payara Micro; and the options Arquillian's Payara Micro container passes to every instance it
 * starts. On close it waits for every Payara Micro this JVM started to exit before it stops the broker (a
 * Micro whose broker vanishes first hangs in shutdown).
 */
public class TestEnvironment implements LauncherSessionListener {

    public static final String APP_USER = "tidings";
    public static final String APP_PASSWORD = "tidings-it-secret";
    public static final String ADMIN_USER = "it-admin";
    public static final String ADMIN_PASSWORD = "it-admin-secret";
    public static final String SOURCE_USER = "mail-store";
    public static final String SOURCE_PASSWORD = "mail-store-secret";
    /**
     * The first administrator's token every instance of a run is given (tidings.admin.token), so that tests know
     * it; a real install gets a random one in its data directory. The security suite checks that it never appears
     * in a server log or an answer.
     */
    public static final String ADMIN_TOKEN = "tdg_itadmin0_" + "Q2hhbmdlIG1lOiB0aGUgdGVzdCBhZG1pbiB0b2tlbg";

    /**
     * The JVM options of every Payara Micro a test starts, through Arquillian or {@link SecondInstance}. Tiered
     * compilation stops at C1: an instance here lives a minute or two, most of it booting, and the optimising C2
     * compiler spent about as much CPU during a boot as the boot itself without paying it back in that time
     * (measured on 2 cores: about 25 s of CPU per boot instead of 40-55 s). What a test checks does not change;
     * benchmarks and production keep the JVM's default compilation.
     */
    static final List<String> MICRO_JVM_OPTIONS = List.of("-Xmx768m", "-XX:TieredStopAtLevel=1");

    /** tidings.ingest.broker-wait here (10 s by default). */
    static final Duration BROKER_WAIT = Duration.ofSeconds(4);

    private static Path work;
    private static int brokerPort;
    private static int httpPort;
    private static EmbeddedActiveMQ broker;
    private static org.h2.tools.Server database;
    private static String databaseUrl;

    @Override
    public void launcherSessionOpened(LauncherSession session) {
        if (System.getProperty("tidings.it.war") == null) {
            return; // not a failsafe run of this module (an IDE listing tests, for instance)
        }
        try {
            work = Path.of(System.getProperty("tidings.it.work", "target/it-work")).toAbsolutePath();
            deleteRecursively(work);
            Files.createDirectories(work);
            brokerPort = freePort();
            httpPort = freePort();
            prepareBrokerSecurity();
            startBroker();
            startDatabase();
            writeMicroConfiguration();
            System.setProperty("payara.extraMicroOptions", String.join(" ", microArguments(httpPort)));
            System.setProperty("payara.cmdOptions", String.join(" ", MICRO_JVM_OPTIONS));
        } catch (Exception e) {
            throw new IllegalStateException("cannot set up the integration test environment", e);
        }
    }

    @Override
    public void launcherSessionClosed(LauncherSession session) {
        if (work == null) {
            return;
        }
        awaitPayaraStopped();
        stopBroker();
        if (database != null) {
            database.stop();
        }
    }

    public static String baseUrl() {
        return "http://127.0.0.1:" + httpPort;
    }

    /** The embedded broker's etc directory: broker.xml, login.config and the users and roles files it reads. */
    public static Path brokerEtc() {
        return work.resolve("broker-etc");
    }

    public static String brokerUrl() {
        return "tcp://127.0.0.1:" + brokerPort;
    }

    public static boolean postgres() {
        return System.getProperty("tidings.it.db.url", "").startsWith("jdbc:postgresql:");
    }

    /** Every Payara Micro started by this JVM has exited (Arquillian's container does not wait for that). */
    public static void awaitPayaraStopped() {
        List<ProcessHandle> children = ProcessHandle.current().children().toList();
        for (ProcessHandle child : children) {
            try {
                child.onExit().get(90, TimeUnit.SECONDS);
            } catch (TimeoutException e) {
                child.destroyForcibly();
            } catch (Exception e) {
                throw new IllegalStateException("waiting for " + child.pid(), e);
            }
        }
    }

    public static synchronized void stopBroker() {
        if (broker != null) {
            try {
                broker.stop();
            } catch (Exception e) {
                throw new IllegalStateException("cannot stop the test broker", e);
            }
            broker = null;
        }
    }

    /**
     * What the broker holds on a queue, asked of the broker itself: waiting, in delivery and scheduled for
     * redelivery alike (a browser sees only the first kind).
     */
    public static synchronized long messageCount(String queue) {
        var located = flushed(queue);
        return located == null ? 0 : located.getMessageCount();
    }

    /** Where the embedded broker keeps large messages' bodies, a file each. */
    public static java.nio.file.Path largeMessagesDirectory() {
        return broker.getActiveMQServer().getConfiguration().getLargeMessagesLocation().toPath();
    }

    /** Removes a queue and its address, as an operator may on the broker. */
    public static synchronized void destroyQueue(String queue) throws Exception {
        broker.getActiveMQServer().destroyQueue(SimpleString.of(queue), null, false, true, true);
    }

    /** Whether the broker has the queue. */
    public static synchronized boolean queueExists(String queue) {
        return broker.getActiveMQServer().locateQueue(queue) != null;
    }

    /**
     * How many messages the broker has ever put on a queue since it started: sends that reached it, counted, once the
     * count has stopped changing (two reads 100 ms apart agree, within 10 s). The broker counts a message when its
     * queue's executor moves it from the queue's intake to the queue proper (QueueImpl.doInternalPoll), so each read
     * first waits for what that executor has been given; and it puts the message in the intake only in a callback of
     * the journal write (PostOfficeImpl.processRoute: afterCompleteOperations, then QueueImpl.addTail), which may run
     * after the sender was told the message is stored. QuotaIT read 7 where a send acknowledged just before made 8,
     * once before the executor was waited for and once after (2026-12-03), hence the second read.
     */
    public static long messagesAdded(String queue) {
        var last = new AtomicLong(-1);
        await("the count of messages added to " + queue + " to settle").atMost(Duration.ofSeconds(10))
                .pollInSameThread().pollDelay(Duration.ZERO).pollInterval(Duration.ofMillis(100))
                .until(() -> {
                    long now = countedAdded(queue);
                    return last.getAndSet(now) == now;
                });
        return last.get();
    }

    private static synchronized long countedAdded(String queue) {
        var located = flushed(queue);
        return located == null ? 0 : located.getMessagesAdded();
    }

    /**
     * The queue, once its executor has run what it was given: a message the broker has stored and acknowledged to
     * its sender waits in the queue's intake until then, counted neither as added nor as held (QueueImpl.addTail,
     * doInternalPoll).
     */
    private static Queue flushed(String queue) {
        var located = broker.getActiveMQServer().locateQueue(queue);
        if (located != null && !located.flushExecutor()) {
            throw new IllegalStateException("the queue " + queue + "'s executor did not finish within 10 s");
        }
        return located;
    }

    /**
     * Until closed, messages on this address are dead-lettered after three quick attempts instead of ten that take
     * minutes (broker.xml): a test can then reach the dead-letter path in seconds. A broker restart ends it too.
     */
    public static synchronized AutoCloseable fewRedeliveries(String address) {
        var repository = broker.getActiveMQServer().getAddressSettingsRepository();
        AddressSettings configured = repository.getMatch(address);
        repository.addMatch(address, new AddressSettings(configured).setMaxDeliveryAttempts(3)
                .setRedeliveryDelay(100).setRedeliveryMultiplier(1.0));
        return () -> {
            synchronized (TestEnvironment.class) {
                if (broker != null) {
                    broker.getActiveMQServer().getAddressSettingsRepository().addMatch(address, configured);
                }
            }
        };
    }

    /**
     * The broker remembers one duplicate id on this address instead of broker.xml's 100,000: a test can then show
     * that a guarantee does not rest on the cache (a repeated notification is forgotten once another one came).
     * Holds for the address's cache made after this call, until the broker restarts; the ids kept then are at most
     * the one remembered (the persisted cache deletes what it evicts).
     */
    public static synchronized void oneDuplicateId(String address) {
        var repository = broker.getActiveMQServer().getAddressSettingsRepository();
        repository.addMatch(address, new AddressSettings(repository.getMatch(address)).setIDCacheSize(1));
    }

    /**
     * A second queue that sources and the application may use as they use tidings.events (the same roles): a
     * {@link SecondInstance} given it as {@code tidings.queue.events} has events no other instance consumes.
     */
    public static synchronized void createEventsQueue(String name) throws Exception {
        var server = broker.getActiveMQServer();
        server.getSecurityRepository().addMatch(name, server.getSecurityRepository().getMatch("tidings.events"));
        if (server.locateQueue(name) == null) {
            server.createQueue(QueueConfiguration.of(name).setRoutingType(RoutingType.ANYCAST).setDurable(true)
                    .setAutoCreateAddress(true));
        }
    }

    /**
     * A second deliveries queue, with tidings.deliver's roles and settings: a {@link SecondInstance} given it as
     * {@code tidings.queue.deliver} makes the first attempts of its own notifications, which no other instance takes.
     */
    public static synchronized void createDeliverQueue(String name) throws Exception {
        var server = broker.getActiveMQServer();
        server.getSecurityRepository().addMatch(name, server.getSecurityRepository().getMatch("tidings.deliver"));
        server.getAddressSettingsRepository().addMatch(name,
                server.getAddressSettingsRepository().getMatch("tidings.deliver"));
        if (server.locateQueue(name) == null) {
            server.createQueue(QueueConfiguration.of(name).setRoutingType(RoutingType.ANYCAST).setDurable(true)
                    .setGroupBuckets(4096).setAutoCreateAddress(true));
        }
    }

    /**
     * Until closed, this queue is disabled, as an operator may disable one (Artemis 2.44: the queue stays, and the
     * broker routes nothing to it). Closing enables it again.
     */
    public static synchronized AutoCloseable disabled(String queue) throws Exception {
        var server = broker.getActiveMQServer();
        server.updateQueue(QueueConfiguration.of(queue).setEnabled(false));
        return () -> server.updateQueue(QueueConfiguration.of(queue).setEnabled(true));
    }

    /**
     * Until closed, the broker delivers nothing from this queue (it keeps what is sent to it): a test can then hold
     * events queued, not yet processed.
     */
    public static synchronized AutoCloseable paused(String queue) {
        var located = broker.getActiveMQServer().locateQueue(queue);
        located.pause();
        return located::resume;
    }

    /**
     * Until closed, the broker takes its disk to be full, as it does when the disk is fuller than
     * {@code max-disk-usage}: it holds back every sender (it grants no more credit, so a core client's send waits once
     * the credit it holds is spent, without end). Done through the broker's own disk monitor, with its limit at
     * almost nothing and a scan at once; closing restores the limit and scans again.
     */
    public static synchronized AutoCloseable diskFull() {
        var monitor = ((org.apache.activemq.artemis.core.server.impl.ActiveMQServerImpl) broker.getActiveMQServer())
                .getMonitor();
        double limit = monitor.getMaxUsage();
        monitor.setMaxUsage(0.0001);
        monitor.tick();
        if (!broker.getActiveMQServer().getPagingManager().isDiskFull()) {
            throw new IllegalStateException("the broker did not take its disk to be full");
        }
        return () -> {
            monitor.setMaxUsage(limit);
            monitor.tick();
        };
    }

    /**
     * Until closed, the broker refuses what is sent to this address, as it does when an operator blocks the address
     * through its management API ({@code AddressControl.block}, which blocks the address's paging store as done here):
     * a sender whose credit is spent is refused at once ("address is full"), not held back. Closing unblocks it.
     */
    public static synchronized AutoCloseable blocked(String address) throws Exception {
        var store = broker.getActiveMQServer().getPagingManager()
                .getPageStore(org.apache.activemq.artemis.api.core.SimpleString.of(address));
        store.block();
        return store::unblock;
    }

    /**
     * Until closed, the broker also listens on {@code port} over TLS for CORE and AMQP, with this PKCS12 keystore's
     * entry, as run.sh's acceptor {@code tidings-tls} does (docs/adr/0016). A broker restart ends it too.
     */
    public static AutoCloseable tlsAcceptor(int port, Path keystore, String password, String alias) throws Exception {
        return tlsAcceptor("tidings-tls", port, keystore, password, alias);
    }

    /** The same under another acceptor name, so that two can be open at once. */
    public static synchronized AutoCloseable tlsAcceptor(String name, int port, Path keystore, String password,
            String alias) throws Exception {
        String uri = "tcp://127.0.0.1:" + port + "?protocols=CORE,AMQP;sslEnabled=true;keyStoreType=PKCS12;keyStorePath="
                + java.net.URLEncoder.encode(keystore.toString(), java.nio.charset.StandardCharsets.UTF_8) + ";keyStorePassword="
                + java.net.URLEncoder.encode(password, java.nio.charset.StandardCharsets.UTF_8) + ";keyStoreAlias=" + alias;
        var acceptor = broker.getActiveMQServer().getRemotingService().createAcceptor(name, uri);
        acceptor.start();
        return () -> {
            synchronized (TestEnvironment.class) {
                if (broker != null) {
                    broker.getActiveMQServer().getRemotingService().destroyAcceptor(name);
                }
            }
        };
    }

    /**
     * Until closed, the broker's cap on each sender's queued events (the plugin QueuedEventsCap, broker.xml's
     * {@code max-queued}) is this one, for every sender; closing restores broker.xml's default.
     */
    public static synchronized AutoCloseable queuedCap(long cap) {
        var plugin = broker.getActiveMQServer().getBrokerPlugins().stream()
                .filter(org.tidings.ingest.broker.QueuedEventsCap.class::isInstance)
                .map(org.tidings.ingest.broker.QueuedEventsCap.class::cast).findFirst().orElseThrow();
        plugin.init(Map.of("max-queued", Long.toString(cap)));
        return () -> plugin.init(Map.of());
    }

    /** The database every instance of this run uses, as a JDBC URL. */
    public static String databaseUrl() {
        return databaseUrl;
    }

    /** A connection of the test's own to that database, as the instances' user. */
    public static Connection openDatabase() throws SQLException {
        return DriverManager.getConnection(databaseUrl, System.getProperty("tidings.it.db.user"),
                System.getProperty("tidings.it.db.password"));
    }

    /** Starts the broker on its port and journal: a restart finds every durable message where it was. */
    public static synchronized void startBroker() throws Exception {
        if (broker != null) {
            return;
        }
        System.setProperty("tidings.broker.data", work.resolve("broker").toString());
        System.setProperty("tidings.broker.host", "127.0.0.1");
        System.setProperty("tidings.broker.port", Integer.toString(brokerPort));
        var embedded = new EmbeddedActiveMQ();
        // the copy beside the users and roles files: the broker's management API writes them there (addUser ...)
        embedded.setConfigResourcePath(work.resolve("broker-etc").resolve("broker.xml").toUri().toString());
        embedded.setSecurityManager(new ActiveMQJAASSecurityManager("tidings"));
        embedded.start();
        broker = embedded;
    }

    /**
     * H2 (the same 2.2.224 Payara ships) as a server on loopback unless PostgreSQL was chosen: several Payara Micro
     * instances of one test share it, as production instances share PostgreSQL.
     */
    private static void startDatabase() throws java.sql.SQLException, IOException {
        if (!System.getProperty("tidings.it.db.url", "").isBlank()) {
            return;
        }
        System.setProperty("h2.bindAddress", "127.0.0.1");
        database = org.h2.tools.Server.createTcpServer("-tcpPort", Integer.toString(freePort()), "-baseDir", work.resolve("db").toString(),
                "-ifNotExists").start();
    }

    private static void prepareBrokerSecurity() throws IOException {
        Path etc = Files.createDirectories(work.resolve("broker-etc"));
        Path loginConfig = etc.resolve("login.config");
        Files.copy(Path.of(System.getProperty("tidings.it.login-config")), loginConfig);
        Files.copy(Path.of(System.getProperty("tidings.it.broker-xml")), etc.resolve("broker.xml"));
        Files.writeString(etc.resolve("users.properties"), String.join("\n",
                APP_USER + "=" + APP_PASSWORD, ADMIN_USER + "=" + ADMIN_PASSWORD,
                SOURCE_USER + "=" + SOURCE_PASSWORD, ""));
        Files.writeString(etc.resolve("roles.properties"), String.join("\n",
                "tidings-app=" + APP_USER, "tidings-admin=" + ADMIN_USER, "tidings-source=" + SOURCE_USER, ""));
        System.setProperty("java.security.auth.login.config", loginConfig.toString());
    }

    /** The Payara Micro options every instance of a test run gets, with its own HTTP port. */
    public static List<String> microArguments(int port) {
        return microArguments(port, work.resolve("tidings.properties"));
    }

    /** The same options with system properties of the instance's own (see {@link #properties}). */
    public static List<String> microArguments(int port, Path systemProperties) {
        return List.of("--nohazelcast", "--disablephonehome", "--port", Integer.toString(port), "--contextroot", "/",
                "--prebootcommandfile", work.resolve("preboot.asadmin").toString(),
                "--postbootcommandfile", work.resolve("postboot.asadmin").toString(),
                "--systemproperties", systemProperties.toString());
    }

    /** The system properties every instance gets, with these changed, in a file of their own. */
    public static Path properties(Map<String, String> changed) throws IOException {
        var properties = new java.util.Properties();
        try (var in = Files.newBufferedReader(work.resolve("tidings.properties"))) {
            properties.load(in);
        }
        properties.putAll(changed);
        Path file = Files.createTempFile(work, "tidings-", ".properties");
        try (var out = Files.newBufferedWriter(file)) {
            properties.store(out, null);
        }
        return file;
    }

    public static Path work() {
        return work;
    }

    private static void writeMicroConfiguration() throws IOException {
        // Both listeners on loopback; the HTTPS one opens only where a test asks for it (--sslport, TlsIT).
        String listeners = "set configs.config.server-config.network-config.network-listeners.network-listener";
        // Payara's own endpoints Tidings does not use are switched off first, as run.sh does.
        Files.writeString(work.resolve("preboot.asadmin"), Files.readString(Path.of(System.getProperty(
                "tidings.it.preboot"))) + listeners + ".http-listener.address=127.0.0.1\n"
                + listeners + ".https-listener.address=127.0.0.1\n");
        Files.writeString(work.resolve("postboot.asadmin"),
                "deploy --type rar --name tidings-artemis " + System.getProperty("tidings.it.rar") + "\n");
        String dbUrl = System.getProperty("tidings.it.db.url", "");
        if (dbUrl.isBlank()) {
            dbUrl = "jdbc:h2:tcp://127.0.0.1:" + database.getPort() + "/tidings";
        }
        databaseUrl = dbUrl;
        Files.writeString(work.resolve("tidings.properties"), String.join("\n",
                "tidings.broker.host=127.0.0.1",
                "tidings.broker.port=" + brokerPort,
                "tidings.broker.user=" + APP_USER,
                "tidings.broker.password=" + APP_PASSWORD,
                "tidings.db.datasource-class=" + System.getProperty("tidings.it.db.datasource-class"),
                "tidings.db.url=" + dbUrl,
                "tidings.db.user=" + System.getProperty("tidings.it.db.user"),
                "tidings.db.password=" + System.getProperty("tidings.it.db.password"),
                "tidings.secrets.key-file=" + work.resolve("secrets.key"),
                "tidings.admin.token=" + ADMIN_TOKEN,
                // a compressed schedule: five attempts within two seconds, so retries and dead letters show quickly
                "tidings.delivery.retry-schedule=" + WebhookIT.RETRY_SCHEDULE,
                "tidings.webhook.breaker.open=PT2S",
                // the pruner of finished delivery records looks every second (WebhookIT back-dates the rows it prunes)
                "tidings.delivery.prune-interval=PT1S",
                // the pruner of pull feeds looks every second too (PullIT back-dates the entries it prunes)
                "tidings.pull.prune-interval=PT1S",
                // idle event streams get their comment line every two seconds (PullIT waits for two)
                "tidings.pull.heartbeat=PT2S",
                // a change waits this long for the change log on PostgreSQL (AdminLimitsIT holds it)
                "tidings.changes.lock-wait=PT5S",
                // how long HTTP ingest waits for a broker that holds senders back, and then refuses at once
                // (BrokerOutageIT waits it out twice in each of its disk-full tests)
                "tidings.ingest.broker-wait=" + BROKER_WAIT,
                ""));
    }

    /** Ports handed out by {@link #freePort}, so that two servers of one run never get the same one. */
    private static final java.util.Set<Integer> HANDED_OUT = java.util.concurrent.ConcurrentHashMap.newKeySet();

    /**
     * A free loopback port below the kernel's range for outgoing connections (32768-60999 on Linux): a server of the
     * tests (Payara Micro is booted about 25 times on its one port) cannot lose its port between boots to an outgoing
     * connection of anything on the machine, as it could with a port from that range.
     */
    static int freePort() throws IOException {
        var random = java.util.concurrent.ThreadLocalRandom.current();
        for (int tries = 0; tries < 100; tries++) {
            int port = random.nextInt(20000, 32768);
            if (HANDED_OUT.add(port)) {
                try (var socket = new ServerSocket(port, 1, InetAddress.getLoopbackAddress())) {
                    return socket.getLocalPort();
                } catch (IOException taken) {
                    // in use: try another
                }
            }
        }
        try (var socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            HANDED_OUT.add(socket.getLocalPort());
            return socket.getLocalPort();
        }
    }

    private static void deleteRecursively(Path dir) throws IOException {
        if (!Files.exists(dir)) {
            return;
        }
        try (Stream<Path> paths = Files.walk(dir)) {
            paths.sorted(Comparator.reverseOrder()).forEach(p -> {
                try {
                    Files.delete(p);
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            });
        }
    }
}
