package org.tidings.platform;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import java.nio.charset.StandardCharsets;
import jakarta.ws.rs.core.MediaType;
import java.util.List;
import java.util.Map;
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

    /** UTF-16 and UTF-32 text of ASCII characters is valid UTF-8 too, which Jackson would read as what it guesses. */
    @Test
    void textInUtf16OrUtf32IsAnEncodingError() {
        String body = "{\"name\":\"ann\"}";
        for (String charset : List.of("UTF-16LE", "UTF-16BE", "UTF-32LE", "UTF-32BE")) {
            var refusal = refusal(body.getBytes(java.nio.charset.Charset.forName(charset)));
            assertThat(refusal.code()).as(charset).isEqualTo(ErrorCode.INVALID_ENCODING);
            assertThat(refusal.getMessage()).contains("zero byte");
        }
    }

    /** Parsson, which JSON-B and a merge patch read with, fails on 1,000 levels with a plain RuntimeException. */
    @Test
    void nestingDeeperThanTheBoundIsMalformed() {
        int bound = OutsideJson.MAX_DEPTH;
        assertThatCode(() -> JsonBodies.requireWellFormed(bytes("{\"x\":" + "[".repeat(bound - 1) + "]".repeat(bound - 1)
                + "}"))).doesNotThrowAnyException();
        for (int depth : new int[] {bound + 1, 1000}) {
            assertThat(refusal(bytes("{\"x\":" + "[".repeat(depth - 1) + "]".repeat(depth - 1) + "}")).code())
                    .as("%d levels", depth).isEqualTo(ErrorCode.MALFORMED_JSON);
        }
    }

    /** JAX-RS decodes a body taken as text by the charset its type names: only UTF-8 may be named. */
    @Test
    void aCharsetOtherThanUtf8OnTheBodysTypeIsRefused() {
        for (String charset : List.of("utf-8", "UTF-8", "\"utf-8\"", "utf8", "us-ascii", "ASCII")) {
            assertThatCode(() -> JsonBodies.requireUtf8Label(json(charset))).as(charset).doesNotThrowAnyException();
        }
        assertThatCode(() -> JsonBodies.requireUtf8Label(new MediaType("application", "json"))).doesNotThrowAnyException();
        assertThatCode(() -> JsonBodies.requireUtf8Label(null)).doesNotThrowAnyException();
        for (String charset : List.of("iso-8859-1", "utf-16", "windows-1252", "utf8x", "", "no such charset")) {
            var refusal = catchThrowableOfType(TidingsException.class, () -> JsonBodies.requireUtf8Label(json(charset)));
            assertThat(refusal.code()).as(charset).isEqualTo(ErrorCode.UNSUPPORTED_MEDIA_TYPE);
        }
    }

    private static MediaType json(String charset) {
        return new MediaType("application", "merge-patch+json", Map.of(MediaType.CHARSET_PARAMETER, charset));
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
