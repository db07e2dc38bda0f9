package org.tidings.delivery.webhook;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.URI;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class AddressPolicyTest {

    private final AddressPolicy defaults = AddressPolicy.defaults();
    private final AddressPolicy strict = new AddressPolicy("", AddressPolicy.DEFAULT_DENY);

    @ParameterizedTest
    @ValueSource(strings = {"0.0.0.0", "0.1.2.3", "10.0.0.1", "10.255.255.255", "100.64.0.1", "100.127.255.255",
            "169.254.169.254", "172.16.0.1", "172.31.255.255", "192.168.1.1", "224.0.0.1", "239.255.255.255",
            "240.0.0.1", "255.255.255.255", "::", "fc00::1", "fd12:3456::1", "fe80::1", "febf::1", "ff02::1"})
    void deniesInternalRangesByDefault(String address) throws Exception {
        assertThat(defaults.permits(InetAddress.getByName(address))).isFalse();
    }

    @ParameterizedTest
    @ValueSource(strings = {"1.1.1.1", "8.8.8.8", "9.255.255.255", "11.0.0.0", "100.63.255.255", "100.128.0.0",
            "169.253.255.255", "172.15.255.255", "172.32.0.0", "192.167.255.255", "192.169.0.0", "223.255.255.255",
            "2001:4860:4860::8888", "2606:4700::1111", "fbff::1", "fec0::1"})
    void permitsPublicAddressesByDefault(String address) throws Exception {
        assertThat(defaults.permits(InetAddress.getByName(address))).isTrue();
    }

    @ParameterizedTest
    @ValueSource(strings = {"127.0.0.1", "127.1.2.3", "::1"})
    void theDefaultAllowsLoopbackAndAnEmptyAllowListDeniesIt(String address) throws Exception {
        assertThat(defaults.permits(InetAddress.getByName(address))).isTrue();
        assertThat(strict.permits(InetAddress.getByName(address))).isFalse();
    }

    @Test
    void checkAllRefusesAnAnswerWithOneDeniedAddressOrNoAddressAndPassesAPermittedOne() throws Exception {
        AddressPolicy policy = new AddressPolicy("127.0.0.1", "127.0.0.0/8");
        InetAddress permitted = InetAddress.getByName("127.0.0.1");
        InetAddress denied = InetAddress.getByName("127.0.0.2");
        assertThatCode(() -> policy.checkAll("cache.test", new InetAddress[] {permitted})).doesNotThrowAnyException();
        assertThatThrownBy(() -> policy.checkAll("cache.test", new InetAddress[] {permitted, denied}))
                .isInstanceOf(AddressPolicy.Refused.class)
                .hasMessage("address-denied: host cache.test resolves to an address the address policy refuses "
                        + "(Tidings' log names it)");
        assertThatThrownBy(() -> policy.checkAll("cache.test", new InetAddress[0]))
                .isInstanceOf(AddressPolicy.Refused.class).hasMessageStartingWith("unresolved:");
    }

    @Test
    void judgesIpv4MappedIpv6AddressesByTheirIpv4Address() throws Exception {
        assertThat(defaults.permits(mapped(10, 0, 0, 1))).isFalse();
        assertThat(defaults.permits(mapped(169, 254, 169, 254))).isFalse();
        assertThat(defaults.permits(mapped(192, 168, 0, 1))).isFalse();
        assertThat(defaults.permits(mapped(8, 8, 8, 8))).isTrue();
        assertThat(defaults.permits(mapped(127, 0, 0, 1))).isTrue();
        assertThat(strict.permits(mapped(127, 0, 0, 1))).isFalse();
    }

    @Test
    void ipv6RangesCoverMappedAddressesToo() throws Exception {
        AddressPolicy noMapped = new AddressPolicy("", "::ffff:0:0/96");

        assertThat(noMapped.permits(mapped(8, 8, 8, 8))).isFalse();
        assertThat(noMapped.permits(InetAddress.getByName("8.8.8.8"))).isTrue();
        assertThat(new AddressPolicy("", "::ffff:10.0.0.0/104").permits(mapped(10, 1, 2, 3))).isFalse();
    }

    @Test
    void allowOverridesDeny() throws Exception {
        AddressPolicy policy = new AddressPolicy("10.1.0.0/16, fd00::5", "10.0.0.0/8,fc00::/7");

        assertThat(policy.permits(InetAddress.getByName("10.1.2.3"))).isTrue();
        assertThat(policy.permits(InetAddress.getByName("10.2.0.1"))).isFalse();
        assertThat(policy.permits(InetAddress.getByName("fd00::5"))).isTrue();
        assertThat(policy.permits(InetAddress.getByName("fd00::6"))).isFalse();
    }

    @Test
    void prefixesNeedNotEndOnAByte() throws Exception {
        AddressPolicy policy = new AddressPolicy("", "198.18.0.0/15,2001:db8::/33");

        assertThat(policy.permits(InetAddress.getByName("198.19.255.255"))).isFalse();
        assertThat(policy.permits(InetAddress.getByName("198.20.0.0"))).isTrue();
        assertThat(policy.permits(InetAddress.getByName("2001:db8:7fff::1"))).isFalse();
        assertThat(policy.permits(InetAddress.getByName("2001:db8:8000::1"))).isTrue();
    }

    @Test
    void emptyListsPermitEverything() throws Exception {
        AddressPolicy open = new AddressPolicy("", " ");

        assertThat(open.permits(InetAddress.getByName("10.0.0.1"))).isTrue();
        assertThat(open.permits(InetAddress.getByName("::1"))).isTrue();
    }

    @ParameterizedTest
    @ValueSource(strings = {"10.0.0.0/33", "10.0.0/8", "10.0.0.256/32", "10.0.0.0/", "10.0.0.0/-1", "10.0.0.0/a",
            "::/129", "fe80::1%eth0/128", "example.com/8", "localhost", "1:2:3:4:5:6:7:8:9/64", "10.0.0.1.2"})
    void refusesMalformedRanges(String cidr) {
        assertThatThrownBy(() -> new AddressPolicy(cidr, "")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new AddressPolicy("", "10.0.0.0/8," + cidr))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void checkResolvesAndRefusesDeniedAddresses() {
        assertThatCode(() -> defaults.check(URI.create("http://127.0.0.1:8080/hook"))).doesNotThrowAnyException();
        assertThatCode(() -> defaults.check(URI.create("https://[::1]/hook"))).doesNotThrowAnyException();
        assertThatCode(() -> defaults.check(URI.create("http://localhost/hook"))).doesNotThrowAnyException();

        assertRefused(strict, "http://localhost/hook?token=s3cret", AddressPolicy.Reason.ADDRESS_DENIED);
        assertRefused(defaults, "http://169.254.169.254/latest/meta-data", AddressPolicy.Reason.ADDRESS_DENIED);
        assertRefused(defaults, "http://[::ffff:10.0.0.1]/", AddressPolicy.Reason.ADDRESS_DENIED);
        assertRefused(defaults, "http://10.0.0.1:9000/", AddressPolicy.Reason.ADDRESS_DENIED);
    }

    @Test
    void checkRefusesOtherSchemesMissingHostsAndUnresolvableNames() {
        assertRefused(defaults, "ftp://127.0.0.1/hook", AddressPolicy.Reason.SCHEME_NOT_HTTP);
        assertRefused(defaults, "file:///etc/passwd", AddressPolicy.Reason.SCHEME_NOT_HTTP);
        assertRefused(defaults, "/relative", AddressPolicy.Reason.SCHEME_NOT_HTTP);
        assertRefused(defaults, "http:///path", AddressPolicy.Reason.NO_HOST);
        assertRefused(defaults, "http://under_score/", AddressPolicy.Reason.NO_HOST);
        assertRefused(defaults, "http://no-such-host.invalid/", AddressPolicy.Reason.UNRESOLVED);
    }

    private static void assertRefused(AddressPolicy policy, String url, AddressPolicy.Reason reason) {
        assertThatThrownBy(() -> policy.check(URI.create(url)))
                .isInstanceOfSatisfying(AddressPolicy.Refused.class, refused -> {
                    assertThat(refused.reason()).isEqualTo(reason);
                    assertThat(refused.getMessage()).startsWith(reason.code()).doesNotContain("s3cret");
                });
    }

    private static InetAddress mapped(int a, int b, int c, int d) throws Exception {
        byte[] bytes = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, (byte) 0xff, (byte) 0xff, (byte) a, (byte) b, (byte) c, (byte) d};
        InetAddress address = Inet6Address.getByAddress(null, bytes, -1);
        assertThat(address).isInstanceOf(Inet6Address.class);
        return address;
    }
}
