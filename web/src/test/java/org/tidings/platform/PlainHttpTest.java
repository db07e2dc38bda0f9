package org.tidings.platform;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import jakarta.servlet.http.HttpServletRequest;
import java.lang.reflect.Proxy;
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
            "::ffff:10.0.0.1", "localhost", "face", "127.0.0.1.example.com", "", "999.1.1.1", "127.0.0.256", "::ffff:999.0.0.1",
            "not an address"})
    void everyOtherPeerIsRefusedPlainHttpUnlessTheProfileSaysAny(String peer) {
        assertThat(PlainHttp.LOOPBACK.servesPlain(peer)).isFalse();
        assertThat(PlainHttp.ANY.servesPlain(peer)).isTrue();
    }

    @Test
    void aRequestIsOverTlsOnlyWhenTheContainerHasTheConnectionsCipherSuite() {
        assertThat(PlainHttp.overTls(request(true, "TLS_AES_128_GCM_SHA256"))).isTrue();
        assertThat(PlainHttp.overTls(request(true, null)))
                .as("secure by the client's word alone (HTTP/2's :scheme on a plain connection)").isFalse();
        assertThat(PlainHttp.overTls(request(false, null))).isFalse();
        assertThat(PlainHttp.NONE.serves(request(true, null))).isFalse();
        assertThat(PlainHttp.NONE.serves(request(true, "TLS_AES_128_GCM_SHA256"))).isTrue();
    }

    /** A request as the container describes it: secure or not, a cipher suite or none, from 10.0.0.1. */
    private static HttpServletRequest request(boolean secure, String cipherSuite) {
        return (HttpServletRequest) Proxy.newProxyInstance(PlainHttpTest.class.getClassLoader(),
                new Class<?>[] {HttpServletRequest.class}, (proxy, method, arguments) -> switch (method.getName()) {
                    case "isSecure" -> secure;
                    case "getAttribute" -> "jakarta.servlet.request.cipher_suite".equals(arguments[0]) ? cipherSuite : null;
                    case "getRemoteAddr" -> "10.0.0.1";
                    default -> throw new UnsupportedOperationException(method.getName());
                });
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
