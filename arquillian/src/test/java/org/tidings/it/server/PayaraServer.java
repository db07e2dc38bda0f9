package org.tidings.it.server;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;

/**
 * One Payara Server domain of the unpacked distribution, driven the way an operator drives it: asadmin create-domain,
 * start-domain, deploy, stop-domain. The domain lives in its own directory, on a port base where every port it could
 * open is free, confined to loopback before its first start (DomainXml).
 */
public final class PayaraServer {

    private static final String DOMAIN = "tidings";
    /**
     * What create-domain puts on the port base: +9 debugger, +37/+38/+39 IIOP (plain, SSL, mutual auth), +48 admin,
     * +49/+59 Hazelcast (DAS, members), +66 OSGi shell, +76 OpenMQ, +80 HTTP, +81 HTTPS, +86 JMX.
     */
    private static final List<Integer> PORT_OFFSETS = List.of(9, 37, 38, 39, 48, 49, 59, 66, 76, 80, 81, 86);

    private final Path work;
    private final int portBase;
    private final Asadmin asadmin;
    private final Thread reaper = new Thread(this::abandon, "payara-server-reaper");
    private volatile ProcessHandle process;

    private PayaraServer(Path home, Path work, int portBase) {
        this.work = work;
        this.portBase = portBase;
        this.asadmin = new Asadmin(home, work, () -> serverLogTail(60));
    }

    /** Creates the domain in work/domains and prepares it; nothing runs yet. */
    public static PayaraServer create(Path home, Path work, Map<String, String> systemProperties) {
        var server = new PayaraServer(home, work, freePortBase());
        // From here on, whatever happens (a failure, an aborted run), nothing of this domain may outlive this JVM.
        Runtime.getRuntime().addShutdownHook(server.reaper);
        // --checkports=false: freePortBase() has checked them, on loopback only
        server.local("create-domain", "--domaindir", server.domains().toString(),
                "--portbase", Integer.toString(server.portBase), "--nopassword=true", "--checkports=false", DOMAIN);
        DomainXml.read(server.domains().resolve(DOMAIN).resolve("config/domain.xml"))
                .confinedToLoopback().withMaxHeap("768m").withSystemProperties(systemProperties).write();
        return server;
    }

    public void start() {
        try {
            local("start-domain", "--domaindir", domains().toString(), DOMAIN);
        } finally {
            process = readPid().flatMap(ProcessHandle::of).orElse(null);
        }
        if (process == null) {
            throw new IllegalStateException("the domain started but its process is not there; see " + serverLog());
        }
    }

    /** Deploys an archive under a name; a resource adapter first, then the application (MDB00017 otherwise). */
    public void deploy(Path archive, String name, String... options) {
        List<String> arguments = new ArrayList<>(List.of("--name", name));
        Collections.addAll(arguments, options);
        arguments.add(archive.toString());
        remote("deploy", arguments.toArray(String[]::new));
    }

    /** Stops the domain and waits for its process to be gone; kills it if it does not go. */
    public void stop() {
        if (process == null) {
            process = readPid().flatMap(ProcessHandle::of).orElse(null);
        }
        try {
            if (process != null && process.isAlive()) {
                local("stop-domain", "--domaindir", domains().toString(), DOMAIN);
                process.onExit().get(60, TimeUnit.SECONDS);
            }
        } catch (Exception e) {
            killIfRunning();
            throw new IllegalStateException("Payara Server " + pid() + " did not stop in time and was killed", e);
        } finally {
            killIfRunning();
            Runtime.getRuntime().removeShutdownHook(reaper);
        }
    }

    public long pid() {
        return process == null ? 0 : process.pid();
    }

    public int portBase() {
        return portBase;
    }

    public String baseUrl() {
        return "http://127.0.0.1:" + (portBase + 80);
    }

    private Path serverLog() {
        return domains().resolve(DOMAIN).resolve("logs/server.log");
    }

    /** The last lines of server.log, for a failure message. */
    private String serverLogTail(int lines) {
        try {
            List<String> all = Files.exists(serverLog()) ? Files.readAllLines(serverLog()) : List.of();
            return String.join("\n", all.subList(Math.max(0, all.size() - lines), all.size()));
        } catch (IOException e) {
            return "(cannot read " + serverLog() + ": " + e + ")";
        }
    }

    /** A command against the running domain's admin listener, on loopback. */
    private void remote(String subcommand, String... arguments) {
        asadmin.run(List.of("--host", "127.0.0.1", "--port", Integer.toString(portBase + 48)), subcommand, arguments);
    }

    private void local(String subcommand, String... arguments) {
        asadmin.run(List.of(), subcommand, arguments);
    }

    /** This JVM is going away mid-run (Ctrl-C, a fork killed on timeout): nothing of the domain may outlive it. */
    private void abandon() {
        asadmin.abandon();
        if (process == null) {
            process = readPid().flatMap(ProcessHandle::of).orElse(null);
        }
        killIfRunning();
    }

    /** The handle remembers the process's start time, so a recycled pid is never taken for the server. */
    private void killIfRunning() {
        if (process != null && process.isAlive()) {
            process.destroyForcibly();
            process.onExit().join();
        }
    }

    private Optional<Long> readPid() {
        Path file = domains().resolve(DOMAIN).resolve("config/pid");
        try {
            return Files.exists(file) ? Optional.of(Long.parseLong(Files.readString(file).trim())) : Optional.empty();
        } catch (IOException | NumberFormatException e) {
            return Optional.empty();
        }
    }

    private Path domains() {
        return work.resolve("domains");
    }

    /** A port base below the ephemeral range where nothing listens on any port the domain could open. */
    private static int freePortBase() {
        List<Integer> bases = new ArrayList<>(IntStream.range(200, 320).map(base -> base * 100).boxed().toList());
        Collections.shuffle(bases, ThreadLocalRandom.current());
        return bases.stream().filter(base -> PORT_OFFSETS.stream().allMatch(offset -> free(base + offset)))
                .findFirst().orElseThrow(() -> new IllegalStateException("no free port base in 20000-31999"));
    }

    private static boolean free(int port) {
        try (var socket = new ServerSocket(port, 1, InetAddress.getLoopbackAddress())) {
            return true;
        } catch (IOException taken) {
            return false;
        }
    }
}
