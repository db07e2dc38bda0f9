package org.tidings.bench.e2e;

import java.nio.charset.StandardCharsets;
import java.util.function.IntFunction;

/**
 * The events both runs send: structured-mode JSON CloudEvents of about {@value #TARGET_BYTES} bytes, each with a
 * unique id made of this run's prefix and a sequence number, so a receiver can tell which send it answers from
 * the id alone. Event {@code n} is about subject {@code n * 7919 mod subjects}: every subject in turn, in an
 * order that does not follow the subscriptions' creation order. The webhook phases choose their own subjects.
 */
final class BenchEvents {

    static final String TYPE = "org.example.mail.MessageNew";
    static final int TARGET_BYTES = 1024;
    private static final long STRIDE = 7919; // a prime, so the sequence visits every subject

    private final String idPrefix;
    private final String source;
    private final IntFunction<String> subjectOfSequence;

    BenchEvents(String runId, String source, int subjects) {
        this(runId, source, sequence -> subjectOf(spread(sequence, subjects)));
    }

    /** Events whose subject, by sequence number, is {@code subjectOfSequence}'s. */
    BenchEvents(String runId, String source, IntFunction<String> subjectOfSequence) {
        this.idPrefix = "e2e-" + runId + "-";
        this.source = source;
        this.subjectOfSequence = subjectOfSequence;
    }

    static String subjectOf(int user) {
        return subjectOf("user", user);
    }

    static String subjectOf(String kind, int n) {
        return "mailto:" + kind + n + "@example.com";
    }

    /** {@code sequence * 7919 mod subjects}: every one of {@code subjects} in turn, out of creation order. */
    static int spread(int sequence, int subjects) {
        return (int) (sequence * STRIDE % subjects);
    }

    String source() {
        return source;
    }

    String id(int sequence) {
        return idPrefix + sequence;
    }

    /** The sequence number in an id of this run, or -1 for any other id. */
    int sequenceOf(String id) {
        if (id == null || !id.startsWith(idPrefix)) {
            return -1;
        }
        try {
            return Integer.parseInt(id, idPrefix.length(), id.length(), 10);
        } catch (NumberFormatException e) {
            return -1;
        }
    }

    String subject(int sequence) {
        return subjectOfSequence.apply(sequence);
    }

    /** What a source would set so the broker drops a re-sent copy: {@code <source> <id>}. */
    String duplicateId(int sequence) {
        return source + " " + id(sequence);
    }

    String body(int sequence) {
        var json = new StringBuilder(TARGET_BYTES + 64)
                .append("{\"specversion\":\"1.0\",\"id\":\"").append(id(sequence))
                .append("\",\"source\":\"").append(source)
                .append("\",\"type\":\"").append(TYPE)
                .append("\",\"subject\":\"").append(subject(sequence))
                .append("\",\"time\":\"2026-11-30T08:00:00Z\",\"datacontenttype\":\"application/json\"")
                .append(",\"data\":{\"mailbox\":\"INBOX\",\"uid\":").append(sequence)
                .append(",\"size\":48213,\"flags\":[\"\\\\Recent\"],\"summary\":\"");
        String tail = "\"}}";
        int padding = TARGET_BYTES - json.toString().getBytes(StandardCharsets.UTF_8).length - tail.length();
        for (int i = 0; i < padding; i++) {
            json.append((char) ('a' + i % 26));
        }
        return json.append(tail).toString();
    }
}
