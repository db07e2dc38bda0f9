package org.tidings.ingest.control;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.URI;
import java.nio.ByteBuffer;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.time.OffsetDateTime;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;
import org.tidings.platform.ErrorCode;
import org.tidings.platform.OutsideJson;
import org.tidings.platform.TidingsException;

// covers S2S-12, S2S-14: the envelope is read in one streaming pass, strictly, and every refusal has its code
class CloudEventReaderTest {

    private static final String HEAD = "{\"specversion\":\"1.0\",\"id\":\"e-1\",\"source\":\"https://mail.example.com/store\","
            + "\"type\":\"org.example.mail.MessageNew\"";

    private final CloudEventReader reader = new CloudEventReader(4096);
    private final CloudEventReader roomy = new CloudEventReader(1 << 22);

    @Test
    void readsEveryContextAttributeAndExtensionButNotTheData() {
        var event = reader.read(utf8(HEAD + ",\"subject\":\"mailto:zo\\u00eb@example.com\",\"time\":\"2026-11-30T06:00:00Z\","
                + "\"dataschema\":\"https://example.com/s\",\"datacontenttype\":\"application/json\","
                + "\"tidingsuris\":\"https://a/ https://b/\",\"count\":3,\"urgent\":true,"
                + "\"data\":{\"price\":1.10,\"huge\":1e400,\"nested\":[{\"a\":[]}]}}"));

        assertThat(event.getId()).isEqualTo("e-1");
        assertThat(event.getSource()).isEqualTo(URI.create("https://mail.example.com/store"));
        assertThat(event.getType()).isEqualTo("org.example.mail.MessageNew");
        assertThat(event.getSubject()).isEqualTo("mailto:zoë@example.com");
        assertThat(event.getTime()).isEqualTo(OffsetDateTime.parse("2026-11-30T06:00:00Z"));
        assertThat(event.getDataSchema()).isEqualTo(URI.create("https://example.com/s"));
        assertThat(event.getDataContentType()).isEqualTo("application/json");
        assertThat(event.getExtension("tidingsuris")).isEqualTo("https://a/ https://b/");
        assertThat(event.getExtension("count")).isEqualTo(3);
        assertThat(event.getExtension("urgent")).isEqualTo(true);
        assertThat(event.getData()).as("data is checked, not decoded").isNull();
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
        "a type and subtype          | text/plain                                | true",
        "parameters                  | text/plain; charset=utf-8;format=flowed   | true",
        "a quoted parameter          | multipart/mixed; boundary=\"a b;\\\"c\"   | true",
        "a structured suffix         | application/vnd.example+json              | true",
        "no subtype                  | text                                      | false",
        "a line break                | 'text/plain\n'                            | false",
        "outside ASCII               | text/pl\u00e4in                            | false",
        "a space in the type         | text /plain                               | false",
    })
    void theDataContentTypeMustBeAMediaTypeAsItBecomesAHeaderInBinaryMode(String what, String type, boolean accepted) {
        String value = type.replace("\\n", "\n");
        if (accepted) {
            assertThat(CloudEventReader.mediaType(value)).isEqualTo(value);
        } else {
            assertThatThrownBy(() -> CloudEventReader.mediaType(value)).isInstanceOf(IllegalArgumentException.class);
            String json = HEAD + ",\"datacontenttype\":\"" + value.replace("\n", "\\n") + "\"}";
            assertThatThrownBy(() -> reader.read(utf8(json))).isInstanceOfSatisfying(TidingsException.class,
                    e -> assertThat(e.code()).isEqualTo(ErrorCode.MALFORMED_EVENT));
        }
    }

    @Test
    void acceptsBase64DataAndNoDataAtAll() {
        assertThat(reader.read(utf8(HEAD + ",\"data_base64\":\"AAECA/7/\"}")).getId()).isEqualTo("e-1");
        assertThat(reader.read(utf8(HEAD + "}")).getId()).isEqualTo("e-1");
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
        "not JSON                  | this is not a CloudEvent {",
        "not an object             | null",
        "an array                  | [1,2]",
        "cut short                 | " + "{\"specversion\":\"1.0\"",
        "no type                   | {\"specversion\":\"1.0\",\"id\":\"x\",\"source\":\"https://s/\"}",
        "no specversion            | {\"id\":\"x\",\"source\":\"https://s/\",\"type\":\"t\"}",
        "specversion 0.3           | {\"specversion\":\"0.3\",\"id\":\"x\",\"source\":\"https://s/\",\"type\":\"t\"}",
        "numeric id                | {\"specversion\":\"1.0\",\"id\":7,\"source\":\"https://s/\",\"type\":\"t\"}",
        "numeric subject           | {\"specversion\":\"1.0\",\"id\":\"x\",\"source\":\"https://s/\",\"type\":\"t\",\"subject\":1}",
        "duplicate key             | {\"specversion\":\"1.0\",\"id\":\"x\",\"id\":\"y\",\"source\":\"https://s/\",\"type\":\"t\"}",
        "content after the object  | {\"specversion\":\"1.0\",\"id\":\"x\",\"source\":\"https://s/\",\"type\":\"t\"} {}",
        "data and data_base64      | {\"specversion\":\"1.0\",\"id\":\"x\",\"source\":\"https://s/\",\"type\":\"t\",\"data\":1,\"data_base64\":\"AA==\"}",
        "bad base64                | {\"specversion\":\"1.0\",\"id\":\"x\",\"source\":\"https://s/\",\"type\":\"t\",\"data_base64\":\"@@@\"}",
        "malformed data            | {\"specversion\":\"1.0\",\"id\":\"x\",\"source\":\"https://s/\",\"type\":\"t\",\"data\":{\"a\":}}",
        "bad time                  | {\"specversion\":\"1.0\",\"id\":\"x\",\"source\":\"https://s/\",\"type\":\"t\",\"time\":\"yesterday\"}",
        "source not a URI          | {\"specversion\":\"1.0\",\"id\":\"x\",\"source\":\"a b\",\"type\":\"t\"}",
        "extension object          | {\"specversion\":\"1.0\",\"id\":\"x\",\"source\":\"https://s/\",\"type\":\"t\",\"ext\":{}}",
        "extension name uppercase  | {\"specversion\":\"1.0\",\"id\":\"x\",\"source\":\"https://s/\",\"type\":\"t\",\"Ext\":\"v\"}",
        "numeric tidingsuris       | {\"specversion\":\"1.0\",\"id\":\"x\",\"source\":\"https://s/\",\"type\":\"t\",\"tidingsuris\":42}",
        "boolean tidingsuris       | {\"specversion\":\"1.0\",\"id\":\"x\",\"source\":\"https://s/\",\"type\":\"t\",\"tidingsuris\":true}",
        "numeric tidingsprefix     | {\"specversion\":\"1.0\",\"id\":\"x\",\"source\":\"https://s/\",\"type\":\"t\",\"tidingsprefix\":7}",
        "boolean tidingsprefix     | {\"specversion\":\"1.0\",\"id\":\"x\",\"source\":\"https://s/\",\"type\":\"t\",\"tidingsprefix\":false}",
    })
    void refusesWhatIsNotAStrictCloudEvent(String why, String body) {
        assertThatThrownBy(() -> reader.read(utf8(body)))
                .isInstanceOfSatisfying(TidingsException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.MALFORMED_EVENT));
    }

    @Test
    void refusesInvalidUtf8AndOversizedBodiesWithTheirOwnCodes() {
        byte[] notUtf8 = {'{', '"', (byte) 0xC3, (byte) 0x28, '"', '}'};
        assertThatThrownBy(() -> reader.read(notUtf8))
                .isInstanceOfSatisfying(TidingsException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.INVALID_ENCODING));
        assertThatThrownBy(() -> reader.read(new byte[4097]))
                .isInstanceOfSatisfying(TidingsException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.EVENT_TOO_LARGE));
    }

    @Test
    void refusesABodyInAnotherEncodingOfUnicodeOrWithAByteOrderMark() throws Exception {
        String event = HEAD + "}";
        assertThat(reader.read(utf8(event)).getId()).isEqualTo("e-1");
        for (var charset : List.of(StandardCharsets.UTF_16LE, StandardCharsets.UTF_16BE, Charset.forName("UTF-32LE"),
                Charset.forName("UTF-32BE"))) {
            byte[] other = event.getBytes(charset);
            assertThat(StandardCharsets.UTF_8.newDecoder().decode(ByteBuffer.wrap(other)).toString())
                    .as("%s of ASCII is valid UTF-8 too", charset).hasSize(other.length);
            assertThatThrownBy(() -> reader.read(other)).as(charset.name())
                    .isInstanceOfSatisfying(TidingsException.class,
                            e -> assertThat(e.code()).isEqualTo(ErrorCode.INVALID_ENCODING))
                    .hasMessageContaining("zero byte");
        }
        assertThatThrownBy(() -> reader.read(utf8("\uFEFF" + event)))
                .isInstanceOfSatisfying(TidingsException.class,
                        e -> assertThat(e.code()).isEqualTo(ErrorCode.INVALID_ENCODING))
                .hasMessageContaining("byte order mark");
    }

    /**
     * Text no CloudEvents string holds: an unpaired surrogate (no UTF-8 text holds one) is invalid-encoding; a control
     * character (the type system disallows U+0000-U+001F and U+007F-U+009F) is malformed-event.
     */
    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
        "a high surrogate alone in the id | \"id\":\"x\\ud800\" | INVALID_ENCODING | unpaired surrogate",
        "a low surrogate alone in the id | \"id\":\"x\\udc00y\" | INVALID_ENCODING | unpaired surrogate",
        "a pair the wrong way round | \"subject\":\"m:\\udc00\\ud800@e.com\" | INVALID_ENCODING | unpaired surrogate",
        "a high surrogate at an extension's end | \"note\":\"x\\ud83d\" | INVALID_ENCODING | unpaired surrogate",
        "in an extension's name | \"x\\ud800\":\"y\" | INVALID_ENCODING | unpaired surrogate",
        "NUL in the id | \"id\":\"a\\u0000b\" | MALFORMED_EVENT | control character",
        "NUL in the subject | \"subject\":\"https://a.example/\\u0000\" | MALFORMED_EVENT | control character",
        "a line feed in the subject | \"subject\":\"mailto:ann@example.com\\n\" | MALFORMED_EVENT | control character",
        "DEL in an extension | \"note\":\"x\\u007f\" | MALFORMED_EVENT | control character",
        "a C1 control in a subject | \"subject\":\"m:ann\\u0085@e.com\" | MALFORMED_EVENT | control character",
        "a tab in a content type | \"datacontenttype\":\"text/plain;\\tq=1\" | MALFORMED_EVENT | control character",
    })
    void refusesTextThatNoCloudEventsStringHolds(String why, String member, ErrorCode code, String says) {
        String body = "{\"specversion\":\"1.0\",\"source\":\"https://mail.example.com/store\",\"type\":\"t\","
                + (member.startsWith("\"id\"") ? member : "\"id\":\"e-1\"," + member) + "}";
        assertThatThrownBy(() -> reader.read(utf8(body)))
                .isInstanceOfSatisfying(TidingsException.class, e -> assertThat(e.code()).isEqualTo(code))
                .hasMessageContaining(says);
    }

    @Test
    void anEventAcceptedBeforeTheRuleOnControlCharactersIsStillReadAsAccepted() {
        byte[] body = utf8(HEAD + ",\"subject\":\"mailto:ann@example.com\\n\",\"note\":\"a\\tb\"}");
        assertThat(reader.readAccepted(body).getSubject()).isEqualTo("mailto:ann@example.com\n");
        assertThatThrownBy(() -> reader.read(body)).isInstanceOfSatisfying(TidingsException.class,
                e -> assertThat(e.code()).isEqualTo(ErrorCode.MALFORMED_EVENT));
    }

    @Test
    void lineBreaksMaySeparateTheUrisOfTidingsurisAndNothingElse() {
        var event = reader.read(utf8(HEAD + ",\"tidingsuris\":\"https://a.example/1\\nhttps://a.example/2\\t"
                + "mailto:ann@example.com\"}"));
        assertThat(event.getExtension("tidingsuris")).isEqualTo("https://a.example/1\nhttps://a.example/2\tmailto:ann@example.com");
    }

    @Test
    void anEscapedPairOfSurrogatesIsOneCharacterAndAccepted() {
        var event = reader.read(utf8(HEAD.replace("\"e-1\"", "\"x\\ud83d\\ude00\"") + "}"));
        assertThat(event.getId()).isEqualTo("x\uD83D\uDE00");
    }

    @Test
    void nestingIsBoundedBelowWhatJsonPReadsAgainOnTheWayOut() {
        String deepest = HEAD + ",\"data\":" + "[".repeat(OutsideJson.MAX_DEPTH - 1) + "]".repeat(OutsideJson.MAX_DEPTH - 1)
                + "}";
        assertThat(reader.read(utf8(deepest)).getId()).isEqualTo("e-1");
        for (int depth : new int[] {OutsideJson.MAX_DEPTH + 1, 1000}) {
            String deeper = HEAD + ",\"data\":" + "[".repeat(depth - 1) + "]".repeat(depth - 1) + "}";
            assertThatThrownBy(() -> roomy.read(utf8(deeper))).as("%d levels", depth)
                    .isInstanceOfSatisfying(TidingsException.class,
                            e -> assertThat(e.code()).isEqualTo(ErrorCode.MALFORMED_EVENT));
        }
    }

    @ParameterizedTest(name = "{0} of {1} characters")
    @CsvSource({
        "id, 1025", "type, 1025", "datacontenttype, 1025", "subject, 8193", "source, 8193", "dataschema, 8193",
        "tidingsprefix, 8193", "someextension, 8193"})
    void refusesAnAttributeLongerThanItsLimit(String attribute, int length) {
        String value = attribute.equals("datacontenttype") ? "application/" + "a".repeat(length - 12)
                : "https://example.com/" + "a".repeat(length - 20);
        var attributes = new LinkedHashMap<>(Map.of("specversion", "1.0", "id", "x", "source", "https://s/", "type", "t"));
        attributes.put(attribute, value);
        String body = attributes.entrySet().stream().map(a -> "\"" + a.getKey() + "\":\"" + a.getValue() + "\"")
                .collect(Collectors.joining(",", "{", "}"));
        assertThatThrownBy(() -> roomy.read(utf8(body)))
                .isInstanceOfSatisfying(TidingsException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.ATTRIBUTE_TOO_LONG));
        String fits = body.replace(value, value.substring(1));
        assertThat(roomy.read(utf8(fits)).getId()).as("one character less is accepted").isNotNull();
    }

    @Test
    void refusesMoreExtensionsOrAboutUrisThanTheLimits() {
        StringBuilder extensions = new StringBuilder(HEAD);
        for (int i = 0; i < CloudEventReader.MAX_EXTENSIONS + 1; i++) {
            extensions.append(",\"x").append(i).append("\":1");
        }
        assertThatThrownBy(() -> roomy.read(utf8(extensions + "}")))
                .isInstanceOfSatisfying(TidingsException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.ATTRIBUTE_TOO_LONG));

        String uris = "https://example.com/r ".repeat(CloudEventReader.MAX_ABOUT_URIS);
        assertThat(roomy.read(utf8(HEAD + ",\"tidingsuris\":\"" + uris + "\"}")).getExtension("tidingsuris")).isEqualTo(uris);
        assertThatThrownBy(() -> roomy.read(utf8(HEAD + ",\"tidingsuris\":\"" + uris + " https://one.more/\"}")))
                .isInstanceOfSatisfying(TidingsException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.TOO_MANY_URIS));
        String longUri = "https://example.com/" + "a".repeat(CloudEventReader.MAX_URI_CHARS);
        assertThatThrownBy(() -> roomy.read(utf8(HEAD + ",\"tidingsuris\":\"https://a/ " + longUri + "\"}")))
                .isInstanceOfSatisfying(TidingsException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.ATTRIBUTE_TOO_LONG));
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource({"h", "https://", "https:///a", "/img/", "tel:+1201", "mailto:ann"})
    void refusesAnInvalidationPrefixWithoutASchemeAndHost(String prefix) {
        assertThatThrownBy(() -> reader.read(utf8(HEAD + ",\"tidingsprefix\":\"" + prefix + "\"}")))
                .isInstanceOfSatisfying(TidingsException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.INVALID_PREFIX));
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource({"https://cdn.example.com", "https://cdn.example.com/img/", "http://a:8080?x=1", "HTTPS://A.EXAMPLE/"})
    void acceptsAnInvalidationPrefixWithAHost(String prefix) {
        assertThat(reader.read(utf8(HEAD + ",\"tidingsprefix\":\"" + prefix + "\"}")).getExtension("tidingsprefix"))
                .isEqualTo(prefix);
    }

    @Test
    void acceptsSurrogateKeysOfVisibleAsciiSeparatedBySpaces() {
        String keys = " product-42  cat:shoes,sale " + "k".repeat(256) + " ";
        assertThat(reader.read(utf8(HEAD + ",\"tidingskeys\":\"" + keys + "\"}")).getExtension("tidingskeys"))
                .isEqualTo(keys);
        String most = "k ".repeat(64);
        assertThat(roomy.read(utf8(HEAD + ",\"tidingskeys\":\"" + most + "\"}")).getExtension("tidingskeys"))
                .isEqualTo(most);
        assertThat(reader.read(utf8(HEAD + ",\"tidingskeys\":\"\"}")).getExtension("tidingskeys")).isEqualTo("");
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
        "a number           | 42                                  | MALFORMED_EVENT",
        "a boolean          | true                                | MALFORMED_EVENT",
        "an array           | [\"a\",\"b\"]                         | MALFORMED_EVENT",
        "a tab              | \"a\\tb\"                              | MALFORMED_EVENT",
        "a line break       | \"a\\r\\nX-Injected: 1\"                | MALFORMED_EVENT",
        "a control          | \"a\\u0000\"                           | MALFORMED_EVENT",
        "DEL                | \"a\\u007f\"                           | MALFORMED_EVENT",
        "non-ASCII          | \"caf\\u00e9\"                         | MALFORMED_EVENT",
        "a no-break space   | \"a\\u00a0b\"                          | MALFORMED_EVENT",
    })
    void refusesSurrogateKeysThatAreNotAStringOfVisibleAscii(String why, String value, ErrorCode code) {
        assertThatThrownBy(() -> reader.read(utf8(HEAD + ",\"tidingskeys\":" + value + "}")))
                .isInstanceOfSatisfying(TidingsException.class, e -> assertThat(e.code()).isEqualTo(code));
    }

    @Test
    void refusesALongerKeyOrMoreKeysThanTheLimits() {
        assertThatThrownBy(() -> reader.read(utf8(HEAD + ",\"tidingskeys\":\"a " + "k".repeat(257) + "\"}")))
                .isInstanceOfSatisfying(TidingsException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.ATTRIBUTE_TOO_LONG))
                .hasMessageContaining("key 2");
        assertThatThrownBy(() -> roomy.read(utf8(HEAD + ",\"tidingskeys\":\"" + "k ".repeat(65) + "\"}")))
                .isInstanceOfSatisfying(TidingsException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.ATTRIBUTE_TOO_LONG))
                .hasMessageContaining("more than 64 keys");
        assertThatThrownBy(() -> roomy.read(utf8(HEAD + ",\"tidingskeys\":\"" + " ".repeat(16_449) + "\"}")))
                .isInstanceOfSatisfying(TidingsException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.ATTRIBUTE_TOO_LONG));
    }

    private static byte[] utf8(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }
}
