package org.tidings.delivery.webhook;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.tidings.delivery.entity.NumberedEvents;

class BinaryModeTest {

    private static BinaryMode.Request of(String event) {
        return BinaryMode.of(event.getBytes(StandardCharsets.UTF_8));
    }

    private static String body(BinaryMode.Request request) {
        return new String(request.body(), StandardCharsets.UTF_8);
    }

    @Test
    void jsonDataIsTheExactTextOfTheDataMemberAndEveryOtherAttributeAHeader() {
        var request = of("{\"specversion\":\"1.0\",\"id\":\"e-1\",\"source\":\"https://mail.example/store\","
                + "\"type\":\"org.example.mail.MessageNew\", \"data\" : {\"size\":1.10,\"big\":1e400,"
                + "\"name\":\"\\u00e9t\\u00e9\",\"list\":[1, 2 ,3]} ,\"subject\":\"mailto:ann@example.com\","
                + "\"tidingsseq\":7}");

        assertThat(body(request)).isEqualTo("{\"size\":1.10,\"big\":1e400,\"name\":\"\\u00e9t\\u00e9\","
                + "\"list\":[1, 2 ,3]}");
        assertThat(request.contentType()).as("JSON without a datacontenttype").isEqualTo("application/json");
        assertThat(request.headers()).containsExactly(Map.entry("ce-specversion", "1.0"), Map.entry("ce-id", "e-1"),
                Map.entry("ce-source", "https://mail.example/store"),
                Map.entry("ce-type", "org.example.mail.MessageNew"),
                Map.entry("ce-subject", "mailto:ann@example.com"), Map.entry("ce-tidingsseq", "7"));
    }

    @Test
    void theDataOfAnEventAsItIsSentNumberedIsStillTheTextItWasAcceptedWith() {
        // WebhookCalls gets the notification numbered (NumberedEvents), not as accepted: the data must survive that
        // (test from the hostile review of 2026-12-02)
        String data = "{ \"name\" : \"\\u00e9t\\u00e9\", \"path\":\"a\\/b\",\n  \"size\": 1.10 }";
        byte[] accepted = ("{\"specversion\":\"1.0\",\"id\":\"e-1\",\"source\":\"urn:s\",\"type\":\"t\",\"data\" : "
                + data + " ,\"subject\":\"s\"}").getBytes(StandardCharsets.UTF_8);

        var request = BinaryMode.of(NumberedEvents.numbered(accepted, 3));

        assertThat(body(request)).isEqualTo(data);
        assertThat(request.headers()).containsEntry("ce-subject", "s").containsEntry("ce-tidingsseq", "3");
    }

    @Test
    void scalarJsonDataAtTheEndOfTheObjectKeepsItsText() {
        assertThat(body(of("{\"id\":\"1\",\"data\":1.10}"))).isEqualTo("1.10");
        assertThat(body(of("{\"id\":\"1\",\"data\":1.10\n}"))).isEqualTo("1.10");
        assertThat(body(of("{\"data\":\"a \\\"quoted\\\" text\",\"id\":\"1\"}"))).as("a JSON string stays JSON")
                .isEqualTo("\"a \\\"quoted\\\" text\"");
        assertThat(body(of("{\"data\":null,\"id\":\"1\"}"))).isEqualTo("null");
        assertThat(body(of("{\"data\":[],\"id\":\"1\"}"))).isEqualTo("[]");
    }

    @Test
    void stringDataOfAnotherMediaTypeIsTheStringItself() {
        var request = of("{\"id\":\"1\",\"datacontenttype\":\"text/plain; charset=utf-8\","
                + "\"data\":\"line one\\nsecond \\u00e9\"}");

        assertThat(body(request)).isEqualTo("line one\nsecond \u00e9");
        assertThat(request.contentType()).isEqualTo("text/plain; charset=utf-8");
        assertThat(request.headers()).doesNotContainKey("ce-datacontenttype");
    }

    @Test
    void jsonMediaTypesKeepTheJsonText() {
        var request = of("{\"id\":\"1\",\"datacontenttype\":\"application/vnd.example+json\",\"data\":\"x\"}");

        assertThat(body(request)).isEqualTo("\"x\"");
        assertThat(request.contentType()).isEqualTo("application/vnd.example+json");
    }

    @Test
    void everyJsonMediaTypeKeepsTheJsonText() {
        for (String type : new String[] {"application/json", "text/json; charset=utf-8", "application/geo+json",
                "Application/JSON"}) {
            assertThat(BinaryMode.isJson(type)).as(type).isTrue();
        }
        assertThat(BinaryMode.isJson("text/plain")).isFalse();
        assertThat(BinaryMode.isJson("application/jsonl")).isFalse();
    }

    @Test
    void base64DataIsDecoded() {
        var request = of("{\"id\":\"1\",\"datacontenttype\":\"image/png\",\"data_base64\":\"AAEC/w==\"}");

        assertThat(request.body()).containsExactly(0, 1, 2, 0xff);
        assertThat(request.contentType()).isEqualTo("image/png");
        assertThat(request.headers()).containsOnlyKeys("ce-id");
        assertThat(of("{\"id\":\"1\",\"data_base64\":\"AAE=\"}").contentType()).isEqualTo("application/octet-stream");
    }

    @Test
    void anEventWithoutDataHasAnEmptyBodyAndNoContentType() {
        var request = of("{\"id\":\"1\",\"type\":\"t\"}");

        assertThat(request.body()).isEmpty();
        assertThat(request.contentType()).isNull();
    }

    @Test
    void headerValuesArePercentEncodedWhereTheBindingAsks() {
        var request = of("{\"id\":\"1\",\"subject\":\"caf\u00e9 \\\"50%\\\"\",\"tidingsflag\":true}");

        assertThat(request.headers()).containsEntry("ce-subject", "caf%C3%A9%20%2250%25%22")
                .containsEntry("ce-tidingsflag", "true");
        assertThat(BinaryMode.percentEncoded("mailto:ann@example.com")).isEqualTo("mailto:ann@example.com");
    }

    @Test
    void onlyAnObjectIsAnEvent() {
        assertThatThrownBy(() -> of("[1]")).isInstanceOf(IllegalArgumentException.class);
    }
}
