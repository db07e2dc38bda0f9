package org.tidings.sinks.entity;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Map;
import java.util.function.Supplier;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;
import org.tidings.delivery.webhook.Sealer;

/** What a webhook sink may present to its receiver, and that no refusal or description repeats a value. */
class ReceiverCredentialsTest {

    private static final String SECRET = "s3cr3t-V4lue";

    @Test
    void basicCredentialsAreTheUtf8UserAndPasswordInBase64() {
        var basic = ReceiverCredentials.basic("relay", "pässwörd " + SECRET);

        assertThat(basic.type()).isEqualTo(ReceiverCredentials.Type.BASIC);
        assertThat(basic.headerName()).isEqualTo("Authorization");
        assertThat(basic.headerValue()).isEqualTo("Basic " + Base64.getEncoder().encodeToString(
                ("relay:pässwörd " + SECRET).getBytes(StandardCharsets.UTF_8)));
    }

    @Test
    void aBearerTokenAndACustomHeaderAreSentAsGiven() {
        String jwt = "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJ0aWRpbmdzIn0.c2lnbmF0dXJl";
        assertThat(ReceiverCredentials.bearer(jwt).headerValue()).isEqualTo("Bearer " + jwt);
        assertThat(ReceiverCredentials.bearer("YWJj==").headerValue()).isEqualTo("Bearer YWJj==");

        var header = ReceiverCredentials.header("X-Api-Key", "key " + SECRET);
        assertThat(header.type()).isEqualTo(ReceiverCredentials.Type.HEADER);
        assertThat(header.headerName()).isEqualTo("X-Api-Key");
        assertThat(header.headerValue()).isEqualTo("key " + SECRET);
        assertThat(ReceiverCredentials.header("Authorization", "ApiKey " + SECRET).headerName())
                .as("a scheme of the receiver's own").isEqualTo("Authorization");
    }

    @Test
    void thePlaintextThatIsSealedGivesTheHeaderBack() {
        for (var credentials : new ReceiverCredentials[] {ReceiverCredentials.basic("u", SECRET),
                ReceiverCredentials.bearer(SECRET), ReceiverCredentials.header("X-Token", "a b " + SECRET)}) {
            assertThat(ReceiverCredentials.headerOf(credentials.plaintext()))
                    .isEqualTo(Map.of(credentials.headerName(), credentials.headerValue()));
        }
        assertThatThrownBy(() -> ReceiverCredentials.headerOf(SECRET))
                .isInstanceOf(IllegalArgumentException.class).hasMessageNotContaining(SECRET);
        assertThatThrownBy(() -> ReceiverCredentials.headerOf("\n" + SECRET))
                .isInstanceOf(IllegalArgumentException.class).hasMessageNotContaining(SECRET);
    }

    @Test
    void theDescriptionNamesTheTypeAndHeaderButNoValue() {
        assertThat(ReceiverCredentials.basic("relay-user", SECRET).toString())
                .isEqualTo("ReceiverCredentials[basic, header Authorization]").doesNotContain("relay-user");
        assertThat(ReceiverCredentials.bearer(SECRET).toString()).doesNotContain(SECRET);
        assertThat(ReceiverCredentials.header("X-Api-Key", SECRET).toString()).doesNotContain(SECRET);
    }

    static Stream<Arguments> refused() {
        String tooLong = "a".repeat(4097);
        return Stream.of(
                Arguments.of("empty user", (Supplier<?>) () -> ReceiverCredentials.basic("", SECRET)),
                Arguments.of("user with ':'", (Supplier<?>) () -> ReceiverCredentials.basic("a:" + SECRET, "p")),
                Arguments.of("user too long", (Supplier<?>) () -> ReceiverCredentials.basic("u".repeat(257), SECRET)),
                Arguments.of("null password", (Supplier<?>) () -> ReceiverCredentials.basic("u", null)),
                Arguments.of("empty password", (Supplier<?>) () -> ReceiverCredentials.basic("u", "")),
                Arguments.of("password with LF", (Supplier<?>) () -> ReceiverCredentials.basic("u", SECRET + "\n")),
                Arguments.of("password with CR", (Supplier<?>) () -> ReceiverCredentials.basic("u", "\r" + SECRET)),
                Arguments.of("password with NUL", (Supplier<?>) () -> ReceiverCredentials.basic("u", SECRET + "\0")),
                Arguments.of("password with a lone surrogate", (Supplier<?>) () -> ReceiverCredentials.basic("u",
                        SECRET + "\ud83d")),
                Arguments.of("user with a lone surrogate", (Supplier<?>) () -> ReceiverCredentials.basic("\ude00u",
                        SECRET)),
                Arguments.of("password too long", (Supplier<?>) () -> ReceiverCredentials.basic("u",
                        SECRET + "p".repeat(256))),
                Arguments.of("empty token", (Supplier<?>) () -> ReceiverCredentials.bearer("")),
                Arguments.of("token with space", (Supplier<?>) () -> ReceiverCredentials.bearer(SECRET + " x")),
                Arguments.of("token with CRLF", (Supplier<?>) () -> ReceiverCredentials.bearer(SECRET + "\r\nX: y")),
                Arguments.of("token with '=' inside", (Supplier<?>) () -> ReceiverCredentials.bearer("a=" + SECRET)),
                Arguments.of("token too long", (Supplier<?>) () -> ReceiverCredentials.bearer(SECRET + tooLong)),
                Arguments.of("Host", (Supplier<?>) () -> ReceiverCredentials.header("Host", SECRET)),
                Arguments.of("host", (Supplier<?>) () -> ReceiverCredentials.header("host", SECRET)),
                Arguments.of("Content-Length", (Supplier<?>) () -> ReceiverCredentials.header("Content-Length",
                        SECRET)),
                Arguments.of("Content-Type", (Supplier<?>) () -> ReceiverCredentials.header("Content-Type", SECRET)),
                Arguments.of("Transfer-Encoding", (Supplier<?>) () -> ReceiverCredentials.header("Transfer-Encoding",
                        SECRET)),
                Arguments.of("Connection", (Supplier<?>) () -> ReceiverCredentials.header("Connection", SECRET)),
                Arguments.of("User-Agent", (Supplier<?>) () -> ReceiverCredentials.header("User-Agent", SECRET)),
                Arguments.of("webhook-signature", (Supplier<?>) () -> ReceiverCredentials.header("Webhook-Signature",
                        SECRET)),
                Arguments.of("webhook-id", (Supplier<?>) () -> ReceiverCredentials.header("webhook-id", SECRET)),
                Arguments.of("name with space", (Supplier<?>) () -> ReceiverCredentials.header("X Key", SECRET)),
                Arguments.of("name with colon", (Supplier<?>) () -> ReceiverCredentials.header("X-Key:", SECRET)),
                Arguments.of("name too long", (Supplier<?>) () -> ReceiverCredentials.header("X".repeat(65), SECRET)),
                Arguments.of("empty name", (Supplier<?>) () -> ReceiverCredentials.header("", SECRET)),
                Arguments.of("value with CRLF", (Supplier<?>) () -> ReceiverCredentials.header("X-Key",
                        SECRET + "\r\nHost: evil.example")),
                Arguments.of("value with LF", (Supplier<?>) () -> ReceiverCredentials.header("X-Key", SECRET + "\n")),
                Arguments.of("value with tab", (Supplier<?>) () -> ReceiverCredentials.header("X-Key", SECRET
                        + "\tx")),
                Arguments.of("value not ASCII", (Supplier<?>) () -> ReceiverCredentials.header("X-Key", SECRET
                        + "é")),
                Arguments.of("value with leading space", (Supplier<?>) () -> ReceiverCredentials.header("X-Key",
                        " " + SECRET)),
                Arguments.of("empty value", (Supplier<?>) () -> ReceiverCredentials.header("X-Key", "")),
                Arguments.of("value too long", (Supplier<?>) () -> ReceiverCredentials.header("X-Key",
                        SECRET + tooLong)));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource
    void refused(String what, Supplier<?> credentials) {
        assertThatThrownBy(credentials::get).isInstanceOf(IllegalArgumentException.class)
                .hasMessageNotContaining(SECRET);
    }

    @ParameterizedTest
    @ValueSource(ints = {1, 256})
    void aBasicUserAndPasswordMayHoldAnyPrintableCharacterUpToTheirLimit(int length) {
        String text = "é€ x".repeat(64).substring(0, length);
        assertThat(ReceiverCredentials.basic(text.replace(':', 'x'), text).type())
                .isEqualTo(ReceiverCredentials.Type.BASIC);
    }

    @ParameterizedTest
    @ValueSource(strings = {"https://hooks.example.com/in", "HTTPS://hooks.example.com/in", "http://127.0.0.1:8080/in",
        "http://127.0.0.2/in", "http://localhost/in", "http://LOCALHOST:9000/in", "http://[::1]:8080/in"})
    void credentialsGoOverTlsOrStayOnTheLoopbackInterface(String url) {
        ReceiverCredentials.requireConfidentialTransport(java.net.URI.create(url));
    }

    @ParameterizedTest
    @ValueSource(strings = {"http://hooks.example.com/in", "http://10.0.0.7/in", "http://[2001:db8::1]/in",
        "http://127.0.0.1.example.com/in", "http://localhost.example.com/in", "http://[::ffff:10.0.0.1]/in"})
    void credentialsAreNotSentInTheClearAcrossANetwork(String url) {
        assertThatThrownBy(() -> ReceiverCredentials.requireConfidentialTransport(java.net.URI.create(url)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("https");
    }

    @Test
    void theLongestCredentialsFitTheirPlaintextAndSealedColumns() {
        var longest = new ReceiverCredentials[] {
            ReceiverCredentials.basic("😀".repeat(128), "😀".repeat(128)),
            ReceiverCredentials.bearer("a".repeat(4096)),
            ReceiverCredentials.header("X".repeat(64), "v".repeat(4096))};
        var sealer = new Sealer(new byte[32]);
        for (var credentials : longest) {
            assertThat(credentials.plaintext().length()).isLessThanOrEqualTo(ReceiverCredentials.PLAINTEXT_CHARS);
            assertThat(sealer.seal(credentials.plaintext()).length()).isLessThanOrEqualTo(Sink.SEALED_AUTH_CHARS);
        }
    }
}
