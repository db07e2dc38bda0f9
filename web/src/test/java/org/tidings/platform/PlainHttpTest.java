package org.tidings.platform;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The HTTP security profile's decision (tidings.http.plain); TlsIT shows it on a running server. */
class PlainHttpTest {

    @ParameterizedTest
    @ValueSource(strings = {"127.0.0.1", "127.1.2.3", "::1", "0:0:0:0:0:0:0:1", "[::1]", "::ffff:127.0.0.1"})
    void loopbackPeersGetPlainHttpByDefault(String peer) {
        assertThat(PlainHttp.LOOPBACK.servesPlain(peer)).isTrue();
        assertThat(PlainHttp.NONE.servesPlain(peer)).as("none: HTTPS only, also from loopback").isFalse();
    }

    @ParameterizedTest
    @ValueSource(strings = {"10.0.0.1", "192.168.1.20", "172.17.0.1", "0.0.0.0", "::", "fe80::1%eth0", "2001:db8::1",
            "::ffff:10.0.0.1", "localhost", "face", "127.0.0.1.example.com", "", "999.1.1.1", "not an address"})
    void everyOtherPeerIsRefusedPlainHttpUnlessTheProfileSaysAny(String peer) {
        assertThat(PlainHttp.LOOPBACK.servesPlain(peer)).isFalse();
        assertThat(PlainHttp.ANY.servesPlain(peer)).isTrue();
    }

    @Test
    void aMissingPeerAddressIsNotLoopback() {
        assertThat(PlainHttp.LOOPBACK.servesPlain(null)).isFalse();
    }

    @Test
    void theProfileIsReadInAnyCaseAndAnUnknownOneNamesTheValuesAllowed() {
        assertThat(PlainHttp.parse(" Any ")).isEqualTo(PlainHttp.ANY);
        assertThat(PlainHttp.parse("none")).isEqualTo(PlainHttp.NONE);
        assertThat(PlainHttp.parse("LOOPBACK")).isEqualTo(PlainHttp.LOOPBACK);
        assertThatThrownBy(() -> PlainHttp.parse("https")).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("tidings.http.plain must be one of [loopback, any, none], not https");
    }
}
