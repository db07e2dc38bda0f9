package org.tidings.subscriptions.control;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.params.provider.Arguments.arguments;
import static org.tidings.subscriptions.control.FilterBuilder.filter;
import static org.tidings.subscriptions.control.TestEvents.event;

import io.cloudevents.CloudEvent;
import java.net.URI;
import java.text.Normalizer;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

// covers S2S-6, S2S-12, S2S-15, LEM-3
class FilterKindsTest {

    private static final String NEW = "org.example.mail.MessageNew";
    private static final String READ = "org.example.mail.MessageRead";
    private static final String ANN = "mailto:ann@example.com";
    private static final String ZOE = "mailto:zoë@exämple.org";
    private static final String ZOE_NFD = Normalizer.normalize(ZOE, Normalizer.Form.NFD);

    static Stream<Arguments> types() {
        return Stream.of(
                arguments("exact type", filter().types(NEW), event(NEW, ANN).build(), true),
                arguments("another type", filter().types(NEW), event(READ, ANN).build(), false),
                arguments("types are case-sensitive", filter().types(NEW.toLowerCase()), event(NEW, ANN).build(),
                        false),
                arguments("any listed type", filter().types(NEW, READ), event(READ, ANN).build(), true),
                arguments("namespace is its own member", filter().typePrefixes("org.example.mail"),
                        event("org.example.mail", ANN).build(), true),
                arguments("type in namespace", filter().typePrefixes("org.example.mail"), event(NEW, ANN).build(),
                        true),
                arguments("type in outer namespace", filter().typePrefixes("org.example"), event(NEW, ANN).build(),
                        true),
                arguments("namespace ends on a dot boundary", filter().typePrefixes("org.example.mail"),
                        event("org.example.mailer.Sent", ANN).build(), false),
                arguments("half a segment is no namespace", filter().typePrefixes("org.exam"),
                        event(NEW, ANN).build(), false),
                arguments("namespace longer than the type", filter().typePrefixes(NEW + ".x"),
                        event(NEW, ANN).build(), false),
                arguments("exact type and namespace both required", filter().types(NEW).typePrefixes("com.acme"),
                        event(NEW, ANN).build(), false));
    }

    static Stream<Arguments> sources() {
        return Stream.of(
                arguments("exact source", filter().sources(TestEvents.STORE), event(NEW, ANN).build(), true),
                arguments("source scheme and host case", filter().sources("HTTPS://Store.EXAMPLE.org/"),
                        event(NEW, ANN).build(), true),
                arguments("another source", filter().sources("https://other.example.org/"),
                        event(NEW, ANN).build(), false),
                arguments("source path keeps its case", filter().sources("https://store.example.org/A"),
                        event(NEW, ANN).withSource(URI.create("https://store.example.org/a")).build(), false),
                arguments("source escapes normalized", filter().sources("https://store.example.org/%7estore"),
                        event(NEW, ANN).withSource(URI.create("https://store.example.org/~store")).build(), true));
    }

    static Stream<Arguments> subjects() {
        return Stream.of(
                arguments("exact subject", filter().subjects(ANN), event(NEW, ANN).build(), true),
                arguments("mailto domain case", filter().subjects("mailto:ann@Example.COM"),
                        event(NEW, ANN).build(), true),
                arguments("mailto scheme case", filter().subjects("MAILTO:ann@example.com"),
                        event(NEW, ANN).build(), true),
                arguments("local part keeps its case", filter().subjects("mailto:Ann@example.com"),
                        event(NEW, ANN).build(), false),
                arguments("NFD event, NFC filter", filter().subjects(ZOE), event(NEW, ZOE_NFD).build(), true),
                arguments("NFC event, NFD filter", filter().subjects(ZOE_NFD), event(NEW, ZOE).build(), true),
                arguments("Unicode domain case", filter().subjects("mailto:zoë@EXÄMPLE.org"),
                        event(NEW, ZOE).build(), true),
                arguments("escaped UTF-8 is not the character", filter().subjects("mailto:zo%C3%AB@exämple.org"),
                        event(NEW, ZOE).build(), false),
                arguments("%7e is ~", filter().subjects("https://example.com/%7eann"),
                        event(NEW, "https://example.com/~ann").build(), true),
                arguments("%7e is %7E", filter().subjects("https://example.com/%7eann"),
                        event(NEW, "https://example.com/%7Eann").build(), true),
                arguments("%2f is not /", filter().subjects("https://example.com/a%2fb"),
                        event(NEW, "https://example.com/a/b").build(), false),
                arguments("%2f is %2F", filter().subjects("https://example.com/a%2fb"),
                        event(NEW, "https://example.com/a%2Fb").build(), true),
                arguments("%41 is A, not a", filter().subjects("https://example.com/%41"),
                        event(NEW, "https://example.com/a").build(), false),
                arguments("sip host case", filter().subjects("sip:bob@Example.COM"),
                        event(NEW, "sip:bob@example.com").build(), true),
                arguments("tel", filter().subjects("tel:+1-201-555-0123"),
                        event(NEW, "tel:+1-201-555-0123").build(), true),
                arguments("https path keeps its case", filter().subjects("https://Example.COM/x"),
                        event(NEW, "https://example.com/X").build(), false),
                arguments("any listed subject", filter().subjects("mailto:bob@example.com", ANN),
                        event(NEW, ANN).build(), true),
                arguments("no subject on the event", filter().subjects(ANN), event(NEW, null).build(), false));
    }

    static Stream<Arguments> domains() {
        return Stream.of(
                arguments("mailto domain", filter().subjectDomains("example.com"), event(NEW, ANN).build(), true),
                arguments("sip domain, any case", filter().subjectDomains("example.com"),
                        event(NEW, "sip:bob@Example.COM;transport=tcp").build(), true),
                arguments("https host", filter().subjectDomains("example.com"),
                        event(NEW, "https://user@example.com:8443/x").build(), true),
                arguments("filter domain case", filter().subjectDomains("Example.COM"), event(NEW, ANN).build(), true),
                arguments("Unicode domain", filter().subjectDomains("EXÄMPLE.org"), event(NEW, ZOE_NFD).build(), true),
                arguments("subdomain is not the domain", filter().subjectDomains("example.com"),
                        event(NEW, "mailto:ann@mail.example.com").build(), false),
                arguments("*. matches a subdomain", filter().subjectDomains("*.example.com"),
                        event(NEW, "mailto:ann@mail.example.com").build(), true),
                arguments("*. matches a deep subdomain", filter().subjectDomains("*.example.com"),
                        event(NEW, "https://a.b.example.com/").build(), true),
                arguments("*. does not match the domain", filter().subjectDomains("*.example.com"),
                        event(NEW, ANN).build(), false),
                arguments("*. is on a label boundary", filter().subjectDomains("*.example.com"),
                        event(NEW, "mailto:ann@notexample.com").build(), false),
                arguments("tel has no domain", filter().subjectDomains("example.com"),
                        event(NEW, "tel:+1-201-555-0123").build(), false),
                arguments("mailto headers are not the domain", filter().subjectDomains("example.com"),
                        event(NEW, "mailto:ann@example.com?subject=hi").build(), true));
    }

    static Stream<Arguments> subjectPrefixes() {
        return Stream.of(
                arguments("URI under prefix", filter().subjectPrefixes("https://example.com/docs/"),
                        event(NEW, "https://example.com/docs/a").build(), true),
                arguments("prefix normalized", filter().subjectPrefixes("HTTPS://Example.COM/docs/"),
                        event(NEW, "https://example.com/docs/a").build(), true),
                arguments("shorter subject", filter().subjectPrefixes("https://example.com/docs/"),
                        event(NEW, "https://example.com/doc").build(), false),
                arguments("plain string prefix", filter().subjectPrefixes("mailto:ann"),
                        event(NEW, "mailto:anne@example.com").build(), true),
                arguments("number range", filter().subjectPrefixes("tel:+1201"),
                        event(NEW, "tel:+12015550123").build(), true),
                arguments("a URI prefix ends at a delimiter", filter().subjectPrefixes("https://example.com/img"),
                        event(NEW, "https://example.com/imgs/1").build(), false),
                arguments("a URI prefix beside a subject ends at a delimiter",
                        filter().subjects("https://example.com/imgs/1").subjectPrefixes("https://example.com/img"),
                        event(NEW, "https://example.com/imgs/1").build(), false),
                arguments("a URI prefix covers its path", filter().subjectPrefixes("https://example.com/img"),
                        event(NEW, "https://example.com/img/1").build(), true),
                arguments("a host is no domain prefix", filter().subjectPrefixes("https://example.com"),
                        event(NEW, "https://example.com.evil.example/").build(), false),
                arguments("equivalent spellings", filter().subjectPrefixes("https://example.com./docs/"),
                        event(NEW, "HTTPS://example.com:443/img/../docs/a").build(), true));
    }

    static Stream<Arguments> expressions() {
        return Stream.of(
                arguments("expression holds", filter().expression("messagesize > 1000"),
                        event(NEW, ANN).withExtension("messagesize", 5000).build(), true),
                arguments("expression false", filter().expression("messagesize > 1000"),
                        event(NEW, ANN).withExtension("messagesize", 500).build(), false),
                arguments("missing attribute", filter().expression("mailbox = 'INBOX'"), event(NEW, ANN).build(),
                        false),
                arguments("not a boolean", filter().expression("'yes'"), event(NEW, ANN).build(), false),
                arguments("evaluation error", filter().expression("messagesize / 0 = 0"),
                        event(NEW, ANN).withExtension("messagesize", 5).build(), false),
                arguments("over core attributes", filter().expression("type LIKE 'org.example.%' AND subject = '" + ANN
                        + "'"), event(NEW, ANN).build(), true));
    }

    static Stream<Arguments> combinations() {
        return Stream.of(
                arguments("match-all", filter(), event(NEW, null).build(), true),
                arguments("type and subject", filter().types(NEW).subjects(ANN), event(NEW, ANN).build(), true),
                arguments("type without subject", filter().types(NEW).subjects(ANN),
                        event(NEW, "mailto:bob@example.com").build(), false),
                arguments("subject without type", filter().types(NEW).subjects(ANN), event(READ, ANN).build(), false),
                arguments("namespace and domain",
                        filter().typePrefixes("org.example.mail").subjectDomains("example.com"),
                        event(READ, ANN).build(), true),
                arguments("namespace without domain", filter().typePrefixes("org.example.mail")
                        .subjectDomains("example.net"), event(READ, ANN).build(), false),
                arguments("source and type", filter().sources(TestEvents.STORE).types(READ),
                        event(READ, ANN).build(), true),
                arguments("subject and failing expression", filter().subjects(ANN).expression("messagesize > 1000"),
                        event(NEW, ANN).withExtension("messagesize", 10).build(), false),
                arguments("every part", filter().types(NEW).typePrefixes("org").sources(TestEvents.STORE)
                        .subjects(ANN).subjectDomains("example.com").subjectPrefixes("mailto:").expression("true"),
                        event(NEW, ANN).build(), true));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource({"types", "sources", "subjects", "domains", "subjectPrefixes", "expressions", "combinations"})
    void matchesAsTheFilterSays(String description, FilterBuilder filter, CloudEvent event, boolean expected) {
        UUID wanted = UUID.randomUUID();
        SubscriptionIndex index = new SubscriptionIndex();
        LinearMatcher oracle = new LinearMatcher();
        index.put(wanted, filter.build());
        oracle.put(wanted, filter.build());
        UUID unrelated = UUID.randomUUID();
        index.put(unrelated, filter().types("com.acme.Unrelated").build());

        assertThat(index.match(event)).as(description).isEqualTo(expected ? List.of(wanted) : List.of());
        assertThat(oracle.match(event)).as("oracle: " + description).isEqualTo(expected ? Set.of(wanted) : Set.of());
    }
}
