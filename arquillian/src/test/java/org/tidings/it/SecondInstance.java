package org.tidings.it;

import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Another Payara Micro running the same WAR against the same broker and database, started by the test itself
 * (Arquillian manages one instance per deployment): what a second production instance is.
 */
final class SecondInstance implements AutoCloseable {

    private final int port;
    private final Process process;
    private final Path log;

    private SecondInstance(int port, Process process, Path log) {
        this.port = port;
        this.process = process;
        this.log = log;
    }

    static SecondInstance start() throws IOException {
        return start(Map.of());
    }

    /** Starts one with these system properties changed (another database URL, for instance). */
    static SecondInstance start(Map<String, String> properties) throws IOException {
        return start(properties, List.of());
    }

    /** Starts one with these system properties changed and these Payara Micro options added. */
    static SecondInstance start(Map<String, String> properties, List<String> options) throws IOException {
        int port = TestEnvironment.freePort();
        List<String> command = new ArrayList<>();
        command.add(ProcessHandle.current().info().command().orElse("java"));
        command.addAll(TestEnvironment.MICRO_JVM_OPTIONS);
        command.addAll(List.of("-jar", System.getProperty("payara.microJar"),
                "--deploy", System.getProperty("tidings.it.war")));
        command.addAll(TestEnvironment.microArguments(port, TestEnvironment.properties(properties)));
        command.addAll(options);
        Path log = TestEnvironment.work().resolve("second-instance-" + port + ".log");
        Process process = new ProcessBuilder(command)
                .redirectErrorStream(true)
                .redirectOutput(log.toFile())
                .start();
        var instance = new SecondInstance(port, process, log);
        var api = new AdminApi(instance.baseUrl());
        await().atMost(Duration.ofMinutes(5)).pollInterval(Duration.ofSeconds(1))
                .until(() -> {
                    if (!process.isAlive()) {
                        throw new IllegalStateException("second Payara Micro exited with " + process.exitValue());
                    }
                    return reachable(api);
                });
        return instance;
    }

    /** Its server log (standard output and error). */
    Path log() {
        return log;
    }

    /** Its plain HTTP port on 127.0.0.1. */
    int port() {
        return port;
    }

    String baseUrl() {
        return "http://127.0.0.1:" + port;
    }

    @Override
    public void close() throws InterruptedException {
        process.destroy();
        if (!process.waitFor(90, TimeUnit.SECONDS)) {
            process.destroyForcibly().waitFor(30, TimeUnit.SECONDS);
        }
    }

    /** Tidings answers: an administrator's call, or its refusal of plain HTTP (tidings.http.plain=none). */
    private static boolean reachable(AdminApi api) {
        try {
            var reply = api.get("/api/sources");
            return reply.status() == 200 || reply.status() == 403 && "tls-required".equals(reply.code());
        } catch (RuntimeException notYet) {
            return false;
        }
    }
}
