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

    /** JSON-B binds the first value and never looks further: a second one would pass unseen. */
    @Test
    void oneValueOnly() {
        assertThat(refusal(bytes("{\"name\":\"a\"}{\"name\":\"b\"}")).code()).isEqualTo(ErrorCode.MALFORMED_JSON);
        assertThat(refusal(bytes("{} 1")).getMessage()).contains("more than one JSON value");
        assertThatCode(() -> JsonBodies.requireWellFormed(bytes(" {\"a\":[1]} \n"))).doesNotThrowAnyException();
    }

    @Test
    void theDeclaredLengthIsReadAsANumberOfAnyLength() {
        assertThat(JsonBodies.declaredLength("12")).isEqualTo(12);
        assertThat(JsonBodies.declaredLength("0000000000000000000012")).isEqualTo(12);
        assertThat(JsonBodies.declaredLength("0")).isZero();
        assertThat(JsonBodies.declaredLength("99999999999999999999999")).isEqualTo(Long.MAX_VALUE);
        assertThat(JsonBodies.declaredLength(null)).isEqualTo(-1);
        assertThat(JsonBodies.declaredLength("")).isEqualTo(-1);
        assertThat(JsonBodies.declaredLength("-5")).isEqualTo(-1);
        assertThat(JsonBodies.declaredLength("1e3")).isEqualTo(-1);
    }

    @Test
    void bytesThatAreNotUtf8AreAnEncodingError() {
        // past the checker's 4,096-character buffer: a lead byte followed by the closing quote instead of its pair
        byte[] late = bytes("{\"name\":\"" + "a".repeat(10_000) + "x\"}");
        late[late.length - 3] = (byte) 0xc3;
        for (byte[] body : List.of(late, new byte[] {'{', '"', 's', (byte) 0xff, '"', ':', '1', '}'},
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
