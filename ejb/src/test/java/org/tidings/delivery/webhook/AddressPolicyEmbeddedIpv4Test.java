package org.tidings.delivery.webhook;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetAddress;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * IPv6 forms that carry an IPv4 address a gateway translates to (NAT64 well-known and local-use prefixes, 6to4,
 * Teredo, IPv4-compatible), and IPv4 special-purpose ranges that are internal in practice: on a network with such a
 * gateway, a webhook aimed at them reaches the private IPv4 address inside, so the default policy denies them.
 */
class AddressPolicyEmbeddedIpv4Test {

    private final AddressPolicy defaults = AddressPolicy.defaults();

    @ParameterizedTest
    @ValueSource(strings = {"64:ff9b::a00:1", "64:ff9b::a9fe:a9fe", "64:ff9b:1::a00:1", "2002:a00:1::1",
            "2002:a9fe:a9fe::1", "2001:0:a00:1::1", "::a00:1", "::a9fe:a9fe", "198.18.0.1", "198.19.255.255",
            "192.0.0.1"})
    void deniesIpv6FormsOfInternalIpv4AddressesAndSpecialPurposeRanges(String address) throws Exception {
        assertThat(defaults.permits(InetAddress.getByName(address))).as(address).isFalse();
    }
}
