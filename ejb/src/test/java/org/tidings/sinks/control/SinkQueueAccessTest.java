package org.tidings.sinks.control;

import static org.assertj.core.api.Assertions.assertThat;

import jakarta.jms.JMSException;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;
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
}
