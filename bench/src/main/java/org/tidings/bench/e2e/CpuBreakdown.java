package org.tidings.bench.e2e;

import java.io.IOException;
import java.nio.file.Path;
import java.time.LocalTime;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import jdk.jfr.consumer.RecordedEvent;
import jdk.jfr.consumer.RecordedFrame;
import jdk.jfr.consumer.RecordingFile;

/**
 * Where a JVM spent its CPU during a Flight Recording: the share of execution samples whose stack passes through
 * each part of the stack (inclusive, so one sample can count for several parts), and the hottest leaf methods.
 * bench/e2e runs it on the recordings of Payara Micro and of the broker when E2E_PROFILE=1; the figures in
 * docs/adr/0007 come from it. Usage: {@code CpuBreakdown <recording.jfr> [top N [from to]]}, where from and to
 * (HH:MM:SS, local time, as bench/e2e's log lines) keep only the samples of that window of the recording's day, for
 * example the throughput phase without the provisioning before it.
 */
public final class CpuBreakdown {

    /** Parts of the stack, by package prefix; first match names a leaf's part, any match counts inclusively. */
    private static final Map<String, List<String>> PARTS = new LinkedHashMap<>();

    static {
        PARTS.put("CloudEvent JSON parsing (Jackson, CloudEvents SDK)", List.of("io.cloudevents.jackson",
                "io.cloudevents.core", "com.fasterxml.jackson"));
        PARTS.put("matching (Tidings index, CESQL)", List.of("org.tidings.subscriptions.control", "io.cloudevents.sql"));
        PARTS.put("Tidings event path (other)", List.of("org.tidings.ingest", "org.tidings.delivery",
                "org.tidings.platform"));
        PARTS.put("EJB and MDB container", List.of("com.sun.ejb", "org.glassfish.ejb"));
        PARTS.put("JTA / JTS", List.of("com.sun.jts", "com.sun.enterprise.transaction"));
        PARTS.put("JCA connection pool", List.of("com.sun.enterprise.resource", "com.sun.enterprise.connectors",
                "com.sun.appserv.connectors"));
        PARTS.put("Artemis resource adapter", List.of("org.apache.activemq.artemis.ra"));
        PARTS.put("Artemis JMS and core client", List.of("org.apache.activemq.artemis.jms.client",
                "org.apache.activemq.artemis.core.client"));
        PARTS.put("Artemis journal and I/O", List.of("org.apache.activemq.artemis.core.journal",
                "org.apache.activemq.artemis.core.io", "org.apache.activemq.artemis.core.persistence"));
        PARTS.put("Artemis routing, queues, duplicate ids", List.of("org.apache.activemq.artemis.core.server",
                "org.apache.activemq.artemis.core.postoffice", "org.apache.activemq.artemis.core.transaction"));
        PARTS.put("Artemis protocol and remoting", List.of("org.apache.activemq.artemis.core.protocol",
                "org.apache.activemq.artemis.core.remoting", "org.apache.activemq.artemis.spi"));
        PARTS.put("Netty", List.of("io.netty"));
        PARTS.put("CDI (Weld)", List.of("org.jboss.weld"));
        PARTS.put("JPA and JDBC", List.of("org.hibernate", "org.h2", "org.postgresql"));
        PARTS.put("HTTP (Grizzly, Jersey)", List.of("org.glassfish.grizzly", "org.glassfish.jersey"));
        PARTS.put("JDK HTTP client (webhook POSTs)", List.of("java.net.http", "jdk.internal.net.http"));
        PARTS.put("HMAC and AES (signatures, sealed secrets)", List.of("javax.crypto", "com.sun.crypto"));
        PARTS.put("logging", List.of("java.util.logging", "com.sun.enterprise.server.logging"));
    }

    private CpuBreakdown() {
    }

    public static void main(String[] args) throws IOException {
        int topN = args.length > 1 ? Integer.parseInt(args[1]) : 15;
        LocalTime from = args.length > 3 ? LocalTime.parse(args[2]) : LocalTime.MIN;
        LocalTime to = args.length > 3 ? LocalTime.parse(args[3]) : LocalTime.MAX;
        Map<String, Integer> inclusive = new LinkedHashMap<>();
        Map<String, Integer> leaves = new TreeMap<>();
        Map<String, Integer> methods = new TreeMap<>();
        int samples = 0;
        for (RecordedEvent event : RecordingFile.readAllEvents(Path.of(args[0]))) {
            if (!event.getEventType().getName().equals("jdk.ExecutionSample") || event.getStackTrace() == null) {
                continue;
            }
            LocalTime at = LocalTime.ofInstant(event.getStartTime(), ZoneId.systemDefault());
            if (at.isBefore(from) || at.isAfter(to)) {
                continue;
            }
            List<String> frames = new ArrayList<>();
            for (RecordedFrame frame : event.getStackTrace().getFrames()) {
                frames.add(frame.getMethod().getType().getName() + "." + frame.getMethod().getName());
            }
            if (frames.isEmpty()) {
                continue;
            }
            samples++;
            leaves.merge(frames.get(0), 1, Integer::sum);
            new HashSet<>(frames).forEach(f -> methods.merge(f, 1, Integer::sum));
            PARTS.forEach((part, prefixes) -> {
                if (frames.stream().anyMatch(f -> prefixes.stream().anyMatch(f::startsWith))) {
                    inclusive.merge(part, 1, Integer::sum);
                }
            });
        }
        System.out.printf("%d execution samples in %s%n", samples, args[0]);
        int total = Math.max(1, samples);
        inclusive.entrySet().stream().sorted(Map.Entry.<String, Integer>comparingByValue().reversed())
                .forEach(e -> System.out.printf("  %5.1f%%  %s%n", 100.0 * e.getValue() / total, e.getKey()));
        System.out.println("hottest leaf methods:");
        leaves.entrySet().stream().sorted(Map.Entry.<String, Integer>comparingByValue().reversed()).limit(topN)
                .forEach(e -> System.out.printf("  %5.1f%%  %s%n", 100.0 * e.getValue() / total, e.getKey()));
        System.out.println("methods the most samples pass through (inclusive, outside the JDK and thread plumbing):");
        methods.entrySet().stream().filter(e -> !e.getKey().startsWith("java.") && !e.getKey().startsWith("jdk."))
                .sorted(Map.Entry.<String, Integer>comparingByValue().reversed()).limit(3L * topN)
                .forEach(e -> System.out.printf("  %5.1f%%  %s%n", 100.0 * e.getValue() / total, e.getKey()));
    }
}
