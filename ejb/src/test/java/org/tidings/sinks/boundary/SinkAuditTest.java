package org.tidings.sinks.boundary;

import static org.assertj.core.api.Assertions.assertThat;

import jakarta.persistence.EntityManager;
import java.lang.reflect.Method;
import java.lang.reflect.Proxy;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.tidings.audit.boundary.Audited;
import org.tidings.audit.entity.AuditedChange;
import org.tidings.delivery.webhook.SecretSealer;
import org.tidings.sinks.entity.ReceiverCredentials;
import org.tidings.sinks.entity.Sink;
import org.tidings.trust.control.OwnerLimits;

/**
 * What the audit log keeps of the sink changes that handle secrets: the real {@link Sinks} methods run (with a
 * stand-in database and sealer), and their audit record is made as the interceptor makes it. The signing secret,
 * the receiver's credentials and a key in the url's query appear nowhere in it.
 */
class SinkAuditTest {

    private static final String PASSWORD = "pw-0123456789-secret";
    private static final String USER = "relay-user-secret";
    private static final String TOKEN = "tok-0123456789-secret";
    private static final String QUERY_KEY = "qk-0123456789-secret";

    private final Map<UUID, Sink> stored = new HashMap<>();
    private final Sinks sinks = new Sinks();

    SinkAuditTest() {
        sinks.em = (EntityManager) Proxy.newProxyInstance(getClass().getClassLoader(),
                new Class<?>[] {EntityManager.class}, (proxy, called, args) -> switch (called.getName()) {
                    case "persist" -> {
                        Sink sink = (Sink) args[0];
                        stored.put(sink.id(), sink);
                        yield null;
                    }
                    case "find" -> stored.get(args[1]);
                    default -> throw new UnsupportedOperationException(called.getName());
                });
        sinks.sealer = new SecretSealer() {
            @Override
            public String seal(String plaintext) {
                return "v1:sealed";
            }

            @Override
            public String seal(String plaintext, String context) {
                return "v1:sealed";
            }
        };
        sinks.secretOverlap = Duration.ofHours(24);
        sinks.limits = new OwnerLimits() { // the limits have tests of their own (AdminLimitsIT)
            @Override
            public void lock(UUID owner) {
            }

            @Override
            public void checkSinks(UUID owner) {
            }
        };
    }

    @Test
    void creatingAWebhookSinkWithSecretAndCredentialsRecordsNoneOfThem() throws Exception {
        String url = "https://receiver.example/hook?key=" + QUERY_KEY;
        var credentials = ReceiverCredentials.basic(USER, PASSWORD);
        var created = sinks.createWebhook(null, "hooks", url, null, null, List.of("PT1S", "PT1M"), credentials, null);

        var change = audited("createWebhook", new Object[] {null, "hooks", url, null, null, List.of("PT1S", "PT1M"),
                credentials}, created);

        assertThat(change.action()).isEqualTo("sink.create");
        assertThat(change.targetId()).isEqualTo(created.sink().id().toString());
        assertThat(change.summary()).isEqualTo("name=hooks, channel=webhook, url=https://receiver.example/hook"
                + "?(not shown), auth=basic, retrySchedule=PT1S,PT1M");
        assertNoSecretIn(change, created.secret());
        String header = credentials.plaintext().split("\n")[1]; // Basic base64(user:password)
        assertThat(change.toString()).doesNotContain(header);
    }

    @Test
    void rotatingTheSecretRecordsTheSinkNotTheSecret() throws Exception {
        var sink = sinks.createWebhook(null, "hooks", "https://receiver.example/hook", null, null, null, null, null).sink();

        var rotated = sinks.rotateSecret(sink.id(), false);
        var change = audited("rotateSecret", new Object[] {sink.id(), false}, rotated);

        assertThat(change.action()).isEqualTo("sink.rotate-secret");
        assertThat(change.targetId()).isEqualTo(sink.id().toString());
        assertNoSecretIn(change, rotated.secret());
    }

    @Test
    void changingTheCredentialsRecordsTheirTypeOnly() throws Exception {
        var sink = sinks.createWebhook(null, "hooks", "https://receiver.example/hook", null, null, null, null, null).sink();
        var changes = new Sinks.Changes(false, null, true, ReceiverCredentials.bearer(TOKEN));

        var change = audited("change", new Object[] {sink.id(), changes}, sinks.change(sink.id(), changes));

        assertThat(change.action()).isEqualTo("sink.update");
        assertThat(change.summary()).endsWith("changes=retrySchedule=(unchanged), auth=bearer");
        assertNoSecretIn(change, TOKEN);

        var removed = new Sinks.Changes(true, null, true, null);
        assertThat(audited("change", new Object[] {sink.id(), removed}, sinks.change(sink.id(), removed)).summary())
                .endsWith("changes=retrySchedule=global, auth=removed");
    }

    /** The record the interceptor makes of {@code name}'s call, from its annotations as declared on Sinks. */
    private static AuditedChange audited(String name, Object[] arguments, Object result) {
        Method method = List.of(Sinks.class.getMethods()).stream().filter(m -> m.getName().equals(name)).findFirst()
                .orElseThrow();
        String[] details = new String[method.getParameterCount()];
        for (int i = 0; i < details.length; i++) {
            var detail = method.getParameters()[i].getAnnotation(Audited.Detail.class);
            details[i] = detail == null ? null : detail.value();
        }
        return AuditedChange.of(method.getAnnotation(Audited.class).value(), arguments, details, result)
                .orElseThrow();
    }

    private static void assertNoSecretIn(AuditedChange change, String signingSecret) {
        assertThat(signingSecret).isNotBlank();
        assertThat(change.toString()).doesNotContain(signingSecret, PASSWORD, USER, TOKEN, QUERY_KEY, "v1:sealed");
    }
}
