package org.tidings.ingest.control;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.tidings.platform.ErrorCode;
import org.tidings.platform.OutsideJson;
import org.tidings.platform.TidingsException;

// covers LEM-11, S2S-12, S2S-14: a batch is split into its events' own bytes, or refused whole with a code
class CloudEventBatchTest {

    private static final String FIRST = "{\"specversion\":\"1.0\",\"id\":\"a\",\"source\":\"https://s/\",\"type\":\"t\","
            + "\"data\":{\"price\":1.10,\"huge\":1e400,\"text\":\"}]\\\" \\u00e9 😀\",\"nested\":[{\"a\":[]}]}}";
    private static final String SECOND = "{ \"specversion\" : \"1.0\", \"id\":\"b\", \"source\":\"https://s/\", "
            + "\"type\":\"t\", \"data_base64\":\"AAEC\", \"subject\":\"mailto:zoë@example.com\" }";

    @Test
    void eachEventKeepsItsExactBytesWhateverSurroundsIt() {
        String batch = "\uFEFF \n[ " + FIRST + " ,\r\n\t" + SECOND + "\n]\n ";

        List<byte[]> events = CloudEventBatch.split(utf8(batch), 10);

        assertThat(events).hasSize(2);
        assertThat(new String(events.get(0), StandardCharsets.UTF_8)).isEqualTo(FIRST);
        assertThat(new String(events.get(1), StandardCharsets.UTF_8)).isEqualTo(SECOND);
        assertThat(new CloudEventReader(4096).read(events.get(1)).getSubject()).isEqualTo("mailto:zoë@example.com");
    }

    @Test
    void elementsThatAreNotObjectsComeBackAsNullInTheirPlace() {
        List<byte[]> events = CloudEventBatch.split(utf8("[\"x\", 42, " + FIRST + ", [1, {\"a\":2}], null, true, {}]"), 10);

        assertThat(events).hasSize(7);
        assertThat(events.get(0)).isNull();
        assertThat(events.get(1)).isNull();
        assertThat(new String(events.get(2), StandardCharsets.UTF_8)).isEqualTo(FIRST);
        assertThat(events.get(3)).isNull();
        assertThat(events.get(4)).isNull();
        assertThat(events.get(5)).isNull();
        assertThat(new String(events.get(6), StandardCharsets.UTF_8)).isEqualTo("{}");
    }

    @Test
    void anElementAtTheReadersLimitsIsCutOutAndJudgedAloneNotTheBatch() {
        int arrays = OutsideJson.MAX_DEPTH - 2; // in the event's object and its data's: as deep as an event may be
        String deep = FIRST.replace("\"nested\":[{\"a\":[]}]", "\"nested\":" + "[".repeat(arrays) + "]".repeat(arrays));
        String longNumber = FIRST.replace("1e400", "1" + "0".repeat(2000));
        String tooDeep = FIRST.replace("\"nested\":[{\"a\":[]}]", "\"nested\":" + "[".repeat(2000) + "]".repeat(2000));
        var reader = new CloudEventReader(1 << 20);
        assertThat(reader.read(utf8(deep)).getId()).as("deep, alone").isEqualTo("a");

        List<byte[]> events = CloudEventBatch.split(utf8("[" + deep + "," + longNumber + "," + SECOND + "," + tooDeep
                + "]"), 10);

        assertThat(events).hasSize(4);
        assertThatThrownBy(() -> reader.read(events.get(3))).as("too deep for an event, refused alone")
                .isInstanceOfSatisfying(TidingsException.class,
                        e -> assertThat(e.code()).isEqualTo(ErrorCode.MALFORMED_EVENT));
        assertThat(new String(events.get(0), StandardCharsets.UTF_8)).isEqualTo(deep);
        assertThat(reader.read(events.get(0)).getId()).isEqualTo("a");
        assertThatThrownBy(() -> reader.read(events.get(1))).as("refused alone, as it would be sent alone")
                .isInstanceOfSatisfying(TidingsException.class,
                        e -> assertThat(e.code()).isEqualTo(ErrorCode.MALFORMED_EVENT));
        assertThatThrownBy(() -> reader.read(utf8(longNumber)))
                .isInstanceOfSatisfying(TidingsException.class,
                        e -> assertThat(e.code()).isEqualTo(ErrorCode.MALFORMED_EVENT));
        assertThat(new String(events.get(2), StandardCharsets.UTF_8)).isEqualTo(SECOND);
    }

    @Test
    void aBatchInUtf16OrUtf32IsAnEncodingErrorAsOneEventIs() {
        for (String charset : List.of("UTF-16LE", "UTF-16BE", "UTF-32LE")) {
            byte[] batch = ("[" + SECOND + "]").getBytes(java.nio.charset.Charset.forName(charset));
            assertThatThrownBy(() -> CloudEventBatch.split(batch, 10)).as(charset)
                    .isInstanceOfSatisfying(TidingsException.class,
                            e -> assertThat(e.code()).isEqualTo(ErrorCode.INVALID_ENCODING));
        }
    }

    @Test
    void anEmptyBatchHasNoEvents() {
        assertThat(CloudEventBatch.split(utf8(" [ ] "), 10)).isEmpty();
    }

    @Test
    void aBatchOfExactlyTheLimitIsTakenAndOneMoreIsRefusedWhole() {
        String three = "[" + FIRST + "," + FIRST + "," + FIRST + "]";
        assertThat(CloudEventBatch.split(utf8(three), 3)).hasSize(3);
        assertThatThrownBy(() -> CloudEventBatch.split(utf8(three), 2))
                .isInstanceOfSatisfying(TidingsException.class,
                        e -> assertThat(e.code()).isEqualTo(ErrorCode.REQUEST_TOO_LARGE))
                .hasMessageContaining("at most 2 events");
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "   ", "{}", "\"[]\"", "[", "[{}", "[{},]", "[{} {}]", "[{\"a\":}]", "[]]", "[] []",
            "[{\"a\":1,\"a\":}]", "nul", "[{\"a\":\"unterminated}]"})
    void aBodyThatIsNotOneWellFormedArrayIsRefusedWhole(String body) {
        assertThatThrownBy(() -> CloudEventBatch.split(utf8(body), 10))
                .isInstanceOfSatisfying(TidingsException.class,
                        e -> assertThat(e.code()).isEqualTo(ErrorCode.MALFORMED_JSON))
                .hasMessageContaining("nothing of this batch was accepted");
    }

    @Test
    void aBatchThatIsNotUtf8IsRefusedWhole() {
        byte[] latin1 = ("[" + FIRST.replace("\\u00e9", "\u00e9") + "]").getBytes(StandardCharsets.ISO_8859_1);

        assertThatThrownBy(() -> CloudEventBatch.split(latin1, 10))
                .isInstanceOfSatisfying(TidingsException.class,
                        e -> assertThat(e.code()).isEqualTo(ErrorCode.INVALID_ENCODING));
    }

    private static byte[] utf8(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }
}
