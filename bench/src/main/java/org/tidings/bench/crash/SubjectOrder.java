package org.tidings.bench.crash;

import java.util.HashMap;
import java.util.Map;

/**
 * Per-subject order as a receiver sees it. The events of a scenario are numbered ({@code <prefix>-<n>}) and sent in
 * that order, and what the broker confirms of them it accepts in that order too (ConfirmedSender resends in it), so
 * for one subject every notification must carry a higher number than the ones that arrived before it. Counts the
 * arrivals that break this; each event is to be passed once (its first copy). Numbers are compared within one
 * scenario (prefix) only: every scenario numbers from 0 on the same subjects, and a notification of an earlier
 * scenario can still reach the JMS sink during a later one's drain (an event its sender never had confirmed but the
 * broker kept), which says nothing about order.
 */
final class SubjectOrder {

    private final Map<String, Integer> highest = new HashMap<>();
    private int outOfOrder;

    void arrived(String subject, String eventId) {
        int dash = eventId.lastIndexOf('-');
        String line = eventId.substring(0, dash + 1) + " " + subject;
        int n = Integer.parseInt(eventId.substring(dash + 1));
        Integer before = highest.get(line);
        if (before != null && n < before) {
            outOfOrder++;
        } else {
            highest.put(line, n);
        }
    }

    int outOfOrder() {
        return outOfOrder;
    }
}
