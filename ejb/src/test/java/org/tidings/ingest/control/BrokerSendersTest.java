package org.tidings.ingest.control;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.tidings.platform.ErrorCode;
import org.tidings.platform.TidingsException;
import org.tidings.sources.control.SourceUris;

class BrokerSendersTest {

    private static final String MAIL = "https://mail.example.com/store";
    private static final String CALENDAR = "https://calendar.example.com/";

    private final SourceUris sources = new SourceUris();
    private final BrokerSenders senders = new BrokerSenders("tidings", sources::spokenForBy);

    BrokerSendersTest() {
        sources.replaced(Map.of(UUID.randomUUID(), MAIL, UUID.randomUUID(), CALENDAR, UUID.randomUUID(),
                "https://nobody.example.com/"), Map.of());
        sources.present(UUID.randomUUID(), "https://relay.example.com/a", "relay");
        sources.present(UUID.randomUUID(), "https://relay.example.com/b", "relay");
        sources.present(UUID.randomUUID(), "https://MAIL.example.com/store", "mail-store"); // another spelling
    }

    @Test
    void aSourcesOwnBrokerUserSpeaksForIt() {
        assertThatCode(() -> senders.requireSpeaksFor("mail-store", key(MAIL))).doesNotThrowAnyException();
    }

    @Test
    void aBrokerUserNamingAnotherSourceIsAForgery() {
        assertRefused("mail-store", CALENDAR, ErrorCode.FORGED_SOURCE);
    }

    @Test
    void aSourceWithoutBrokerUserHasNoSenderOnTheBroker() {
        assertRefused("mail-store", "https://nobody.example.com/", ErrorCode.FORGED_SOURCE);
    }

    @Test
    void oneBrokerUserMaySpeakForSeveralSources() {
        assertThatCode(() -> senders.requireSpeaksFor("relay", key("https://relay.example.com/a")))
                .doesNotThrowAnyException();
        assertThatCode(() -> senders.requireSpeaksFor("relay", key("https://relay.example.com/b")))
                .doesNotThrowAnyException();
        assertRefused("relay", MAIL, ErrorCode.FORGED_SOURCE);
    }

    @Test
    void tidingsOwnAccountSpeaksForEverySource() {
        assertThatCode(() -> senders.requireSpeaksFor("tidings", key(CALENDAR))).doesNotThrowAnyException();
    }

    @Test
    void noSenderIsRefusedAsUnauthenticated() {
        assertRefused(null, MAIL, ErrorCode.UNAUTHENTICATED_SENDER);
        assertRefused("", MAIL, ErrorCode.UNAUTHENTICATED_SENDER);
    }

    @Test
    void userNamesAreComparedExactly() {
        assertRefused("Mail-Store", MAIL, ErrorCode.FORGED_SOURCE);
        assertRefused("Tidings", CALENDAR, ErrorCode.FORGED_SOURCE);
    }

    @Test
    void aSourceWhoseBrokerUserWasTakenAwayIsNoLongerSpokenFor() {
        UUID id = UUID.randomUUID();
        sources.present(id, "https://moved.example.com/", "mover");
        sources.present(id, "https://moved.example.com/", null);

        assertRefused("mover", "https://moved.example.com/", ErrorCode.FORGED_SOURCE);
    }

    @Test
    void aDeletedSourceTakesItsBrokerUserWithIt() {
        UUID id = UUID.randomUUID();
        sources.present(id, "https://gone.example.com/", "goner");
        sources.absent(id);
        sources.present(UUID.randomUUID(), "https://gone.example.com/");

        assertRefused("goner", "https://gone.example.com/", ErrorCode.FORGED_SOURCE);
    }

    private String key(String uri) {
        return sources.resolved(uri);
    }

    private void assertRefused(String sender, String source, ErrorCode code) {
        assertThatThrownBy(() -> senders.requireSpeaksFor(sender, key(source)))
                .isInstanceOfSatisfying(TidingsException.class, e -> assertThat(e.code()).isEqualTo(code));
    }
}
