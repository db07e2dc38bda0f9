package org.tidings.audit.entity;

import java.time.temporal.TemporalAccessor;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.regex.Pattern;

/**
 * What an audited method did, told from its action, its arguments and what it returned (docs/adr/0020): the target
 * is the {@link AuditTarget} it returned, else its first {@link UUID} argument; the summary is the target's
 * {@link AuditSummary}, a count it returned, and the arguments its author marked as details, each shown only if it is
 * a plain value or an {@link AuditSummary}. Nothing else of the arguments is ever looked at, so a secret passed to an
 * audited method stays out of the log unless someone marks it as a detail and it is a plain string.
 */
public record AuditedChange(String action, String targetType, String targetId, String summary) {

    /** {@code target-type.verb}, both lower case words joined by hyphens: "sink.create", "sink.rotate-secret". */
    private static final Pattern ACTION = Pattern.compile("([a-z]+(?:-[a-z]+)*)\\.[a-z]+(?:-[a-z]+)*");
    static final String NOT_SHOWN = "(not shown)";

    public AuditedChange {
        if (!ACTION.matcher(action).matches() || action.length() > 60) {
            throw new IllegalArgumentException("an audited action is target-type.verb, not " + action);
        }
        if (summary != null) {
            summary = AuditRecord.cut(summary, AuditRecord.SUMMARY_CHARS);
        }
    }

    /**
     * The change a method made, or nothing if it answered {@code false}: it found nothing to change (a dead letter
     * that is not there), and its caller refuses the request.
     *
     * @param details for each argument, the name under which the summary shows it, or null to leave it out
     */
    public static Optional<AuditedChange> of(String action, Object[] arguments, String[] details, Object result) {
        if (Boolean.FALSE.equals(result) || Integer.valueOf(0).equals(result) || Long.valueOf(0).equals(result)
                || result instanceof AuditTarget target && !target.auditedChangeMade()) {
            return Optional.empty(); // nothing changed: false, a count of none, or a target that says so
        }
        var matcher = ACTION.matcher(action);
        String targetType = matcher.matches() ? matcher.group(1) : action;
        List<String> parts = new ArrayList<>();
        String targetId;
        if (result instanceof AuditTarget target) {
            targetId = String.valueOf(target.id());
            parts.add(target.auditSummary());
        } else {
            targetId = firstId(arguments);
        }
        if (result instanceof Integer || result instanceof Long) {
            parts.add("count=" + result);
        }
        for (int i = 0; i < arguments.length && i < details.length; i++) {
            if (details[i] != null) {
                parts.add(details[i] + "=" + shown(arguments[i]));
            }
        }
        parts.removeIf(part -> part == null || part.isEmpty());
        return Optional.of(new AuditedChange(action, targetType, targetId,
                parts.isEmpty() ? null : String.join(", ", parts)));
    }

    private static String firstId(Object[] arguments) {
        for (Object argument : arguments) {
            if (argument instanceof UUID id) {
                return id.toString();
            }
        }
        return null;
    }

    /** A detail as the log shows it: plain values as they are, summaries as they say, anything else not at all. */
    static String shown(Object value) {
        if (value == null || value instanceof String || value instanceof Number || value instanceof Boolean
                || value instanceof UUID || value instanceof Enum<?> || value instanceof TemporalAccessor) {
            return String.valueOf(value);
        }
        if (value instanceof AuditSummary summary) {
            return summary.auditSummary();
        }
        return NOT_SHOWN;
    }
}
