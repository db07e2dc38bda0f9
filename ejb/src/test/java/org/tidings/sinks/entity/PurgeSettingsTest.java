package org.tidings.sinks.entity;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.URI;
import java.time.Instant;
import java.util.Collections;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class PurgeSettingsTest {

    private static final List<URI> ONE = List.of(URI.create("http://127.0.0.1:6081"));

    @Test
    void defaultsApplyToWhatIsNotGivenAndASinkKeepsItsSettings() {
        var settings = PurgeSettings.of(List.of(URI.create("http://127.0.0.1:6081"),
                URI.create("https://cache.example.com/")), null, "XBAN", null, null, null);
        assertThat(settings).isEqualTo(new PurgeSettings(settings.caches(), "PURGE", "XBAN", "X-Ban-Prefix", null, null));
        var sink = Sink.purge("varnish", settings, null, 500, Instant.now());
        assertThat(sink.channel()).isEqualTo(Channel.PURGE);
        assertThat(sink.purgeSettings()).isEqualTo(settings);
        assertThat(sink.readTimeoutMillis()).isEqualTo(500);
    }

    @ParameterizedTest
    @ValueSource(strings = {"ftp://127.0.0.1/", "/relative", "http:opaque", "http://user:pw@127.0.0.1/",
            "http://127.0.0.1/?q=1", "http://127.0.0.1/#f"})
    void aCacheMustBeAnAbsoluteHttpUrlWithAHostAndNothingElse(String cache) {
        assertThatThrownBy(() -> PurgeSettings.of(List.of(URI.create(cache)), null, null, null, null, null))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("each cache");
    }

    @Test
    void thereAreOneToSixteenCaches() {
        assertThatThrownBy(() -> PurgeSettings.of(List.of(), null, null, null, null, null)).hasMessageContaining("1 to 16");
        List<URI> seventeen = Collections.nCopies(17, ONE.get(0));
        assertThatThrownBy(() -> PurgeSettings.of(seventeen, null, null, null, null, null)).hasMessageContaining("1 to 16");
        assertThat(PurgeSettings.of(Collections.nCopies(16, ONE.get(0)), null, null, null, null, null).caches()).hasSize(16);
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "PUR GE", "PURGE\r\nX: y", "BAN:", "XXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXX"})
    void methodsAndTheBanHeaderAreHttpTokens(String token) {
        assertThatThrownBy(() -> PurgeSettings.of(ONE, token, null, null, null, null)).hasMessageContaining("purgeMethod");
        assertThatThrownBy(() -> PurgeSettings.of(ONE, null, token, null, null, null)).hasMessageContaining("banMethod");
        assertThatThrownBy(() -> PurgeSettings.of(ONE, null, null, token, null, null)).hasMessageContaining("banHeader");
    }

    @ParameterizedTest
    @ValueSource(strings = {"Host", "content-length", "Transfer-Encoding", "CONNECTION", "Keep-Alive", "TE",
        "Upgrade", "Expect"})
    void theBanHeaderIsNotOneThatFramesOrRoutesTheRequest(String header) {
        assertThatThrownBy(() -> PurgeSettings.of(ONE, null, null, header, null, null))
                .isInstanceOf(IllegalArgumentException.class).hasMessageStartingWith("banHeader must not be")
                .hasMessageEndingWith(header);
        assertThat(PurgeSettings.of(ONE, null, null, "X-" + header, null, null).banHeader()).isEqualTo("X-" + header);
    }

    @ParameterizedTest
    @ValueSource(strings = {"CONNECT", "connect"})
    void neitherMethodIsConnectWhichTheClientRefusesToSendAsARequest(String method) {
        assertThatThrownBy(() -> PurgeSettings.of(ONE, method, null, null, null, null))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("CONNECT");
        assertThatThrownBy(() -> PurgeSettings.of(ONE, null, method, null, null, null))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("CONNECT");
    }

    @Test
    void surrogateKeysAreOffUnlessAKeyHeaderIsGivenAndTheirMethodDefaultsToPurge() {
        assertThat(PurgeSettings.of(ONE, null, null, null, null, null).keyHeader()).isNull();
        assertThat(PurgeSettings.of(ONE, null, null, null, null, null).keyMethod()).isNull();
        var keys = PurgeSettings.of(ONE, null, null, null, "xkey-purge", null);
        assertThat(keys.keyHeader()).isEqualTo("xkey-purge");
        assertThat(keys.keyMethod()).isEqualTo("PURGE");
        var surrogate = PurgeSettings.of(ONE, null, null, null, "Surrogate-Key", "XKEYPURGE");
        var sink = Sink.purge("fastly-like", surrogate, null, null, Instant.now());
        assertThat(sink.purgeSettings()).isEqualTo(surrogate);
        assertThatThrownBy(() -> PurgeSettings.of(ONE, null, null, null, null, "PURGE"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("keyMethod needs a keyHeader");
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "x key", "xkey\r\nX: y", "xkey:", "XXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXX"})
    void theKeyHeaderAndMethodAreHttpTokens(String token) {
        assertThatThrownBy(() -> PurgeSettings.of(ONE, null, null, null, token, null)).hasMessageContaining("keyHeader");
        assertThatThrownBy(() -> PurgeSettings.of(ONE, null, null, null, "xkey", token))
                .hasMessageContaining("keyMethod");
    }

    @ParameterizedTest
    @ValueSource(strings = {"Host", "content-length", "Transfer-Encoding", "CONNECTION", "Keep-Alive", "TE",
        "Upgrade", "Expect"})
    void theKeyHeaderIsNotOneThatFramesOrRoutesTheRequest(String header) {
        assertThatThrownBy(() -> PurgeSettings.of(ONE, null, null, null, header, null))
                .isInstanceOf(IllegalArgumentException.class).hasMessageStartingWith("keyHeader must not be")
                .hasMessageEndingWith(header);
    }

    @ParameterizedTest
    @ValueSource(strings = {"CONNECT", "connect"})
    void theKeyMethodIsNotConnect(String method) {
        assertThatThrownBy(() -> PurgeSettings.of(ONE, null, null, null, "xkey", method))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("CONNECT");
    }
}
