import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import org.flywaydb.core.Flyway;
import org.tidings.ingest.control.AcceptanceStore;
import org.tidings.ingest.entity.AcceptanceKey;

/**
 * The database's share of a webhook delivery (docs/adr/0012): the statements the delivery ledger runs for one
 * notification whose first attempt succeeds, as plain JDBC on the project's own schema (its Flyway migrations), with
 * no application server, JPA, JTA, HTTP or broker around them. Two transactions per notification, as on main: the
 * SENDING record (the row locked by notification id, the subscription's counter taken under its lock, the row
 * inserted) and the outcome (the row locked again, the sink read, the row updated to DELIVERED without its body).
 * Variants, each on a fresh database, alternating over the rounds:
 * <ul>
 * <li>{@code ledger}: as above;</li>
 * <li>{@code line-index-only}: the same after dropping the five secondary indexes of the delivery table that these
 * statements do not read (its primary key, the unique notification id and the line index stay): what the others cost
 * here, though other queries need them;</li>
 * <li>{@code one-commit}: the outlook, then one transaction (counter and DELIVERED row, no body), what a design that
 * records only the outcome of a successful first attempt would pay.</li>
 * </ul>
 * And the event path's share (docs/adr/0007, 0019), with the project's own {@link AcceptanceStore} on the same
 * schema: an event's claim in the duplicate window and the sequence number of its one JMS notification, of
 * 10,000 subscriptions, as the events consumers take them.
 * <ul>
 * <li>{@code claim}: one transaction per event, as on main, each worker one consumer: the event's number, then its
 * record inserted with it;</li>
 * <li>{@code claim-two-step}: the same as main did before 2026-12-04: the record, then the number;</li>
 * <li>{@code numbers-only}: the number alone, in a transaction of its own, as with security off (no record);</li>
 * <li>{@code claim-grouped}: one worker, 8 events' claims per transaction: what a group commit of the consumers'
 * claims would pay per event at its best;</li>
 * <li>{@code claim-no-age-index}: as {@code claim} without the index that pruning reads;</li>
 * <li>{@code claim-clustered}: the number, then the record in a table keyed by the first 8 bytes of the key (a
 * {@code BIGINT}, which H2 uses as the rows' own b-tree: no separate index of the key), the whole key a column.</li>
 * </ul>
 * Prints, per run, deliveries (or claims) per second and the machine's CPU (all processes, from /proc/stat: the
 * database server's too when it is PostgreSQL) per delivery. Usage: bench/ledger-floor/run.
 */
public class LedgerFloorProbe {

    /** The delivery table's secondary indexes that a first attempt's statements do not read. */
    static final List<String> UNREAD_INDEXES = List.of("delivery_due", "delivery_sink_status", "delivery_event",
            "delivery_finished", "delivery_subscription_seq");

    /** Where to measure; {@code dir} is the H2 file's temporary directory (null for PostgreSQL). */
    record Target(String url, String user, String password, Path dir) {
    }

    public static void main(String[] args) throws Exception {
        java.util.logging.Logger.getLogger("").setLevel(java.util.logging.Level.WARNING); // Flyway's progress
        Path migrations = Path.of(args[0]);
        int rounds = Integer.parseInt(args[1]);
        int threads = Integer.parseInt(args[2]);
        int warmup = Integer.parseInt(args[3]);
        int measured = Integer.parseInt(args[4]);
        String pgUrl = System.getenv("LEDGER_PG_URL");
        List<String> variants = List.of(args.length > 5 ? args[5].split(",")
                : new String[] {"ledger", "line-index-only", "one-commit"});
        System.out.printf(Locale.ROOT, "database=%s threads=%d warmup=%d measured=%d body_bytes=1000 sinks=100"
                + " subscriptions=100 subjects=5000%n", pgUrl == null ? "h2-file-write-delay-0" : "postgresql",
                threads, warmup, measured);
        for (int round = 1; round <= rounds; round++) {
            for (String variant : variants) {
                Target target = pgUrl == null ? h2() : new Target(pgUrl, System.getenv("LEDGER_PG_USER"),
                        System.getenv("LEDGER_PG_PASSWORD"), null);
                try {
                    prepare(target, migrations, variant);
                    run(target, round, variant, threads, warmup, measured);
                } finally {
                    deleted(target.dir()); // a run's H2 file holds 45 s of chunks: gigabytes after 100,000 claims
                }
            }
        }
    }

    static Target h2() throws Exception {
        Path dir = Files.createTempDirectory("ledger-floor");
        // as run.sh opens the embedded database: a commit is written to the file before it returns (docs/adr/0013)
        // LEDGER_H2_OPTIONS: more settings for the URL, e.g. ";PAGE_SIZE=1024"
        return new Target("jdbc:h2:file:" + dir.resolve("tidings") + ";WRITE_DELAY=0"
                + System.getenv().getOrDefault("LEDGER_H2_OPTIONS", ""), "tidings", "tidings", dir);
    }

    /** Deletes a run's H2 directory (its last connection closed the database). */
    static void deleted(Path dir) throws java.io.IOException {
        if (dir == null) {
            return;
        }
        try (var paths = Files.walk(dir)) {
            for (Path path : paths.sorted(java.util.Comparator.reverseOrder()).toList()) {
                Files.delete(path);
            }
        }
    }

    static void prepare(Target target, Path migrations, String variant) throws SQLException {
        var flyway = Flyway.configure().dataSource(target.url(), target.user(), target.password())
                .locations("filesystem:" + migrations).cleanDisabled(false).load();
        if (!target.url().startsWith("jdbc:h2:")) {
            flyway.clean();
        }
        flyway.migrate();
        try (Connection c = connect(target); Statement s = c.createStatement()) {
            if (variant.equals("claim-no-age-index")) {
                s.execute("DROP INDEX accepted_event_age");
            }
            if (variant.equals("claim-clustered")) {
                // the record keyed by the first 8 bytes of its key (on H2 a BIGINT key is the rows' own b-tree: no
                // separate index of the key), the whole key a column
                s.execute("CREATE TABLE accepted_event_clustered (short_key BIGINT PRIMARY KEY,"
                        + " event_key BYTEA NOT NULL, accepted_at TIMESTAMP WITH TIME ZONE NOT NULL,"
                        + " claimant VARCHAR(200), numbers BYTEA, released BOOLEAN DEFAULT FALSE NOT NULL)");
                s.execute("CREATE INDEX accepted_event_clustered_age ON accepted_event_clustered (accepted_at)");
            }
            if (variant.equals("line-index-only")) {
                for (String index : UNREAD_INDEXES) {
                    s.execute("DROP INDEX " + index);
                }
            }
        }
    }

    static Connection connect(Target target) throws SQLException {
        return DriverManager.getConnection(target.url(), target.user(), target.password());
    }

    static void run(Target target, int round, String variant, int threads, int warmup, int measured)
            throws Exception {
        UUID[] sinks = new UUID[100];
        UUID[] subscriptions = new UUID[100];
        try (Connection c = connect(target)) {
            var sink = c.prepareStatement("INSERT INTO sink (id, name, channel, endpoint, created_at)"
                    + " VALUES (?, 'probe', 'WEBHOOK', 'http://127.0.0.1:9/hooks', CURRENT_TIMESTAMP)");
            var counter = c.prepareStatement("INSERT INTO subscription_sequence (subscription_id, last_seq, pruned_seq,"
                    + " acked_seq) VALUES (?, 0, 0, 0)");
            for (int i = 0; i < sinks.length; i++) {
                sinks[i] = UUID.randomUUID();
                subscriptions[i] = UUID.randomUUID();
                sink.setObject(1, sinks[i]);
                sink.executeUpdate();
                counter.setObject(1, subscriptions[i]);
                counter.executeUpdate();
            }
        }
        byte[] body = new byte[1000];
        Arrays.fill(body, (byte) 'x');
        boolean claims = variant.startsWith("claim") || variant.equals("numbers-only");
        UUID[] counters = claims ? counters(target, 10_000) : subscriptions;
        int workerCount = variant.equals("claim-grouped") ? 1 : threads;
        int perCommit = variant.equals("claim-grouped") ? 8 : 1;
        int total = warmup + measured;
        var next = new AtomicInteger();
        var warmedUp = new CountDownLatch(1); // counted down by the worker that takes the first measured notification
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        List<Future<?>> workers = new ArrayList<>();
        for (int t = 0; t < workerCount; t++) {
            workers.add(pool.submit(() -> {
                try (Connection c = connect(target)) {
                    c.setAutoCommit(false);
                    var notifications = new Notifications(c, variant.equals("one-commit"));
                    var store = new AcceptanceStore();
                    var clustered = !variant.equals("claim-clustered") ? null : c.prepareStatement("INSERT INTO"
                            + " accepted_event_clustered (short_key, event_key, accepted_at, claimant, numbers)"
                            + " SELECT ?, ?, CAST(? AS TIMESTAMP WITH TIME ZONE), CAST(? AS VARCHAR(200)),"
                            + " CAST(? AS BYTEA) WHERE NOT EXISTS (SELECT 1 FROM accepted_event_clustered"
                            + " WHERE short_key = ?)");
                    for (int i = next.getAndIncrement(); i < total; i = next.getAndIncrement()) {
                        if (i == warmup) {
                            warmedUp.countDown();
                        }
                        if (!claims) {
                            notifications.deliver(i, sinks[i % sinks.length], subscriptions[i % sinks.length], body);
                            continue;
                        }
                        UUID counted = counters[(int) ((i * 7919L) % counters.length)];
                        var key = AcceptanceKey.of("https://mail.example/store", "event-" + i);
                        var now = java.time.Instant.now();
                        if (variant.equals("claim-clustered")) {
                            long number = AcceptanceStore.next(c, counted);
                            byte[] k = key.bytes();
                            long shortKey = java.nio.ByteBuffer.wrap(k).getLong();
                            clustered.setLong(1, shortKey);
                            clustered.setBytes(2, k);
                            clustered.setObject(3, now.atOffset(java.time.ZoneOffset.UTC));
                            clustered.setString(4, "ID:" + UUID.randomUUID());
                            clustered.setBytes(5, java.nio.ByteBuffer.allocate(24).putLong(number).array());
                            clustered.setLong(6, shortKey);
                            if (clustered.executeUpdate() != 1) {
                                throw new IllegalStateException("event " + i + " claimed twice");
                            }
                        } else if (variant.equals("numbers-only")) {
                            // as Acceptances.unrecorded with security off: the number alone, no record
                            AcceptanceStore.next(c, counted);
                        } else if (variant.equals("claim-two-step")) {
                            // as Acceptances.claimedOnce before 2026-12-04: the claim, then the number
                            store.claimed(c, key, "ID:" + UUID.randomUUID(), false, now, now.minusSeconds(86_400));
                            store.numbered(c, key, List.of(counted));
                        } else {
                            // as Acceptances.claimedOnce for an event without a record: the number, then the record
                            if (store.claimedAfresh(c, key, "ID:" + UUID.randomUUID(), now, List.of(counted)) == null) {
                                throw new IllegalStateException("event " + i + " claimed twice");
                            }
                        }
                        if ((i + 1) % perCommit == 0 || i + 1 == total) {
                            c.commit();
                        }
                    }
                    c.commit();
                }
                return null;
            }));
        }
        warmedUp.await();
        long[] cpuBefore = machineCpu();
        long start = System.nanoTime();
        int first = next.get();
        for (Future<?> worker : workers) {
            worker.get();
        }
        double seconds = (System.nanoTime() - start) / 1e9;
        long[] cpuAfter = machineCpu();
        pool.shutdown();
        int done = total - first;
        double cpuMs = (cpuAfter[0] - cpuBefore[0]) * 1000.0 / cpuAfter[1];
        System.out.printf(Locale.ROOT, "round=%d variant=%s %s=%d per_s=%.0f machine_cpu_ms_per_%s=%.3f%n",
                round, variant, claims ? "claims" : "deliveries", done, done / seconds, claims ? "claim" : "delivery",
                cpuMs / done);
    }

    /** Sequence counters of {@code count} subscriptions, at 0, as a claim finds them. */
    static UUID[] counters(Target target, int count) throws SQLException {
        UUID[] ids = new UUID[count];
        try (Connection c = connect(target)) {
            c.setAutoCommit(false);
            var counter = c.prepareStatement("INSERT INTO subscription_sequence (subscription_id, last_seq, pruned_seq,"
                    + " acked_seq) VALUES (?, 0, 0, 0)");
            for (int i = 0; i < count; i++) {
                ids[i] = UUID.randomUUID();
                counter.setObject(1, ids[i]);
                counter.addBatch();
            }
            counter.executeBatch();
            c.commit();
        }
        return ids;
    }

    /** The statements of one notification, on one connection. */
    static final class Notifications {
        final Connection c;
        final boolean oneCommit;
        final PreparedStatement byId;
        final PreparedStatement lineHeld;
        final PreparedStatement lockById;
        final PreparedStatement counter;
        final PreparedStatement counterNext;
        final PreparedStatement insert;
        final PreparedStatement lockAgain;
        final PreparedStatement sink;
        final PreparedStatement delivered;

        Notifications(Connection c, boolean oneCommit) throws SQLException {
            this.c = c;
            this.oneCommit = oneCommit;
            byId = c.prepareStatement("SELECT position, status FROM delivery WHERE notification_id = ? LIMIT 1");
            lineHeld = c.prepareStatement("SELECT position FROM delivery WHERE sink_id = ? AND ordering_key = ?"
                    + " AND status = 'WAITING' AND position < ? UNION ALL SELECT position FROM delivery WHERE"
                    + " sink_id = ? AND ordering_key = ? AND status = 'SENDING' AND position < ? LIMIT 1");
            lockById = c.prepareStatement("SELECT position, status FROM delivery WHERE notification_id = ? FOR UPDATE");
            counter = c.prepareStatement("SELECT last_seq FROM subscription_sequence WHERE subscription_id = ?"
                    + " FOR UPDATE");
            counterNext = c.prepareStatement("UPDATE subscription_sequence SET last_seq = ? WHERE subscription_id = ?");
            insert = c.prepareStatement("INSERT INTO delivery (notification_id, sink_id, subscription_id, ordering_key,"
                    + " subject, event_key, event_source, event_id, body, status, attempts, next_attempt_at,"
                    + " last_status, last_answer, created_at, updated_at, seq, retrying)"
                    + " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, FALSE)", new String[] {"position"});
            lockAgain = c.prepareStatement("SELECT position, status FROM delivery WHERE notification_id = ?"
                    + " FOR UPDATE");
            sink = c.prepareStatement("SELECT * FROM sink WHERE id = ?");
            delivered = c.prepareStatement("UPDATE delivery SET status = 'DELIVERED', body = NULL, attempts = 1,"
                    + " next_attempt_at = NULL, last_status = 200, last_answer = '200', updated_at = ? WHERE position = ?");
        }

        void deliver(int i, UUID sinkId, UUID subscriptionId, byte[] body) throws SQLException {
            String id = "msg_" + UUID.randomUUID();
            String orderingKey = String.format(Locale.ROOT, "%064x", i % 5000);
            var now = java.time.OffsetDateTime.now();
            // the outlook
            byId.setString(1, id);
            try (ResultSet rs = byId.executeQuery()) {
                if (rs.next()) {
                    throw new IllegalStateException("a fresh notification id was found: " + id);
                }
            }
            for (int k = 0; k < 2; k++) {
                lineHeld.setObject(3 * k + 1, sinkId);
                lineHeld.setString(3 * k + 2, orderingKey);
                lineHeld.setLong(3 * k + 3, Long.MAX_VALUE);
            }
            try (ResultSet rs = lineHeld.executeQuery()) {
                rs.next();
            }
            sink.setObject(1, sinkId);
            try (ResultSet rs = sink.executeQuery()) {
                rs.next();
            }
            c.commit();
            // the SENDING record (or, one-commit, the outcome at once)
            lockById.setString(1, id);
            try (ResultSet rs = lockById.executeQuery()) {
                if (rs.next()) {
                    throw new IllegalStateException("a fresh notification id was found: " + id);
                }
            }
            counter.setObject(1, subscriptionId);
            long seq;
            try (ResultSet rs = counter.executeQuery()) {
                rs.next();
                seq = rs.getLong(1) + 1;
            }
            counterNext.setLong(1, seq);
            counterNext.setObject(2, subscriptionId);
            counterNext.executeUpdate();
            insert.setString(1, id);
            insert.setObject(2, sinkId);
            insert.setObject(3, subscriptionId);
            insert.setString(4, orderingKey);
            insert.setString(5, "mailbox/user" + (i % 5000));
            insert.setString(6, String.format(Locale.ROOT, "%064x", (long) i * 7919));
            insert.setString(7, "https://mail.example/store");
            insert.setString(8, "event-" + i);
            insert.setBytes(9, oneCommit ? null : body);
            insert.setString(10, oneCommit ? "DELIVERED" : "SENDING");
            insert.setInt(11, oneCommit ? 1 : 0);
            insert.setObject(12, oneCommit ? null : now.plusSeconds(30));
            insert.setObject(13, oneCommit ? 200 : null);
            insert.setString(14, oneCommit ? "200" : null);
            insert.setObject(15, now);
            insert.setObject(16, now);
            insert.setLong(17, seq);
            insert.executeUpdate();
            long position;
            try (ResultSet keys = insert.getGeneratedKeys()) {
                keys.next();
                position = keys.getLong(1);
            }
            c.commit();
            if (oneCommit) {
                return;
            }
            // the outcome
            lockAgain.setString(1, id);
            try (ResultSet rs = lockAgain.executeQuery()) {
                rs.next();
            }
            sink.setObject(1, sinkId);
            try (ResultSet rs = sink.executeQuery()) {
                rs.next();
            }
            delivered.setObject(1, java.time.OffsetDateTime.now());
            delivered.setLong(2, position);
            delivered.executeUpdate();
            c.commit();
        }
    }

    /** The machine's busy CPU time in clock ticks, and ticks per second. */
    static long[] machineCpu() throws Exception {
        String[] f = Files.readAllLines(Path.of("/proc/stat")).get(0).trim().split("\\s+");
        long busy = 0;
        for (int i = 1; i < f.length; i++) {
            if (i != 4 && i != 5) { // idle and iowait are not busy
                busy += Long.parseLong(f[i]);
            }
        }
        return new long[] {busy, 100};
    }
}
