package org.tidings.sinks.control;

import static org.assertj.core.api.Assertions.assertThat;

import jakarta.jms.JMSException;
import java.lang.reflect.RecordComponent;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.UUID;
import javax.xml.parsers.DocumentBuilderFactory;
import org.w3c.dom.Element;
import org.w3c.dom.NodeList;
import org.junit.jupiter.api.Test;
import org.tidings.platform.BrokerAccounts;
import org.tidings.platform.BrokerManagement;

/**
 * A subscriber's sink queue gets a security setting of its own, which replaces broker.xml's tidings.sink.# for it:
 * Tidings and the operators keep every right they had there, and the owner's role may read, nothing more.
 */
class SinkQueueAccessTest {

    private final List<Object> calls = new ArrayList<>();
    private final SinkQueueAccess access = new SinkQueueAccess();

    SinkQueueAccessTest() {
        access.management = new BrokerManagement() {
            @Override
            public void addSecuritySettings(String match, Permissions roles) {
                calls.add(match);
                calls.add(roles);
            }

            @Override
            public void removeSecuritySettings(String match) {
                calls.add("remove " + match);
            }
        };
    }

    @Test
    void theOwnersRoleMayConsumeAndBrowseItsQueueAndNothingElse() throws JMSException {
        UUID owner = UUID.fromString("5d0c1f7e-0000-4000-8000-000000000003");
        access.grant("tidings.sink.abc", owner);
        String app = "tidings-app,tidings-admin";
        String readers = "tidings-app,tidings-sink,tidings-admin,tidings-subscriber-" + owner;
        assertThat(calls).containsExactly("tidings.sink.abc", new BrokerManagement.Permissions(app, readers, app, app,
                "", "", "", readers, app, app));
    }

    @Test
    void withdrawingRemovesTheQueuesOwnSetting() throws JMSException {
        access.withdraw("tidings.sink.abc");
        assertThat(calls).containsExactly("remove tidings.sink.abc");
    }

    /** The setting must give every role what broker.xml's tidings.sink.# gives it, or a reader or Tidings loses it. */
    @Test
    void itGivesEveryRoleWhatBrokerXmlGivesEverySinkQueueAndTheOwnerReads() throws Exception {
        UUID owner = UUID.randomUUID();
        access.grant("tidings.sink.abc", owner);
        BrokerManagement.Permissions granted = (BrokerManagement.Permissions) calls.get(1);
        Map<String, Set<String>> expected = brokerXmlSinkPermissions();
        for (String reading : List.of("consume", "browse")) {
            expected.get(reading).add(BrokerAccounts.subscriberUser(owner));
        }
        Map<String, Set<String>> actual = new HashMap<>();
        for (RecordComponent permission : BrokerManagement.Permissions.class.getRecordComponents()) {
            String roles = (String) permission.getAccessor().invoke(granted);
            actual.put(permission.getName(),
                    roles.isEmpty() ? new TreeSet<>() : new TreeSet<>(Arrays.asList(roles.split(","))));
            expected.putIfAbsent(permission.getName(), new TreeSet<>());
        }
        assertThat(actual).isEqualTo(expected);
    }

    /** Roles per permission type of broker.xml's security-setting "tidings.sink.#". */
    private static Map<String, Set<String>> brokerXmlSinkPermissions() throws Exception {
        var xml = DocumentBuilderFactory.newInstance().newDocumentBuilder()
                .parse(Path.of("..", "jms-config", "src", "main", "broker", "broker.xml").toFile());
        NodeList settings = xml.getElementsByTagName("security-setting");
        Map<String, Set<String>> permissions = new HashMap<>();
        for (int i = 0; i < settings.getLength(); i++) {
            Element setting = (Element) settings.item(i);
            if (setting.getAttribute("match").equals("tidings.sink.#")) {
                NodeList each = setting.getElementsByTagName("permission");
                for (int j = 0; j < each.getLength(); j++) {
                    Element permission = (Element) each.item(j);
                    permissions.put(permission.getAttribute("type"),
                            new TreeSet<>(Arrays.asList(permission.getAttribute("roles").split(","))));
                }
            }
        }
        assertThat(permissions).as("broker.xml's tidings.sink.# setting").isNotEmpty();
        return permissions;
    }
}
