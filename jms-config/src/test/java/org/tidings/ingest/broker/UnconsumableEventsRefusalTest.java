package org.tidings.ingest.broker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.util.Arrays;
import java.util.Date;
import java.util.Map;
import java.util.UUID;
import org.apache.activemq.artemis.api.core.Message;
import org.apache.activemq.artemis.api.core.QueueConfiguration;
import org.apache.activemq.artemis.core.config.CoreAddressConfiguration;
import org.apache.activemq.artemis.core.config.FileDeploymentManager;
import org.apache.activemq.artemis.core.config.impl.FileConfiguration;
import org.apache.activemq.artemis.core.message.impl.CoreMessage;
import org.apache.activemq.artemis.protocol.amqp.broker.AMQPStandardMessage;
import org.apache.qpid.proton.amqp.Symbol;
import org.apache.qpid.proton.amqp.messaging.AmqpValue;
import org.apache.qpid.proton.amqp.messaging.ApplicationProperties;
import org.apache.qpid.proton.amqp.messaging.Section;
import org.junit.jupiter.api.Test;

/**
 * What {@link UnconsumableEventsRefusal} refuses, on messages as the broker holds them: AMQP messages the broker's
 * conversion for a core consumer throws on (each would have closed the Tidings consumer it was delivered to), and
 * messages over the size limit. Its refusal on a running broker, and what stays of a refused message, is in
 * {@link QueuedEventsCapTest}. And broker.xml's events queue, whose message groups are bucketed.
 */
class UnconsumableEventsRefusalTest {

    private final UnconsumableEventsRefusal refusal = new UnconsumableEventsRefusal();

    @Test
    void anAmqpMessageTheBrokerCannotConvertIsRefusedWithItsCode() {
        for (Message unconvertible : new Message[] {
                amqp(Map.of("sent", new Date()), new AmqpValue("{}")),
                amqp(Map.of("id", UUID.randomUUID()), new AmqpValue("{}")),
                amqp(Map.of(), new AmqpValue(Map.of("kind", Symbol.valueOf("x")))),
                amqp(Map.of(), new AmqpValue(Map.of(1, "a number for a key")))}) {
            assertThatThrownBy(unconvertible::toCore).as("the broker's own conversion fails")
                    .isInstanceOf(RuntimeException.class);

            assertThat(refusal.refusal(unconvertible)).as(unconvertible.toString()).isNotNull()
                    .hasMessageStartingWith(UnconsumableEventsRefusal.UNCONVERTIBLE);
        }
    }

    @Test
    void anAmqpMessageNestedDeeperThanTheDecoderCanGoIsRefusedNotLetThrough() throws Exception {
        Message deep = new AMQPStandardMessage(0, amqpValueSection(nestedLists(100_000)), null);
        Object refused = onASmallStack(() -> refusal.refusal(deep));

        assertThat(refused).as("a refusal, not an Error the broker would log and skip")
                .isInstanceOfSatisfying(org.apache.activemq.artemis.api.core.ActiveMQException.class,
                        e -> assertThat(e).hasMessageStartingWith(UnconsumableEventsRefusal.UNCONVERTIBLE));
    }

    interface Work {
        Object run() throws Exception;
    }

    /**
     * What {@code work} returns, or throws, on a thread with a 256 KiB stack, as a broker's may be: the overflow comes
     * well within {@link #nestedLists} of 100,000 levels.
     */
    static Object onASmallStack(Work work) throws InterruptedException {
        var outcome = new java.util.concurrent.atomic.AtomicReference<Object>();
        Thread small = new Thread(null, () -> {
            try {
                outcome.set(work.run());
            } catch (Throwable t) {
                outcome.set(t);
            }
        }, "small-stack", 256 * 1024);
        small.start();
        small.join(30_000);
        return outcome.get();
    }

    /** An AMQP list32 holding a list32 ... {@code depth} levels down to an empty list. */
    static byte[] nestedLists(int depth) {
        var out = new java.io.ByteArrayOutputStream();
        byte[] inner = {0x45}; // list0
        // built from the inside out: each level is 0xd0, its size (4 bytes), its count (1), then the inner level
        java.nio.ByteBuffer buffer = java.nio.ByteBuffer.allocate(depth * 9 + 1);
        buffer.position(buffer.capacity() - 1);
        buffer.put(inner);
        int end = buffer.capacity();
        int start = end - 1;
        for (int level = 0; level < depth; level++) {
            int size = 4 + (end - start);
            start -= 9;
            buffer.put(start, (byte) 0xd0).putInt(start + 1, size).putInt(start + 5, 1);
        }
        out.write(buffer.array(), start, end - start);
        return out.toByteArray();
    }

    /** A whole AMQP message whose only section is an amqp-value holding {@code value}. */
    static byte[] amqpValueSection(byte[] value) {
        byte[] message = new byte[3 + value.length];
        message[0] = 0x00;
        message[1] = 0x53;
        message[2] = 0x77;
        System.arraycopy(value, 0, message, 3, value.length);
        return message;
    }

    @Test
    void anAmqpMessageOfJmsTypesPasses() {
        Message plain = amqp(Map.of("sent", 1L, "kind", "text", "flag", true), new AmqpValue("{\"specversion\":\"1.0\"}"));
        Message map = amqp(Map.of(), new AmqpValue(Map.of("kind", "text", "n", 2)));

        assertThat(refusal.refusal(plain)).isNull();
        assertThat(refusal.refusal(map)).isNull();
    }

    @Test
    void aCompressedMessageIsRefusedWhateverItsStoredSize() {
        CoreMessage compressed = new CoreMessage(1, 512);
        compressed.putBooleanProperty(Message.HDR_LARGE_COMPRESSED, true);
        compressed.getBodyBuffer().writeBytes(new byte[100]);

        assertThat(refusal.refusal(compressed)).hasMessageStartingWith(UnconsumableEventsRefusal.TOO_LARGE)
                .hasMessageContaining("compressed");
    }

    @Test
    void aMessageOverTheLimitIsRefusedWhateverItsProtocol() {
        refusal.init(Map.of("max-bytes", "2048"));
        CoreMessage core = new CoreMessage(1, 4096);
        core.getBodyBuffer().writeBytes(new byte[3000]);
        Message amqp = amqp(Map.of(), new AmqpValue("x".repeat(3000)));

        assertThat(refusal.refusal(core)).hasMessageStartingWith(UnconsumableEventsRefusal.TOO_LARGE);
        assertThat(refusal.refusal(amqp)).hasMessageStartingWith(UnconsumableEventsRefusal.TOO_LARGE);
        assertThat(refusal.refusal(amqp(Map.of(), new AmqpValue("x".repeat(1000))))).isNull();
        assertThatThrownBy(() -> refusal.init(Map.of("max-bytes", "10"))).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void brokerXmlsEventsQueueBucketsItsMessageGroupsAndHasTheRefusalFirst() throws Exception {
        var config = new FileConfiguration();
        var deployment = new FileDeploymentManager(Path.of("src/main/broker/broker.xml").toUri().toString());
        deployment.addDeployable(config);
        deployment.readConfiguration();

        QueueConfiguration events = config.getAddressConfigurations().stream()
                .filter(a -> a.getName().equals("tidings.events")).map(CoreAddressConfiguration::getQueueConfigs)
                .flatMap(java.util.List::stream).filter(q -> q.getName().toString().equals("tidings.events"))
                .findFirst().orElseThrow();
        assertThat(events.getGroupBuckets()).isEqualTo(4096);
        assertThat(config.getBrokerPlugins()).extracting(p -> p.getClass().getSimpleName()).containsSubsequence(
                "ValidatedUserStamp", "UnconsumableEventsRefusal", "UnroutedEventsRefusal", "QueuedEventsCap");
    }

    /** An AMQP message as it arrives: encoded by the client, with these application properties and this body. */
    private static Message amqp(Map<String, Object> properties, Section body) {
        var proton = org.apache.qpid.proton.message.Message.Factory.create();
        proton.setApplicationProperties(new ApplicationProperties(Map.copyOf(properties)));
        proton.setBody(body);
        byte[] buffer = new byte[16384];
        int length = proton.encode(buffer, 0, buffer.length);
        return new AMQPStandardMessage(0, Arrays.copyOf(buffer, length), null);
    }
}
