package org.tidings.platform;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

class JsonBodiesTest {

    @Test
    void wellFormedUtf8JsonPasses() {
        for (String body : List.of("{}", "{\"name\":\"ann\",\"tags\":[1,2,{\"a\":null}]}", "[]", "\"x\"",
                "{\"name\":\"\u00e9\u20ac\ud83d\ude00\"}")) {
            assertThatCode(() -> JsonBodies.requireWellFormed(bytes(body))).as(body).doesNotThrowAnyException();
        }
    }

    /** The bodies that sent a Payara thread into an endless loop: an unknown property's array or object left open. */
    @Test
    void anArrayOrObjectLeftOpenIsMalformed() {
        for (String body : List.of("{\"x\":[[1]}", "{\"x\":[\"h\":[1]}", "{\"x\":{\"y\":{}}", "{\"x\":[", "{",
                "{\"name\":\"a\" x}", "{} {")) {
            assertThat(refusal(bytes(body)).code()).as(body).isEqualTo(ErrorCode.MALFORMED_JSON);
        }
    }

    @Test
    void bytesThatAreNotUtf8AreAnEncodingError() {
        for (byte[] body : List.of(new byte[] {'{', '"', 's', (byte) 0xff, '"', ':', '1', '}'},
                new byte[] {'"', (byte) 0xc3, '"'}, new byte[] {'"', (byte) 0xed, (byte) 0xa0, (byte) 0x80, '"'})) {
            assertThat(refusal(body).code()).isEqualTo(ErrorCode.INVALID_ENCODING);
        }
    }

    /** A malformed body may carry a secret (a webhook sink's): the refusal says where it broke, not what it read. */
    @Test
    void theRefusalNeverQuotesTheBody() {
        var refusal = refusal(bytes("{\"secret\": whsec_Tm9ub25zZW5zZQ, \"url\":\"https://x/\"}"));
        assertThat(refusal.getMessage()).doesNotContain("whsec").contains("line 1, column");
    }

    private static TidingsException refusal(byte[] body) {
        return catchThrowableOfType(TidingsException.class, () -> JsonBodies.requireWellFormed(body));
    }

    private static byte[] bytes(String body) {
        return body.getBytes(StandardCharsets.UTF_8);
    }
}
