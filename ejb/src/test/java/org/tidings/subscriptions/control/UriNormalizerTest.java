package org.tidings.subscriptions.control;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import java.text.Normalizer;
import java.time.Duration;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

// covers S2S-12 (Unicode subjects compare by their normalized form), S2S-6
class UriNormalizerTest {

    private static final List<String> STARTS = List.of("mailto:", "HTTPS://", "http://a", "sip:", "x:/", "WS://xn--");
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

    @ParameterizedTest(name = "{0} -> {1}")
    @CsvSource(delimiter = '|', quoteCharacter = '"', textBlock = """
            http://example.com/a/./b                  | http://example.com/a/b
            http://example.com/a/b/../c               | http://example.com/a/c
            http://a/b/c/./../../g                    | http://a/g
            http://a/b/c/g;x=1/../y                   | http://a/b/c/y
            http://a/b/c/g/..                         | http://a/b/c/
            http://example.com/a/b/..                 | http://example.com/a/
            http://example.com/a/b/.                  | http://example.com/a/b/
            http://example.com/../../a                | http://example.com/a
            http://example.com/a/%2E%2E/b             | http://example.com/b
            http://example.com/a/.b/..c/...           | http://example.com/a/.b/..c/...
            http://example.com/a/../b?x=/../#/./      | http://example.com/b?x=/../#/./
            file:///etc/./hosts                       | file:///etc/hosts
            tag:/a/../b                               | tag:/b
            http://Example.com:80/a                   | http://example.com/a
            https://example.com:443/a                 | https://example.com/a
            https://example.com:/a                    | https://example.com/a
            https://example.com:0443/a                | https://example.com/a
            ws://example.com:80/chat                  | ws://example.com/chat
            wss://example.com:443/chat                | wss://example.com/chat
            http://example.com:443/a                  | http://example.com:443/a
            https://example.com:80/a                  | https://example.com:80/a
            https://example.com:08443/a               | https://example.com:8443/a
            ftp://example.com:21/a                    | ftp://example.com:21/a
            https://[2001:DB8::1]:443/a               | https://[2001:db8::1]/a
            https://ann@example.com:443               | https://ann@example.com/
            https://example.com                       | https://example.com/
            https://example.com?q=1                   | https://example.com/?q=1
            https://example.com#top                   | https://example.com/#top
            HTTP://EXAMPLE.COM:80                     | http://example.com/
            foo://example.com                         | foo://example.com
            https://example.com./a                    | https://example.com/a
            https://Example.COM.:443/a                | https://example.com/a
            https://example.com../a                   | https://example.com../a
            https://./a                               | https://./a
            https://xn--bcher-kva.example/a           | https://bücher.example/a
            https://XN--BCHER-KVA.example/a           | https://bücher.example/a
            https://BÜCHER.example/a                  | https://bücher.example/a
            https://xn--fa-hia.de/                    | https://xn--fa-hia.de/
            https://xn--zz.example/                   | https://xn--zz.example/
            mailto:ann@Example.COM.                   | mailto:ann@example.com
            mailto:ann@xn--bcher-kva.example          | mailto:ann@bücher.example
            mailto:a/../b@example.com                 | mailto:a/../b@example.com
            urn:example:a/./b                         | urn:example:a/./b
            INBOX/./Sent                              | INBOX/./Sent
            """)
    void appliesTheSyntaxAndSchemeBasedRulesOfRfc3986Section6(String written, String expected) {
        assertThat(UriNormalizer.normalize(written)).isEqualTo(expected);
    }

    @ParameterizedTest(name = "{0} = {1}")
    @CsvSource(delimiter = '|', textBlock = """
            http://Example.com:80/a/./b      | http://example.com/a/b
            HTTPS://example.com              | https://example.com:443/
            https://example.com./%7Eann/x/.. | https://EXAMPLE.com/~ann/
            """)
    void equivalentSpellingsNormalizeAlike(String one, String other) {
        assertThat(UriNormalizer.normalize(one)).isEqualTo(UriNormalizer.normalize(other));
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
            sip:bob@[2001:db8::1]:5060            | [2001:db8::1]
            pres:ann@example.com                  | example.com
            https://example.com/x                 | example.com
            https://user@example.com:8443/x       | example.com
            https://[2001:db8::1]:443/x           | [2001:db8::1]
            https://example.com?q                 | example.com
            https://example.com.:443/x            | example.com
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
            example.com.    | example.com
            *.Example.com.  | *.example.com
            xn--bcher-kva.example | bücher.example
            """)
    void normalizesDomainsLikeHosts(String written, String expected) {
        assertThat(UriNormalizer.normalizeDomain(written)).isEqualTo(expected);
    }

    @ParameterizedTest
    @ValueSource(strings = {"", ":", "%", "%%%", "a%", "a%4", "mailto:", "mailto:@", "sip:@;", "https://",
        "https://@", "https://[", "x://a@", "\uD800", "mailto:\uDC00@\uD800", "http://İ.example/", "1abc:def",
        "http://a:/", "http://[::1", "http://a/..", "http:/..", "a:/./..", "http://.", "http://..", "http://xn--",
        "http://xn--a.", "http://a:99999999999999999999/", "http://%2E%2E/%2E%2E", "ws://a:080"})
    void neverThrowsAndIsIdempotent(String odd) {
        assertThatCode(() -> UriNormalizer.normalize(odd)).doesNotThrowAnyException();
        assertThatCode(() -> UriNormalizer.domainOf(UriNormalizer.normalize(odd))).doesNotThrowAnyException();
        String once = UriNormalizer.normalize(odd);
        assertThat(UriNormalizer.normalize(once)).isEqualTo(once);
    }

    @ParameterizedTest
    @ValueSource(strings = {"/..", "/./", "/a/..", "a/", "xn--bcher-kva.", "0"})
    void normalizesAHostileSubjectInLinearTime(String repeated) {
        String hostile = "http://" + (repeated.startsWith("/") ? "a" : "") + repeated.repeat(200_000);
        // a generous bound, not a speed goal: a quadratic step would take minutes on a 1 MB subject
        String once = assertTimeoutPreemptively(Duration.ofSeconds(10), () -> UriNormalizer.normalize(hostile));
        assertThat(UriNormalizer.normalize(once)).isEqualTo(once);
    }

    @Test
    void isIdempotentOnRandomText() {
        Random random = new Random(7);
        String alphabet = "aZ:/@%%..;?,~2fF3741ë\u0308ÄİΣ #08";
        for (int i = 0; i < 20_000; i++) {
            StringBuilder text = new StringBuilder(STARTS.get(random.nextInt(STARTS.size())));
            for (int n = random.nextInt(16); n > 0; n--) {
                text.append(alphabet.charAt(random.nextInt(alphabet.length())));
            }
            String once = UriNormalizer.normalize(text.toString());
            assertThat(UriNormalizer.normalize(once)).as(text.toString()).isEqualTo(once);
        }
    }
}
