package org.tidings.subscriptions.control;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;

import java.text.Normalizer;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

// covers S2S-12 (Unicode subjects compare by their normalized form), S2S-6
class UriNormalizerTest {

    private static final String ZOE_NFD = Normalizer.normalize("mailto:zoë@exämple.org", Normalizer.Form.NFD);

    @ParameterizedTest(name = "{0} -> {1}")
    @CsvSource(delimiter = '|', quoteCharacter = '"', textBlock = """
            mailto:ann@example.com                | mailto:ann@example.com
            MAILTO:Ann@Example.COM                | mailto:Ann@example.com
            mailto:zoë@EXÄMPLE.org                | mailto:zoë@exämple.org
            mailto:a@X.COM,b@Y.COM?subject=Hi     | mailto:a@x.com,b@y.com?subject=Hi
            sip:Bob@Example.COM;transport=TCP     | sip:Bob@example.com;transport=TCP
            SIP:Example.COM                       | sip:example.com
            sips:bob@EXAMPLE.com:5061             | sips:bob@example.com:5061
            tel:+1-201-555-0123                   | tel:+1-201-555-0123
            HTTPS://User@Example.COM:8443/Docs/A  | https://User@example.com:8443/Docs/A
            https://example.com/%7eann            | https://example.com/~ann
            https://example.com/%7Eann            | https://example.com/~ann
            https://example.com/a%2fb             | https://example.com/a%2Fb
            https://example.com/a%2Fb             | https://example.com/a%2Fb
            https://example.com/%41%5a%30%2d%5F   | https://example.com/AZ0-_
            https://EX%41MPLE.com/                | https://example.com/
            https://example.com/zo%c3%ab          | https://example.com/zo%C3%AB
            https://example.com/100%              | https://example.com/100%25
            https://example.com/%zz%4             | https://example.com/%25zz%254
            https://example.com/%%3741            | https://example.com/%25741
            urn:ISBN:0451450523                   | urn:ISBN:0451450523
            INBOX/Sent                            | INBOX/Sent
            not a uri: Mixed                      | not a uri: Mixed
            """)
    void normalizesSchemeHostAndEscapes(String written, String expected) {
        assertThat(UriNormalizer.normalize(written)).isEqualTo(expected);
    }

    @Test
    void composesDecomposedUnicode() {
        assertThat(ZOE_NFD).isNotEqualTo("mailto:zoë@exämple.org");
        assertThat(UriNormalizer.normalize(ZOE_NFD)).isEqualTo("mailto:zoë@exämple.org");
    }

    @Test
    void keepsEscapedUtf8DistinctFromTheCharacter() {
        assertThat(UriNormalizer.normalize("mailto:zo%C3%AB@example.org"))
                .isNotEqualTo(UriNormalizer.normalize("mailto:zoë@example.org"));
    }

    @Test
    void returnsTheSameInstanceWhenAlreadyNormalized() {
        String normalized = "mailto:ann@example.com";
        assertThat(UriNormalizer.normalize(normalized)).isSameAs(normalized);
    }

    @ParameterizedTest(name = "{0} -> {1}")
    @CsvSource(delimiter = '|', nullValues = "NONE", textBlock = """
            mailto:ann@example.com                | example.com
            mailto:ann@example.com?subject=hi     | example.com
            mailto:a@x.com,b@y.com                | x.com
            sip:bob@example.com;transport=tcp     | example.com
            sip:bob@example.com:5060              | example.com
            sip:example.com                       | example.com
            pres:ann@example.com                  | example.com
            https://example.com/x                 | example.com
            https://user@example.com:8443/x       | example.com
            https://[2001:db8::1]:443/x           | [2001:db8::1]
            https://example.com?q                 | example.com
            tel:+1-201-555-0123                   | NONE
            urn:example:thing                     | NONE
            mailto:postmaster                     | NONE
            https:///path                         | NONE
            INBOX                                 | NONE
            """)
    void findsTheDomainOfASubject(String subject, String domain) {
        assertThat(UriNormalizer.domainOf(UriNormalizer.normalize(subject))).isEqualTo(domain);
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', textBlock = """
            Example.COM     | example.com
            *.EXAMPLE.com   | *.example.com
            EXÄMPLE.org     | exämple.org
            ex%41mple.com   | example.com
            """)
    void normalizesDomainsLikeHosts(String written, String expected) {
        assertThat(UriNormalizer.normalizeDomain(written)).isEqualTo(expected);
    }

    @ParameterizedTest
    @ValueSource(strings = {"", ":", "%", "%%%", "a%", "a%4", "mailto:", "mailto:@", "sip:@;", "https://",
        "https://@", "https://[", "x://a@", "\uD800", "mailto:\uDC00@\uD800", "http://İ.example/", "1abc:def"})
    void neverThrowsAndIsIdempotent(String odd) {
        assertThatCode(() -> UriNormalizer.normalize(odd)).doesNotThrowAnyException();
        assertThatCode(() -> UriNormalizer.domainOf(UriNormalizer.normalize(odd))).doesNotThrowAnyException();
        String once = UriNormalizer.normalize(odd);
        assertThat(UriNormalizer.normalize(once)).isEqualTo(once);
    }

    @Test
    void isIdempotentOnRandomText() {
        Random random = new Random(7);
        String alphabet = "aZ:/@%%.;?,~2fF3741ë\u0308ÄİΣ ";
        for (int i = 0; i < 20_000; i++) {
            StringBuilder text = new StringBuilder(random.nextBoolean() ? "mailto:" : "HTTPS://");
            for (int n = random.nextInt(12); n > 0; n--) {
                text.append(alphabet.charAt(random.nextInt(alphabet.length())));
            }
            String once = UriNormalizer.normalize(text.toString());
            assertThat(UriNormalizer.normalize(once)).as(text.toString()).isEqualTo(once);
        }
    }
}
