package org.tidings.pull.boundary;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class ClientAddressesTest {

    @ParameterizedTest
    @CsvSource({
        "127.0.0.1, 127.0.0.1",
        "192.0.2.7, 192.0.2.7",
        "::1, 0:0:0:0::/64",
        "2001:db8:1:2::1, 2001:db8:1:2::/64",
        "2001:0DB8:0001:0002:aaaa:bbbb:cccc:dddd, 2001:db8:1:2::/64",
        "[2001:db8:1:2::1], 2001:db8:1:2::/64",
        "fe80::1%1, fe80:0:0:0::/64",
        "::ffff:192.0.2.9, 192.0.2.9",
        "localhost, localhost",
        "not:an:address:zz, not:an:address:zz"
    })
    void anIpv4AddressIsItselfAnIpv6OneItsSlash64AndAnythingElseAsItIs(String remote, String limitedAs) {
        assertThat(ClientAddresses.limitedAs(remote)).isEqualTo(limitedAs);
    }
}
