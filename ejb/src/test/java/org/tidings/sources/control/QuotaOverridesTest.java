package org.tidings.sources.control;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.tidings.sources.entity.SourceQuota;

class QuotaOverridesTest {

    private final UUID mail = UUID.randomUUID();
    private final UUID calendar = UUID.randomUUID();
    private final QuotaOverrides overrides = new QuotaOverrides();

    @Test
    void aSourceWithoutItsOwnHasTheDefaults() {
        overrides.present(mail, new SourceQuota(5d, null, null));

        assertThat(overrides.of(List.of(calendar))).isEqualTo(SourceQuota.DEFAULTS);
        assertThat(overrides.of(List.of())).isEqualTo(SourceQuota.DEFAULTS);
        assertThat(overrides.of(List.of(mail))).isEqualTo(new SourceQuota(5d, null, null));
    }

    @Test
    void aChangeReplacesAndADeletionOrTheDefaultsRemove() {
        overrides.present(mail, new SourceQuota(5d, 10L, null));
        overrides.present(mail, new SourceQuota(null, 20L, 7L));
        assertThat(overrides.of(List.of(mail))).isEqualTo(new SourceQuota(null, 20L, 7L));

        overrides.present(mail, SourceQuota.DEFAULTS);
        assertThat(overrides.of(List.of(mail))).isEqualTo(SourceQuota.DEFAULTS);
        overrides.present(calendar, new SourceQuota(1d, null, null));
        overrides.present(calendar, null);
        assertThat(overrides.of(List.of(calendar))).isEqualTo(SourceQuota.DEFAULTS);
    }

    @Test
    void aReloadKeepsExactlyWhatIsGiven() {
        overrides.present(mail, new SourceQuota(5d, null, null));

        overrides.replaced(Map.of(calendar, new SourceQuota(null, 3L, null), mail, SourceQuota.DEFAULTS));

        assertThat(overrides.of(List.of(mail))).isEqualTo(SourceQuota.DEFAULTS);
        assertThat(overrides.of(List.of(calendar))).isEqualTo(new SourceQuota(null, 3L, null));
    }

    @Test
    void spellingsOfOneUriShareTheMostGenerousOfTheirQuotas() {
        overrides.present(mail, new SourceQuota(5d, 100L, null));
        overrides.present(calendar, new SourceQuota(50d, 10L, null));

        assertThat(overrides.of(List.of(mail, calendar))).isEqualTo(new SourceQuota(50d, 100L, null));
    }
}
