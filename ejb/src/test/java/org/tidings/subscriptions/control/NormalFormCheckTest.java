package org.tidings.subscriptions.control;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class NormalFormCheckTest {

    private static final List<String> STARTS = List.of("", "http://", "https://", "HTTP://", "ws://", "wss://",
            "ftp://", "x:/", "mailto:", "im:", "pres:", "sip:", "sips:", "urn:", "tel:", "s+1.-:", "//", "a");

    @ParameterizedTest
    @ValueSource(strings = {"https://site7.example/pages/3", "https://store1.example.net/", "mailto:user9@d42.example",
        "sip:User5@d1.example;transport=tcp", "sip:d1.example", "mailto:Ann@example.com,bob@example.org?subject=hi",
        "urn:example:Thing", "tel:+1-201-555-0123", "INBOX", "https://a.example/x?Q=/./#F", "ftp://a.example"})
    void recognizesTheCommonNormalSpellings(String normal) {
        assertThat(NormalFormCheck.isPlainlyNormal(normal)).isTrue();
        assertThat(UriNormalizer.normalizeFully(normal)).isEqualTo(normal);
    }

    @ParameterizedTest
    @ValueSource(strings = {"https://Site7.example/", "HTTPS://a.example/", "https://a.example", "https://a.example.",
        "https://a.example:443/", "https://u@a.example/", "https://[::1]/", "https://a.example/x/../y",
        "https://a.example/./", "https://xn--bcher-kva.example/", "mailto:ann@Example.com", "mailto:ann@example.com.",
        "sip:bob@example.com.;transport=tcp", "sip:Example.com", "https://a.example/%7e", "mailto:zoë@example.org",
        "https://a.example/a b", "x:/a/./b"})
    void leavesEverythingElseToTheFullRules(String text) {
        assertThat(NormalFormCheck.isPlainlyNormal(text)).isFalse();
    }

    /** The check may say false too often, never true where the full rules would change the text. */
    @Test
    void neverCallsNormalWhatTheFullRulesChange() {
        Random random = new Random(Long.getLong("seed", 11));
        String alphabet = "aZz09:/@%.;?,#[]-+~xn-AX";
        int recognized = 0;
        for (int i = 0; i < Integer.getInteger("texts", 200_000); i++) {
            StringBuilder text = new StringBuilder(STARTS.get(random.nextInt(STARTS.size())));
            for (int n = random.nextInt(14); n > 0; n--) {
                text.append(alphabet.charAt(random.nextInt(alphabet.length())));
            }
            String candidate = text.toString();
            if (NormalFormCheck.isPlainlyNormal(candidate)) {
                recognized++;
                assertThat(UriNormalizer.normalizeFully(candidate)).as(candidate).isEqualTo(candidate);
            }
        }
        assertThat(recognized).as("the random texts exercise the fast path").isGreaterThan(10_000);
    }
}
