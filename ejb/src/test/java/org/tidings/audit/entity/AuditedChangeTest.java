package org.tidings.audit.entity;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;

class AuditedChangeTest {

    private static final UUID ID = UUID.fromString("00000000-0000-0000-0000-000000000001");
    private static final UUID OTHER = UUID.fromString("00000000-0000-0000-0000-000000000002");

    private record Thing(UUID id, String auditSummary) implements AuditTarget {
    }

    @Test
    void theTargetIsWhatTheMethodReturned() {
        var change = AuditedChange.of("sink.create", new Object[] {"n", OTHER}, new String[2],
                new Thing(ID, "name=n")).orElseThrow();

        assertThat(change).isEqualTo(new AuditedChange("sink.create", "sink", ID.toString(), "name=n"));
    }

    @Test
    void withoutATargetReturnedTheTargetIsTheFirstIdArgument() {
        var change = AuditedChange.of("source.delete", new Object[] {"x", ID, OTHER}, new String[3], null)
                .orElseThrow();

        assertThat(change.targetType()).isEqualTo("source");
        assertThat(change.targetId()).isEqualTo(ID.toString());
        assertThat(change.summary()).isNull();
    }

    @Test
    void theSummaryShowsTheMarkedArgumentsAndACountReturned() {
        Instant from = Instant.parse("2026-12-01T00:00:00Z");
        var change = AuditedChange.of("sink.redrive-dead-letters", new Object[] {ID, from, null},
                new String[] {null, "from", "to"}, 3).orElseThrow();

        assertThat(change.summary()).isEqualTo("count=3, from=2026-12-01T00:00:00Z, to=null");
    }

    @Test
    void aMethodThatFoundNothingToChangeRecordsNothing() {
        assertThat(AuditedChange.of("sink.discard-dead-letter", new Object[] {ID, "n1"},
                new String[] {null, "notification"}, false)).isEmpty();
        assertThat(AuditedChange.of("sink.discard-dead-letter", new Object[] {ID, "n1"},
                new String[] {null, "notification"}, true)).isPresent();
        assertThat(AuditedChange.of("sink.redrive-dead-letters", new Object[] {ID, null, null},
                new String[] {null, "from", "to"}, 0)).as("a count of none").isEmpty();
        var token = new org.tidings.trust.entity.AccessToken("prefix", "hash",
                org.tidings.trust.entity.PrincipalKind.SUBSCRIBER, OTHER, "label", Instant.EPOCH, null);
        assertThat(AuditedChange.of("token.revoke", new Object[] {ID}, new String[1], token)).isPresent();
        token.unchangedByThisCall(); // revoked already
        assertThat(AuditedChange.of("token.revoke", new Object[] {ID}, new String[1], token)).isEmpty();
    }

    @Test
    void onlyPlainValuesAndSummariesAreShownNothingElseOfAnArgument() {
        record Credentials(String password) {
        }
        AuditSummary summarized = () -> "auth=basic";
        for (var shown : Map.of("text", "text", 42, "42", true, "true", ID, ID.toString(), summarized, "auth=basic")
                .entrySet()) {
            assertThat(AuditedChange.shown(shown.getKey())).isEqualTo(shown.getValue());
        }
        for (Object hidden : List.of(new Credentials("hunter2"), new char[] {'s'}, new byte[] {1},
                List.of("hunter2"), Map.of("password", "hunter2"))) {
            assertThat(AuditedChange.shown(hidden)).isEqualTo(AuditedChange.NOT_SHOWN);
        }
    }

    @Test
    void aLongSummaryIsCutToItsColumn() {
        var change = AuditedChange.of("group.create", new Object[0], new String[0], new Thing(ID, "x".repeat(5000)))
                .orElseThrow();

        assertThat(change.summary()).hasSize(AuditRecord.SUMMARY_CHARS).endsWith("…");
    }

    @Test
    void anActionIsTargetTypeDotVerb() {
        for (String wrong : List.of("create", "Sink.create", "sink.", ".create", "sink create", "sink.create.x")) {
            assertThatThrownBy(() -> AuditedChange.of(wrong, new Object[0], new String[0], null)).as(wrong)
                    .isInstanceOf(IllegalArgumentException.class);
        }
        assertThat(AuditedChange.of("sink.rotate-secret", new Object[0], new String[0], null).orElseThrow()
                .targetType()).isEqualTo("sink");
        assertThat(AuditedChange.of("dead-letter.discard", new Object[0], new String[0], null).orElseThrow()
                .targetType()).isEqualTo("dead-letter");
    }
}
