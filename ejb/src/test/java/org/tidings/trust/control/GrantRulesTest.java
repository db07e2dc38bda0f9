package org.tidings.trust.control;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.tidings.subscriptions.control.UriReach;
import org.tidings.subscriptions.entity.ResourceGroup;
import org.tidings.trust.entity.Grant;
import org.tidings.trust.entity.GrantKind;
import org.tidings.trust.entity.PrincipalKind;

class GrantRulesTest {

    private static Grant send(Set<String> types, Set<String> namespaces) {
        return new Grant(PrincipalKind.SOURCE, UUID.randomUUID(), GrantKind.SEND, false, types, namespaces, Set.of(),
                Set.of(), Set.of(), Instant.EPOCH);
    }

    private static Grant see(Set<String> subjects, Set<String> domains, Set<String> prefixes) {
        return new Grant(PrincipalKind.SUBSCRIBER, UUID.randomUUID(), GrantKind.SEE, false, Set.of(), Set.of(),
                subjects, domains, prefixes, Instant.EPOCH);
    }

    private static Grant all() {
        return new Grant(PrincipalKind.SUBSCRIBER, UUID.randomUUID(), GrantKind.SEE, true, Set.of(), Set.of(),
                Set.of(), Set.of(), Set.of(), Instant.EPOCH);
    }

    @Test
    void noGrantAllowsNothingAndAGrantOfAllEverything() {
        assertThat(GrantRules.NONE.allowsType("a.b")).isFalse();
        assertThat(GrantRules.NONE.coversAll(List.of("https://a.example/"))).isFalse();
        assertThat(GrantRules.of(List.of()).allowsType("a")).isFalse();
        GrantRules everything = GrantRules.of(List.of(all()));
        assertThat(everything.allowsType(null)).isTrue();
        assertThat(everything.coversAll(List.of())).isTrue();
        assertThat(everything.contains(Set.of(), Set.of(), Set.of())).isTrue();
    }

    @Test
    void aTypeNamespaceCoversItselfAndWhatIsUnderItAtADotOnly() {
        GrantRules rules = GrantRules.of(List.of(send(Set.of("org.example.presence.Login"), Set.of("org.example.mail"))));
        assertThat(rules.allowsType("org.example.mail")).isTrue();
        assertThat(rules.allowsType("org.example.mail.MessageNew")).isTrue();
        assertThat(rules.allowsType("org.example.mailbox.Full")).isFalse();
        assertThat(rules.allowsType("org.example.presence.Login")).isTrue();
        assertThat(rules.allowsType("org.example.presence.Logout")).isFalse();
        assertThat(rules.allowsType(null)).isFalse();
    }

    @Test
    void subjectsCompareInNormalFormDomainsAsFiltersDoAndPrefixesAtADelimiter() {
        GrantRules rules = GrantRules.of(List.of(see(Set.of("HTTPS://Exact.Example:443/a"), Set.of("mail.example",
                "*.corp.example"), Set.of("https://pages.example/img"))));
        assertThat(rules.covers("https://exact.example/a")).isTrue();
        assertThat(rules.covers("mailto:ann@mail.example")).isTrue();
        assertThat(rules.covers("mailto:ann@sub.mail.example")).as("a plain domain is that domain only").isFalse();
        assertThat(rules.covers("https://x.corp.example/")).isTrue();
        assertThat(rules.covers("https://corp.example/")).as("*. is for subdomains only").isFalse();
        assertThat(rules.covers("https://pages.example/img/1.png")).isTrue();
        assertThat(rules.covers("https://pages.example/imgs")).as("not at a delimiter").isFalse();
    }

    @Test
    void anEventIsCoveredOnlyIfEveryUriItIsAboutIsAndAnEventAboutNoneOnlyByAll() {
        GrantRules rules = GrantRules.of(List.of(see(Set.of(), Set.of("example.com"), Set.of())));
        assertThat(rules.coversAll(List.of("mailto:ann@example.com", "mailto:bob@example.com"))).isTrue();
        assertThat(rules.coversAll(List.of("mailto:ann@example.com", "mailto:eve@evil.example"))).isFalse();
        assertThat(rules.coversAll(List.of())).isFalse();
    }

    @Test
    void grantsOfOnePrincipalAddUp() {
        GrantRules rules = GrantRules.of(List.of(see(Set.of("https://a.example/1"), Set.of(), Set.of()),
                see(Set.of(), Set.of(), Set.of("https://b.example/"))));
        assertThat(rules.coversAll(List.of("https://a.example/1", "https://b.example/x"))).isTrue();
    }

    @Test
    void aFilterIsInsideWhenOnePartItConstrainsIsWhollyGranted() {
        GrantRules rules = GrantRules.of(List.of(see(Set.of("https://a.example/1"), Set.of("*.corp.example"),
                Set.of("https://b.example/docs/"))));
        assertThat(rules.contains(Set.of(), Set.of(), Set.of())).as("no subject part: everything").isFalse();
        assertThat(rules.contains(Set.of("https://a.example/1"), Set.of(), Set.of())).isTrue();
        assertThat(rules.contains(Set.of("https://a.example/1", "https://a.example/2"), Set.of(), Set.of())).isFalse();
        assertThat(rules.contains(Set.of(), Set.of(), Set.of("https://b.example/docs/x/"))).isTrue();
        assertThat(rules.contains(Set.of(), Set.of(), Set.of("https://b.example/"))).isFalse();
        assertThat(rules.contains(Set.of(), Set.of("x.corp.example", "*.y.corp.example"), Set.of())).isTrue();
        assertThat(rules.contains(Set.of(), Set.of("corp.example"), Set.of())).isFalse();
        assertThat(rules.contains(Set.of("https://nope.example/"), Set.of("x.corp.example"), Set.of()))
                .as("the domain part alone keeps it inside").isTrue();
    }

    /** mailto:a@x,b@y is about both mailboxes: a grant of domain x alone does not cover it (nor ?cc=b@y). */
    @Test
    void aMailboxListIsCoveredByDomainsOnlyIfEveryAddressIs() {
        GrantRules rules = GrantRules.of(List.of(see(Set.of(), Set.of("granted.example"), Set.of())));
        assertThat(rules.covers(UriReach.normalize("mailto:bob@granted.example,ceo@victim.example"))).isFalse();
        assertThat(rules.covers(UriReach.normalize("mailto:ceo@victim.example,bob@granted.example"))).isFalse();
        assertThat(rules.covers(UriReach.normalize("mailto:bob@granted.example?cc=ceo@victim.example"))).isFalse();
        assertThat(rules.covers(UriReach.normalize("mailto:bob@granted.example,ann@Granted.Example"))).isTrue();
        assertThat(rules.covers(UriReach.normalize("mailto:bob@granted.example?subject=hi"))).isTrue();
        assertThat(rules.covers(UriReach.normalize("mailto:bob@granted.example"))).isTrue();
    }
    /** A grant naming a resource group covers what the group holds: its members exactly, its prefixes as prefixes. */
    @Test
    void aGroupCoversItsMembersAndWhatItsPrefixesCoverAsItIsNow() {
        var group = new ResourceGroup("partner pages", Set.of("https://partner.example/img/"),
                Set.of("HTTPS://Partner.Example/index.html"), Instant.EPOCH);
        Grant grant = new Grant(PrincipalKind.SUBSCRIBER, UUID.randomUUID(), GrantKind.SEE, false, Set.of(), Set.of(),
                Set.of(), Set.of(), Set.of(), Set.of(group.id()), Instant.EPOCH);

        GrantRules rules = GrantRules.of(List.of(grant), id -> id.equals(group.id()) ? UriSet.of(group) : null);
        assertThat(rules.covers("https://partner.example/index.html")).as("a member, in normal form").isTrue();
        assertThat(rules.covers("https://partner.example/img/1.png")).isTrue();
        assertThat(rules.covers("https://partner.example/about.html")).isFalse();
        assertThat(rules.contains(Set.of(), Set.of(), Set.of("https://partner.example/img/logos/"))).isTrue();
        assertThat(rules.contains(Set.of("https://partner.example/index.html"), Set.of(), Set.of())).isTrue();

        group.redefined("partner pages", Set.of(), Set.of("https://partner.example/about.html"));
        GrantRules now = GrantRules.of(List.of(grant), id -> id.equals(group.id()) ? UriSet.of(group) : null);
        assertThat(now.covers("https://partner.example/about.html")).isTrue();
        assertThat(now.covers("https://partner.example/img/1.png")).as("no longer in the group").isFalse();
        assertThat(GrantRules.of(List.of(grant), id -> null).covers("https://partner.example/about.html"))
                .as("a group that is not there covers nothing").isFalse();
    }

    /**
     * Prefixes are found in a prefix tree, not compared one by one: the answer is the one a comparison with every
     * granted prefix gives, for prefixes of many lengths, hierarchical and opaque, at a delimiter and not, granted as
     * subject prefixes or held by a group.
     */
    @Test
    void manyPrefixesCoverWhatAComparisonWithEachWould() {
        List<String> granted = List.of("https://a.example/img", "https://a.example/img/", "https://a.example/docs/x",
                "tel:+1201", "mailto:ann", "https://b.example/", "https://c.example/p?q=", "urn:isbn:0");
        GrantRules rules = GrantRules.of(List.of(see(Set.of(), Set.of(), Set.copyOf(granted))));
        var group = new ResourceGroup("prefixes", Set.copyOf(granted), Set.of(), Instant.EPOCH);
        GrantRules byGroup = GrantRules.of(List.of(new Grant(PrincipalKind.SUBSCRIBER, UUID.randomUUID(),
                GrantKind.SEE, false, Set.of(), Set.of(), Set.of(), Set.of(), Set.of(), Set.of(group.id()),
                Instant.EPOCH)), id -> UriSet.of(group));
        List<String> uris = List.of("https://a.example/img", "https://a.example/img/1.png", "https://a.example/imgs",
                "https://a.example/img.png", "https://a.example/docs/x;v=1", "https://a.example/docs/xy",
                "tel:+12015550123", "tel:+1202", "mailto:anne@example.com", "mailto:an", "https://b.example/",
                "https://b.example/z", "https://c.example/p?q=1", "https://c.example/p", "urn:isbn:0451450523",
                "urn:isbn", "https://d.example/");
        for (String uri : uris) {
            String normal = UriReach.normalize(uri);
            boolean expected = granted.stream().map(UriReach::normalize).anyMatch(p -> UriReach.covers(p, normal));
            assertThat(rules.covers(normal)).as(uri).isEqualTo(expected);
            assertThat(rules.contains(Set.of(), Set.of(), Set.of(uri))).as("the prefix " + uri).isEqualTo(expected);
            assertThat(byGroup.covers(normal)).as("by the group: " + uri).isEqualTo(expected);
            assertThat(byGroup.contains(Set.of(), Set.of(), Set.of(uri))).as("by the group, the prefix " + uri)
                    .isEqualTo(expected);
        }
        assertThat(uris.stream().filter(uri -> rules.covers(UriReach.normalize(uri)))).as("some are covered, some not")
                .isNotEmpty().hasSizeLessThan(uris.size());
    }
}
