package org.tidings.delivery.webhook;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.InetAddress;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.eclipse.microprofile.config.spi.ConfigSource;
import org.junit.jupiter.api.Test;

class WebhookTransmitterConfigTest {

    @Test
    void unsetListsTakeTheirDefaults() throws Exception {
        AddressPolicy policy = WebhookTransmitter.policyFrom(Optional.empty(), Optional.empty());

        assertThat(policy.permits(InetAddress.getByName("127.0.0.1"))).isTrue();
        assertThat(policy.permits(InetAddress.getByName("10.0.0.1"))).isFalse();
        assertThat(policy.permits(InetAddress.getByName("8.8.8.8"))).isTrue();
    }

    @Test
    void anEmptyAllowListAllowsNothingAndKeepsTheDefaultDenyList() throws Exception {
        AddressPolicy policy = WebhookTransmitter.policyFrom(Optional.of(""), Optional.empty());

        assertThat(policy.permits(InetAddress.getByName("127.0.0.1"))).isFalse();
        assertThat(policy.permits(InetAddress.getByName("10.0.0.1"))).isFalse();
        assertThat(policy.permits(InetAddress.getByName("8.8.8.8"))).isTrue();
    }

    @Test
    void configuredListsReplaceTheDefaults() throws Exception {
        AddressPolicy policy = WebhookTransmitter.policyFrom(Optional.of("10.9.0.0/16"), Optional.of("0.0.0.0/0,::/0"));

        assertThat(policy.permits(InetAddress.getByName("10.9.1.1"))).isTrue();
        assertThat(policy.permits(InetAddress.getByName("127.0.0.1"))).isFalse();
        assertThat(policy.permits(InetAddress.getByName("8.8.8.8"))).isFalse();
        assertThatThrownBy(() -> WebhookTransmitter.policyFrom(Optional.of("10.0.0.0/99"), Optional.empty()))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void theFirstSourceWithThePropertyWinsEvenWithAnEmptyValue() {
        List<ConfigSource> sources = List.of(source("env", Map.of("other", "x")),
                source("system", Map.of(WebhookTransmitter.ALLOW_PROPERTY, "")),
                source("file", Map.of(WebhookTransmitter.ALLOW_PROPERTY, "127.0.0.0/8")));

        assertThat(WebhookTransmitter.rawValue(sources, WebhookTransmitter.ALLOW_PROPERTY)).contains("");
        assertThat(WebhookTransmitter.rawValue(sources, WebhookTransmitter.DENY_PROPERTY)).isEmpty();
    }

    private static ConfigSource source(String name, Map<String, String> properties) {
        return new ConfigSource() {
            @Override
            public Set<String> getPropertyNames() {
                return properties.keySet();
            }

            @Override
            public String getValue(String property) {
                return properties.get(property);
            }

            @Override
            public String getName() {
                return name;
            }
        };
    }
}
