package org.tidings.bench.crash;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;

/**
 * The webhook side of settling: waits until the receiver answered 2xx for every accepted event of a scenario and
 * the webhook sink's backlog (notifications waiting in the delivery ledger) is empty, or until nothing changed for a
 * minute, or the timeout. Like the broker-side settle it never fails by itself: the verdict is the verify step's.
 */
final class WebhookChecks {

    private static final long QUIET_SECONDS = 60;

    private WebhookChecks() {
    }

    /** {@code webhook-settle --http <base> --sink <id> --log <file> --accepted <file> --timeout <s>}. */
    static int settle(Map<String, String> o) throws Exception {
        Set<String> accepted = accepted(Path.of(o.get("accepted")));
        Path log = Path.of(o.get("log"));
        AdminApi api = new AdminApi(o.get("http"));
        long started = System.nanoTime();
        long deadline = started + TimeUnit.SECONDS.toNanos(Long.parseLong(o.get("timeout")));
        long lastChange = started;
        long lastReport = started;
        String previous = "";
        while (System.nanoTime() < deadline) {
            List<String> unanswered = WebhookLog.read(log, accepted).missing(accepted);
            int missing = unanswered.size();
            long backlog = api.backlog(o.get("sink"));
            long now = System.nanoTime();
            String state = missing + "/" + backlog;
            if (!state.equals(previous)) {
                previous = state;
                lastChange = now;
            }
            boolean done = missing == 0 && backlog == 0;
            if (done || now - lastChange > TimeUnit.SECONDS.toNanos(QUIET_SECONDS)) {
                System.out.printf("[crash] webhooks %s after %.1f s: %d of %d accepted events not yet answered 2xx,"
                        + " backlog %d%n", done ? "settled" : "no progress", (now - started) / 1e9, missing,
                        accepted.size(), backlog);
                for (String id : unanswered.stream().limit(5).toList()) {
                    System.out.println("[crash] ledger of unanswered " + id + ": "
                            + api.deliveries(CrashEvents.SOURCE, id));
                }
                return 0;
            }
            if (now - lastReport > TimeUnit.SECONDS.toNanos(10)) {
                lastReport = now;
                System.out.printf("[crash] webhooks settling: %d of %d accepted events not yet answered 2xx,"
                        + " backlog %d%n", missing, accepted.size(), backlog);
            }
            TimeUnit.MILLISECONDS.sleep(500);
        }
        System.out.println("[crash] webhooks not settled before the timeout");
        return 0;
    }

    static Set<String> accepted(Path file) throws Exception {
        Set<String> accepted = new TreeSet<>(Files.readAllLines(file, StandardCharsets.UTF_8));
        accepted.remove("");
        return accepted;
    }
}
