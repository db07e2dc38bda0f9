package org.tidings.it.server;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/** The distribution's asadmin, run with this JVM's Java, one command at a time, each with a timeout and a log file. */
final class Asadmin {

    private static final Duration TIMEOUT = Duration.ofMinutes(3);

    private final Path home;
    private final Path work;
    private final Supplier<String> serverLog;
    private int commands;
    private volatile Process inProgress;
    private volatile boolean abandoned;

    /** serverLog: what to add to a failure message (the end of the domain's server.log). */
    Asadmin(Path home, Path work, Supplier<String> serverLog) {
        this.home = home;
        this.work = work;
        this.serverLog = serverLog;
    }

    void run(List<String> globalOptions, String subcommand, String... arguments) {
        List<String> command = new ArrayList<>(List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                // keeps asadmin's client cache (.gfclient) out of the user's home directory
                "-Duser.home=" + work.resolve("asadmin-home"),
                "-jar", home.resolve("glassfish/lib/client/appserver-cli.jar").toString(),
                "--interactive=false"));
        command.addAll(globalOptions);
        command.add(subcommand);
        Collections.addAll(command, arguments);
        String line = "asadmin " + subcommand + " " + String.join(" ", arguments);
        try {
            Path output = Files.createDirectories(work.resolve("asadmin"))
                    .resolve(String.format("%02d-%s.log", ++commands, subcommand));
            var builder = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(output.toFile());
            builder.environment().keySet().removeIf(variable -> variable.startsWith("AS_ADMIN_"));
            builder.environment().put("AS_JAVA", System.getProperty("java.home"));
            long started = System.nanoTime();
            Process asadmin = builder.start();
            inProgress = asadmin;
            if (abandoned) { // abandon() ran before it could see this command
                kill(asadmin);
                throw new IllegalStateException("stopped " + line + ": this JVM is shutting down");
            }
            if (!asadmin.waitFor(TIMEOUT.toSeconds(), TimeUnit.SECONDS)) {
                kill(asadmin);
                asadmin.waitFor(10, TimeUnit.SECONDS);
                throw new IllegalStateException(line + " took over " + TIMEOUT + "; see " + output
                        + "\nserver.log:\n" + serverLog.get());
            }
            System.out.printf("%s (%d ms, exit %d)%n%s%n", line, (System.nanoTime() - started) / 1_000_000,
                    asadmin.exitValue(), Files.readString(output));
            if (asadmin.exitValue() != 0) {
                throw new IllegalStateException(line + " failed:\n" + Files.readString(output)
                        + "\nserver.log:\n" + serverLog.get());
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /**
     * This JVM is going away mid-run: kills the command in progress with what it started (start-domain's server is
     * its child until start-domain returns), and refuses any further command.
     */
    void abandon() {
        abandoned = true;
        Process running = inProgress;
        if (running != null) {
            kill(running);
        }
    }

    private static void kill(Process asadmin) {
        asadmin.descendants().forEach(ProcessHandle::destroyForcibly);
        asadmin.destroyForcibly();
    }
}
