package org.tidings.bench.crash;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.HashMap;
import java.util.Map;
import java.util.TreeSet;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

/**
 * The steps of bench/crash that talk to Tidings and the broker; the script starts, kills and restarts the processes
 * between them. Run as {@code java -cp benchmarks.jar org.tidings.bench.crash.Crash <step> --option value ...}:
 * <ul>
 * <li>{@code provision --http <base> --users <n> --webhook-url <url> --secret <file>}: source, JMS sink, one
 *     subscription per user, a webhook sink with one subscription for every event; prints the JMS sink's id and the
 *     webhook sink's id; writes the webhook secret to the file.</li>
 * <li>{@code receive --port <p> --secret <file> --log <file>}: the {@link WebhookReceiver}, until stopped.</li>
 * <li>{@code send --prefix <p> --count <n> --users <n> --rate <per s> --in-flight <n> --accepted <file>
 *     --progress <file> --timeout <s>}: sends unique events until the broker confirmed all (see
 *     {@link ConfirmedSender}); writes the confirmed ids and, while it runs, their number.</li>
 * <li>{@code await --progress <file> --confirmed <n> --queue <q> --messages <n> --timeout <s>}: returns once the
 *     sender has that many confirmed and the queue holds that many messages (the moment to crash something).</li>
 * <li>{@code resumed --queue <q> --timeout <s>}: started before the broker comes back; prints how long after the
 *     broker answered the sink queue grew again.</li>
 * <li>{@code settle --queue <q> --expected <n> --timeout <s>}: waits until tidings.events is empty and the sink
 *     has all it will get.</li>
 * <li>{@code webhook-settle --http <base> --sink <id> --log <file> --accepted <file> --timeout <s>}: waits until
 *     the receiver answered 2xx for every accepted event and the webhook sink's backlog is empty.</li>
 * <li>{@code verify --queue <q> --accepted <file> --webhooks <file> --result <file>}: drains the sink, counts,
 *     checks the broker and the receiver's log; writes the {@code crash accepted=...} line; exits 1 if anything is
 *     wrong.</li>
 * </ul>
 * Every step takes {@code --url tcp://127.0.0.1:<port>}; the sender uses {@code --user/--password} (the
 * application's account), the others {@code --admin-user/--admin-password} (an operator account).
 */
public final class Crash {

    private Crash() {
    }

    public static void main(String[] args) throws Exception {
        if (args.length == 0) {
            System.err.println("usage: Crash provision|receive|send|await|resumed|settle|webhook-settle|verify"
                    + " --option value ...");
            System.exit(2);
        }
        Map<String, String> options = options(args);
        int status = switch (args[0]) {
            case "provision" -> provision(options);
            case "receive" -> WebhookReceiver.run(options);
            case "send" -> send(options);
            case "await" -> CrashChecks.await(options);
            case "resumed" -> CrashChecks.resumed(options);
            case "settle" -> CrashChecks.settle(options);
            case "webhook-settle" -> WebhookChecks.settle(options);
            case "verify" -> CrashChecks.verify(options);
            default -> throw new IllegalArgumentException("unknown step " + args[0]);
        };
        System.exit(status);
    }

    private static int provision(Map<String, String> options) throws Exception {
        AdminApi.Sinks sinks = new AdminApi(options.get("http")).provision(Integer.parseInt(options.get("users")),
                options.get("webhook-url"), Path.of(options.get("secret")));
        System.out.println(sinks.jms() + " " + sinks.webhook());
        return 0;
    }

    private static int send(Map<String, String> options) throws Exception {
        CrashEvents events = new CrashEvents(options.get("prefix"), Integer.parseInt(options.get("users")));
        int count = Integer.parseInt(options.get("count"));
        Path progress = Path.of(options.get("progress"));
        long started = System.nanoTime();
        long deadline = started + TimeUnit.SECONDS.toNanos(Long.parseLong(options.get("timeout")));
        var reporter = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread thread = new Thread(r, "progress");
            thread.setDaemon(true);
            return thread;
        });
        try (ConfirmedSender sender = new ConfirmedSender(options.get("url"), options.get("user"),
                options.get("password"), Integer.parseInt(options.get("in-flight")))) {
            reporter.scheduleWithFixedDelay(() -> written(progress, sender.confirmed().size()), 0, 50,
                    TimeUnit.MILLISECONDS);
            sender.send(events, count, Integer.parseInt(options.get("rate")), deadline);
            reporter.shutdownNow();
            Files.write(Path.of(options.get("accepted")), new TreeSet<>(sender.confirmed()), StandardCharsets.UTF_8);
            written(progress, sender.confirmed().size());
            System.out.printf("[crash] sender: %d confirmed, %d unconfirmed, %d connection(s); all sent once after"
                    + " %.1f s, done after %.1f s%n", sender.confirmed().size(), sender.unconfirmedCount(),
                    sender.reconnects(), sender.firstPassSeconds(), (System.nanoTime() - started) / 1e9);
            return sender.unconfirmedCount() == 0 ? 0 : 1;
        }
    }

    private static void written(Path progress, int confirmed) {
        try {
            Path next = progress.resolveSibling(progress.getFileName() + ".next");
            Files.writeString(next, Integer.toString(confirmed));
            Files.move(next, progress, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (Exception e) {
            System.err.println("[crash] cannot write progress: " + e);
        }
    }

    private static Map<String, String> options(String[] args) {
        Map<String, String> options = new HashMap<>();
        for (int i = 1; i + 1 < args.length; i += 2) {
            if (!args[i].startsWith("--")) {
                throw new IllegalArgumentException("expected --option, found " + args[i]);
            }
            options.put(args[i].substring(2), args[i + 1]);
        }
        return options;
    }
}
