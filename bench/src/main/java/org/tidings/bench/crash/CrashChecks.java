package org.tidings.bench.crash;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;

/**
 * The broker-side steps of bench/crash: wait for the moment to crash, time the resumption, wait for the pipeline
 * to settle, and the verdict. Each connects with the operator account; each loop is bounded by its timeout.
 */
final class CrashChecks {

    static final String EVENTS = "tidings.events";

    private CrashChecks() {
    }

    static int await(Map<String, String> o) throws Exception {
        long confirmed = Long.parseLong(o.get("confirmed"));
        long messages = Long.parseLong(o.get("messages"));
        long deadline = deadline(o);
        try (BrokerManagement broker = connect(o, 30)) {
            while (System.nanoTime() < deadline) {
                long sent = progress(Path.of(o.get("progress")));
                long queued = sent >= confirmed ? broker.messageCount(o.get("queue")) : -1;
                if (sent >= confirmed && queued >= messages) {
                    System.out.printf("[crash] crash point: %d confirmed by the broker, %d on %s%n", sent, queued,
                            o.get("queue"));
                    return 0;
                }
                TimeUnit.MILLISECONDS.sleep(50);
            }
        }
        System.out.println("[crash] the crash point was not reached in time");
        return 1;
    }

    static int resumed(Map<String, String> o) throws Exception {
        long timeout = Long.parseLong(o.get("timeout"));
        // waits for the broker as long as the script does; the resumption is timed from its first answer
        try (BrokerManagement broker = connect(o, 300)) {
            long back = System.nanoTime();
            long deadline = back + TimeUnit.SECONDS.toNanos(timeout);
            long before = Math.max(0, broker.messageCount(o.get("queue")));
            System.out.printf("[crash] broker answers again; %d on %s, %d on %s%n", before, o.get("queue"),
                    broker.messageCount(EVENTS), EVENTS);
            while (System.nanoTime() < deadline) {
                long now = broker.messageCount(o.get("queue"));
                if (now > before) {
                    System.out.printf("[crash] consumption resumed %.1f s after the broker came back (%d -> %d)%n",
                            (System.nanoTime() - back) / 1e9, before, now);
                    return 0;
                }
                TimeUnit.MILLISECONDS.sleep(100);
            }
            System.out.printf("[crash] consumption did NOT resume within %d s: %d on %s, %d on %s%n", timeout,
                    broker.messageCount(o.get("queue")), o.get("queue"), broker.messageCount(EVENTS), EVENTS);
            return 1;
        }
    }

    static int settle(Map<String, String> o) throws Exception {
        long expected = Long.parseLong(o.get("expected"));
        long started = System.nanoTime();
        long deadline = deadline(o);
        try (BrokerManagement broker = connect(o, 30)) {
            long lastChange = System.nanoTime();
            long lastReport = lastChange;
            long previousEvents = -2;
            long previousSink = -2;
            while (System.nanoTime() < deadline) {
                long events = broker.messageCount(EVENTS);
                long sink = broker.messageCount(o.get("queue"));
                long now = System.nanoTime();
                if (events != previousEvents || sink != previousSink) {
                    previousEvents = events;
                    previousSink = sink;
                    lastChange = now;
                }
                boolean quiet = now - lastChange > TimeUnit.SECONDS.toNanos(events == 0 ? 5 : 60);
                if (events == 0 && sink >= expected || quiet) {
                    System.out.printf("[crash] %s after %.1f s: %d on %s, %d of %d on %s%n",
                            events == 0 && sink >= expected ? "settled" : "no progress", (now - started) / 1e9,
                            events, EVENTS, sink, expected, o.get("queue"));
                    return 0;
                }
                if (now - lastReport > TimeUnit.SECONDS.toNanos(10)) {
                    lastReport = now;
                    System.out.printf("[crash] settling: %d on %s, %d of %d on %s%n", events, EVENTS, sink, expected,
                            o.get("queue"));
                }
                TimeUnit.MILLISECONDS.sleep(200);
            }
        }
        System.out.println("[crash] not settled before the timeout");
        return 0;
    }

    static int verify(Map<String, String> o) throws Exception {
        String queue = o.get("queue");
        Set<String> accepted = new TreeSet<>(Files.readAllLines(Path.of(o.get("accepted")), StandardCharsets.UTF_8));
        accepted.remove("");
        try (BrokerManagement broker = connect(o, 30)) {
            long queued = broker.messageCount(queue);
            SinkTally tally = queued > 0 ? SinkTally.drain(broker.session(), queue, queued) : new SinkTally();
            long undrained = Math.max(0, broker.messageCount(queue));
            long eventsLeft = broker.messageCount(EVENTS);
            List<String> prepared = broker.preparedTransactions();
            int delivered = 0;
            List<String> lost = new ArrayList<>();
            for (String id : accepted) {
                if (tally.copies().containsKey(id)) {
                    delivered++;
                } else {
                    lost.add(id);
                }
            }
            long unexpected = tally.copies().keySet().stream().filter(id -> !accepted.contains(id)).count();
            int duplicates = tally.notifications() - tally.withoutId() - tally.copies().size();
            System.out.printf("[crash] sink held %d notifications (%d without an event id, %d for ids never confirmed"
                    + " to the sender, %d left after draining); %s: %d; tidings.rejected: %d; DLQ: %d; prepared"
                    + " transactions: %d%n", tally.notifications(), tally.withoutId(), unexpected, undrained, EVENTS,
                    eventsLeft,
                    broker.messageCount("tidings.rejected"), broker.messageCount("DLQ"), prepared.size());
            if (!lost.isEmpty()) {
                System.out.println("[crash] lost, first ones: " + lost.subList(0, Math.min(10, lost.size())));
            }
            if (!prepared.isEmpty()) {
                String details = broker.preparedTransactionDetails();
                System.out.println("[crash] prepared on the broker: "
                        + (details.length() > 1500 ? details.substring(0, 1500) + "..." : details));
            }
            if (duplicates > 0) {
                System.out.println("[crash] sent more than once, first ones: " + tally.copies().entrySet().stream()
                        .filter(e -> e.getValue() > 1).limit(10).map(e -> e.getKey() + " x" + e.getValue()).toList());
            }
            WebhookLog webhooks = WebhookLog.read(Path.of(o.get("webhooks")), accepted);
            boolean webhooksPassed = webhooksPassed(webhooks, accepted);
            System.out.printf("[crash] order per subject: %d JMS notification(s) and %d webhook(s) arrived after a"
                    + " later event of their subject%n", tally.outOfOrder(), webhooks.outOfOrder());
            long seqGaps = sequenceGaps(tally, o.get("seq-state") == null ? null : Path.of(o.get("seq-state")));
            String line = String.format("crash accepted=%d delivered=%d lost=%d duplicates=%d"
                    + " duplicate_webhook_ids=%d out_of_order=%d seq_gaps=%d", accepted.size(), delivered, lost.size(),
                    duplicates, webhooks.duplicateWebhookIds(), tally.outOfOrder() + webhooks.outOfOrder(), seqGaps);
            Files.writeString(Path.of(o.get("result")), line + System.lineSeparator());
            boolean passed = !accepted.isEmpty() && lost.isEmpty() && duplicates == 0 && tally.withoutId() == 0
                    && undrained == 0 && eventsLeft == 0 && prepared.isEmpty() && webhooksPassed
                    && tally.outOfOrder() == 0 && webhooks.outOfOrder() == 0 && seqGaps == 0
                    && tally.withoutNumber() == 0 && tally.renumbered() == 0 && tally.sharedNumbers() == 0;
            return passed ? 0 : 1;
        }
    }

    /**
     * The JMS sink's sequence numbers (LEM-8), per subscription: every event one number, every copy of it the same,
     * no two events the same, and no number missing, within this scenario nor since the last number the previous
     * scenario saw (kept in {@code state}); how many numbers are missing. Writes each subscription's last number to
     * {@code state}.
     */
    private static long sequenceGaps(SinkTally tally, Path state) throws Exception {
        Map<String, long[]> ranges = tally.numberRanges();
        Map<String, Long> previous = new TreeMap<>();
        if (state != null && Files.exists(state)) {
            for (String line : Files.readAllLines(state, StandardCharsets.UTF_8)) {
                String[] fields = line.trim().split(" ");
                if (fields.length == 2) {
                    previous.put(fields[0], Long.parseLong(fields[1]));
                }
            }
        }
        long before = 0;
        long lowest = Long.MAX_VALUE;
        long highest = 0;
        for (var entry : ranges.entrySet()) {
            before += Math.max(0, entry.getValue()[0] - previous.getOrDefault(entry.getKey(), 0L) - 1);
            lowest = Math.min(lowest, entry.getValue()[0]);
            highest = Math.max(highest, entry.getValue()[1]);
            previous.put(entry.getKey(), entry.getValue()[1]);
        }
        long within = tally.gapsWithin();
        System.out.printf("[crash] sequence numbers on the JMS sink: %d subscription(s), numbers %s, %d missing within,"
                + " %d missing before (since the previous scenario's last, or 1); %d notification(s) without one, %d"
                + " copy(ies) under another number than their event's first, %d event(s) sharing a number%n",
                ranges.size(), ranges.isEmpty() ? "none" : lowest + ".." + highest, within, before,
                tally.withoutNumber(), tally.renumbered(), tally.sharedNumbers());
        if (state != null) {
            StringBuilder lines = new StringBuilder();
            previous.forEach((subscription, last) -> lines.append(subscription).append(' ').append(last).append('\n'));
            Files.writeString(state, lines);
        }
        return within + before;
    }

    /**
     * The webhook verdict: every accepted event answered 2xx at least once, each under one {@code webhook-id} only
     * (a repeated webhook-id is a duplicate a receiver drops; the same event under another id is not), every
     * signature verified, every body a CloudEvent with an id.
     */
    private static boolean webhooksPassed(WebhookLog webhooks, Set<String> accepted) {
        List<String> missing = webhooks.missing(accepted);
        List<String> underSeveralIds = webhooks.underSeveralIds();
        System.out.printf("[crash] webhook receiver: %d POSTs for these events, %d of %d accepted events answered"
                + " 2xx, %d webhook-id(s) answered 2xx more than once, %d event(s) under several webhook-ids, %d bad"
                + " signature(s), %d body(ies) without an event id%n", webhooks.posts(),
                accepted.size() - missing.size(), accepted.size(), webhooks.duplicateWebhookIds(),
                underSeveralIds.size(), webhooks.badSignatures(), webhooks.withoutEvent());
        if (!missing.isEmpty()) {
            System.out.println("[crash] webhook LOST (never answered 2xx), " + missing.size() + ", first ones: "
                    + missing.subList(0, Math.min(10, missing.size())));
        }
        if (!underSeveralIds.isEmpty()) {
            System.out.println("[crash] webhook delivered under several webhook-ids, first ones: "
                    + underSeveralIds.subList(0, Math.min(10, underSeveralIds.size())));
        }
        return missing.isEmpty() && underSeveralIds.isEmpty() && webhooks.badSignatures() == 0
                && webhooks.withoutEvent() == 0;
    }

    private static BrokerManagement connect(Map<String, String> o, double seconds) throws Exception {
        return BrokerManagement.connect(o.get("url"), o.get("admin-user"), o.get("admin-password"), seconds);
    }

    private static long deadline(Map<String, String> o) {
        return System.nanoTime() + TimeUnit.SECONDS.toNanos(Long.parseLong(o.get("timeout")));
    }

    private static long progress(Path file) throws Exception {
        try {
            return Long.parseLong(Files.readString(file).trim());
        } catch (NoSuchFileException | NumberFormatException e) {
            return 0;
        }
    }
}
