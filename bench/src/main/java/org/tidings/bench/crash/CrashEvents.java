package org.tidings.bench.crash;

import java.util.Locale;

/**
 * The events of one scenario: unique ids {@code <prefix>-<n>}, one source, and subjects spread over as many users as
 * there are subscriptions, so each event matches exactly one subscription. Bodies are structured-mode JSON
 * CloudEvents of about 600 bytes (byte-exactness is another test's business: the data here is plain).
 */
final class CrashEvents {

    static final String SOURCE = "https://mail.crash.example.com/store";
    static final String TYPE = "org.example.mail.MessageNew";

    private static final String FILLER = "x".repeat(320);

    private final String prefix;
    private final int users;

    CrashEvents(String prefix, int users) {
        this.prefix = prefix;
        this.users = users;
    }

    static String subject(int user) {
        return "mailto:user" + user + "@crash.example.com";
    }

    /** The broker's duplicate id of an event: source, one space, id. */
    static String duplicateId(String id) {
        return SOURCE + " " + id;
    }

    String id(int n) {
        return String.format(Locale.ROOT, "%s-%05d", prefix, n);
    }

    String subjectOf(int n) {
        return subject(n % users);
    }

    String body(int n) {
        return "{\"specversion\":\"1.0\",\"id\":\"" + id(n) + "\",\"source\":\"" + SOURCE + "\",\"type\":\"" + TYPE
                + "\",\"subject\":\"" + subjectOf(n) + "\",\"time\":\"2026-11-30T06:00:00Z\","
                + "\"datacontenttype\":\"application/json\",\"data\":{\"mailbox\":\"INBOX\",\"uid\":" + n
                + ",\"note\":\"" + FILLER + "\"}}";
    }
}
