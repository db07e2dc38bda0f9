package org.tidings.delivery.entity;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.charset.StandardCharsets;
import org.tidings.ingest.control.CloudEventReader;
import org.junit.jupiter.api.Test;

class NumberedEventsTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    private static String numbered(String event, long seq) {
        return new String(NumberedEvents.numbered(event.getBytes(StandardCharsets.UTF_8), seq), StandardCharsets.UTF_8);
    }

    @Test
    void theNumberIsAddedAndEverythingElseKeptAsAccepted() throws Exception {
        String event = """
                {"specversion":"1.0","id":"e-1","source":"urn:s","type":"t","subject":"mailto:ann@example.com",
                 "data":{"size":12345678901234567890123,"ratio":0.1000000000000000055511151231257827,"tiny":1e-400,
                 "list":[1,-2.5e3,"x",true,false,null,{"k":[]}],"text":"caf\\u00e9 \\"quoted\\" \\ud83d\\ude00"}}
                """;
        JsonNode before = JSON.readTree(event);
        String after = numbered(event, 42);

        JsonNode numbered = JSON.readTree(after);
        assertThat(numbered.get(NumberedEvents.SEQ_EXTENSION).asLong()).isEqualTo(42);
        ((com.fasterxml.jackson.databind.node.ObjectNode) numbered).remove(NumberedEvents.SEQ_EXTENSION);
        assertThat(numbered).isEqualTo(before);
        // numbers as their text: nothing rounded through double
        assertThat(after).contains("12345678901234567890123", "0.1000000000000000055511151231257827", "1e-400",
                "-2.5e3");
    }

    @Test
    void everyMembersTextIsCopiedByteForByteEscapesIncluded() {
        String event = "{ \"id\" : \"e-1\",\n  \"data\": {\"name\":\"\\u00e9t\\u00e9\", \"n\": 1.10 } ,"
                + "\"tidingsseq\":5, \"source\":\"urn:s\"\n}";

        assertThat(numbered(event, 6)).isEqualTo("{\"id\" : \"e-1\",\"data\": {\"name\":\"\\u00e9t\\u00e9\", "
                + "\"n\": 1.10 },\"source\":\"urn:s\",\"tidingsseq\":6}");
        assertThat(numbered("{}", 1)).isEqualTo("{\"tidingsseq\":1}");
        assertThat(numbered("{\"tidingsseq\":1}", 2)).isEqualTo("{\"tidingsseq\":2}");
    }

    @Test
    void theDataIsCopiedAsItsOwnBytesWhitespaceAndEscapesIncluded() {
        String data = "{ \"name\" : \"caf\\u00e9\", \"path\":\"a\\/b\" ,\n \"n\": 1.10 }";

        String after = numbered("{\"id\":\"e\", \"data\" :\t" + data + "\n, \"source\":\"urn:s\"}", 5);

        assertThat(after).isEqualTo("{\"id\":\"e\",\"data\" :\t" + data + ",\"source\":\"urn:s\",\"tidingsseq\":5}");
    }

    @Test
    void aNumberTheSourceSetItselfIsReplaced() throws Exception {
        String after = numbered("{\"id\":\"e\",\"tidingsseq\":{\"forged\":[1,2]},\"source\":\"urn:s\"}", 7);

        JsonNode numbered = JSON.readTree(after);
        assertThat(numbered.get(NumberedEvents.SEQ_EXTENSION).asLong()).isEqualTo(7);
        assertThat(numbered.size()).as("id, source and one tidingsseq").isEqualTo(3);
        assertThat(after.indexOf(NumberedEvents.SEQ_EXTENSION)).isEqualTo(after.lastIndexOf(NumberedEvents.SEQ_EXTENSION));
    }

    @Test
    void somethingOtherThanAnObjectIsRefused() {
        assertThatThrownBy(() -> numbered("[1,2]", 1)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void aNotificationIsSentWithItsNumber() throws Exception {
        var notification = new Notification("msg_1", java.util.UUID.randomUUID(), java.util.UUID.randomUUID(),
                "mailto:ann@example.com", "urn:s", "e", "{\"id\":\"e\"}".getBytes(StandardCharsets.UTF_8));

        var numbered = notification.numbered(3);

        assertThat(JSON.readTree(numbered.body()).get("tidingsseq").asLong()).isEqualTo(3);
        assertThat(numbered.id()).isEqualTo(notification.id());
        assertThat(numbered.orderingKey()).isEqualTo(notification.orderingKey());
    }

    @Test
    void everyEventTheReaderAcceptsIsNumberedHoweverLongItsStrings() throws Exception {
        // the reader skips data without reading its strings whole, so it has no limit on their length (an operator
        // may raise tidings.ingest.max-event-bytes); Jackson's default for a string read whole is 20,000,000 chars
        String text = "x".repeat(20_000_001);
        byte[] event = ("{\"specversion\":\"1.0\",\"id\":\"e\",\"source\":\"urn:s\",\"type\":\"t\",\"data\":\""
                + text + "\"}").getBytes(StandardCharsets.UTF_8);
        new CloudEventReader(event.length).read(event);

        byte[] numbered = NumberedEvents.numbered(event, 9);

        // compared as text: Jackson's default limit would refuse to read it back, too
        String expected = new String(event, 0, event.length - 1, StandardCharsets.UTF_8) + ",\"tidingsseq\":9}";
        assertThat(new String(numbered, StandardCharsets.UTF_8)).isEqualTo(expected);
    }
}
