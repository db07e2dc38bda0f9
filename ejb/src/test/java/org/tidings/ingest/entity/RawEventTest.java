package org.tidings.ingest.entity;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.CharBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.Random;
import org.junit.jupiter.api.Test;

class RawEventTest {

    @Test
    void aTextIsKeptAsItCameWithItsUtf8Bytes() {
        for (String text : new String[] {"", "{\"id\":\"1\"}", "caf\u00e9 \u20ac", "\ud83d\udce8 new mail"}) {
            RawEvent raw = RawEvent.ofText(text, null);
            assertThat(raw.text()).isSameAs(text);
            assertThat(raw.body()).isEqualTo(text.getBytes(StandardCharsets.UTF_8));
            assertThat(raw.encodable()).as(text).isTrue();
        }
        assertThat(RawEvent.ofText(null, null).body()).isEmpty();
    }

    @Test
    void anUnpairedSurrogateAnywhereMakesTheTextNotEncodable() {
        for (String text : new String[] {"\ud83d", "\udce8", "a\ud83d", "\udce8a", "\udce8\ud83d", "\ud83d\ud83d\udce8",
                "{\"data\":\"\ud83d\udce8\ud83d\"}", "\ud83d\udce8\udce8"}) {
            assertThat(RawEvent.ofText(text, null).encodable()).as(escaped(text)).isFalse();
        }
    }

    /** Random texts, most with surrogates here and there: the same verdict and bytes as a strict encoder's. */
    @Test
    void agreesWithAStrictEncoderOnRandomTexts() {
        var random = new Random(20261204);
        char[] alphabet = {'a', '{', '"', '\u00e9', '\u20ac', '\ud83d', '\udce8', '\ud800', '\udfff', '\uffff', '\u0000'};
        for (int n = 0; n < 20_000; n++) {
            var text = new StringBuilder();
            for (int i = random.nextInt(12); i > 0; i--) {
                text.append(alphabet[random.nextInt(alphabet.length)]);
            }
            String s = text.toString();
            RawEvent raw = RawEvent.ofText(s, null);
            byte[] strict = strictlyEncoded(s);
            assertThat(raw.encodable()).as(escaped(s)).isEqualTo(strict != null);
            if (strict != null) {
                assertThat(raw.body()).as(escaped(s)).isEqualTo(strict);
            }
        }
    }

    private static byte[] strictlyEncoded(String text) {
        try {
            var encoded = StandardCharsets.UTF_8.newEncoder().onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT).encode(CharBuffer.wrap(text));
            byte[] bytes = new byte[encoded.remaining()];
            encoded.get(bytes);
            return bytes;
        } catch (CharacterCodingException e) {
            return null;
        }
    }

    private static String escaped(String text) {
        var out = new StringBuilder();
        text.chars().forEach(c -> out.append(c < 0x80 ? String.valueOf((char) c) : String.format("\\u%04x", c)));
        return out.toString();
    }
}
