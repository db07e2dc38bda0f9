package org.tidings.ingest.broker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.activemq.artemis.api.core.Message;
import org.apache.activemq.artemis.api.core.client.ActiveMQClient;
import org.apache.activemq.artemis.api.core.client.ClientConsumer;
import org.apache.activemq.artemis.api.core.client.ClientSession;
import org.apache.activemq.artemis.api.core.client.ClientSessionFactory;
import org.apache.activemq.artemis.api.core.client.ServerLocator;
import org.apache.activemq.artemis.core.config.CoreAddressConfiguration;
import org.apache.activemq.artemis.core.config.impl.ConfigurationImpl;
import org.apache.activemq.artemis.core.deployers.impl.FileConfigurationParser;
import org.apache.activemq.artemis.core.server.ActiveMQServer;
import org.apache.activemq.artemis.core.server.ActiveMQServers;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * tidings.events as broker.xml declares it, on a real (in-VM) broker, consumed as Tidings' events listener consumes
 * it (EventsListener: eight sessions with no consumer window, which the resource adapter creates one after another
 * and then starts one after another, ActiveMQActivation.setup): a backlog waiting when they attach (after a restart
 * of Payara Micro) is spread over all of them, each subject (message group) on one consumer. A group is bound to the
 * consumer that takes its first message; with a consumer window (1 MiB by default), the session started first was
 * handed a whole window at once and bound every subject in it, so that one session worked through the backlog while
 * the others idled (a Flight Recording of bench/crash's drain after the restart showed one or two of eight at work).
 */
class GroupsAfterRestartTest {

    private static final String EVENTS = "tidings.events";
    private static final int CONSUMERS = 8;
    private static final int SUBJECTS = 100;
    private static final int EVENTS_PER_SUBJECT = 8;
    /** What handling an event takes here, and the time between two session starts (less than a millisecond in-VM). */
    private static final long WORK_MILLIS = 5;
    private static final long START_GAP_MILLIS = 2;

    private ActiveMQServer broker;
    private ServerLocator locator;
    private ClientSessionFactory factory;
    private final List<ClientSession> sessions = new ArrayList<>();

    @BeforeEach
    void start() throws Exception {
        CoreAddressConfiguration events;
        try (InputStream xml = Files.newInputStream(Path.of("src/main/broker/broker.xml"))) {
            events = new FileConfigurationParser().parseMainConfig(xml).getAddressConfigurations().stream()
                    .filter(a -> a.getName().equals(EVENTS)).findFirst().orElseThrow();
        }
        var config = new ConfigurationImpl().setPersistenceEnabled(false).setSecurityEnabled(false)
                .setJMXManagementEnabled(false);
        config.addAcceptorConfiguration("in-vm", "vm://0");
        config.addAddressConfiguration(events);
        broker = ActiveMQServers.newActiveMQServer(config, false);
        broker.start();
        // EventsListener's consumerWindowSize
        locator = ActiveMQClient.createServerLocator("vm://0").setConsumerWindowSize(0);
        factory = locator.createSessionFactory();
    }

    @AfterEach
    void stop() throws Exception {
        for (ClientSession session : sessions) {
            session.close();
        }
        factory.close();
        locator.close();
        broker.stop();
    }

    @Test
    void aBacklogIsSpreadOverEveryConsumerOfTheEventsListener() throws Exception {
        int sent = backlog();
        Map<String, Set<Integer>> consumersOfSubject = new ConcurrentHashMap<>();
        Map<Integer, Set<String>> subjectsOfConsumer = new ConcurrentHashMap<>();
        AtomicInteger received = new AtomicInteger();
        List<ClientConsumer> consumers = new ArrayList<>();
        for (int c = 0; c < CONSUMERS; c++) {
            ClientSession session = factory.createSession(false, true, true);
            sessions.add(session);
            consumers.add(session.createConsumer(EVENTS));
        }
        for (int c = 0; c < CONSUMERS; c++) {
            int consumer = c;
            consumers.get(c).setMessageHandler(message -> {
                String subject = message.getGroupID().toString();
                consumersOfSubject.computeIfAbsent(subject, s -> ConcurrentHashMap.newKeySet()).add(consumer);
                subjectsOfConsumer.computeIfAbsent(consumer, k -> ConcurrentHashMap.newKeySet()).add(subject);
                try {
                    Thread.sleep(WORK_MILLIS); // the listener's work on an event: not a wait for anything
                    message.acknowledge();
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
                received.incrementAndGet();
            });
            sessions.get(c).start();
            Thread.sleep(START_GAP_MILLIS); // the adapter's start of the next session: a round trip to a remote broker
        }
        await().atMost(Duration.ofSeconds(30)).until(() -> received.get() == sent);

        assertThat(subjectsOfConsumer).as("every consumer took a share of the subjects").hasSize(CONSUMERS);
        int most = subjectsOfConsumer.values().stream().mapToInt(Set::size).max().orElseThrow();
        assertThat(most).as("the most subjects one consumer took").isLessThanOrEqualTo(SUBJECTS / 2);
        assertThat(consumersOfSubject).hasSize(SUBJECTS);
        assertThat(consumersOfSubject.values()).as("each subject with one consumer, in order")
                .allSatisfy(taking -> assertThat(taking).hasSize(1));
    }

    /** Events of SUBJECTS subjects, each a message group, about 1 KB each, waiting with no consumer. */
    private int backlog() throws Exception {
        try (ClientSession session = factory.createSession(); var producer = session.createProducer(EVENTS)) {
            byte[] body = new byte[1000];
            for (int i = 0; i < EVENTS_PER_SUBJECT; i++) {
                for (int s = 0; s < SUBJECTS; s++) {
                    var message = session.createMessage(Message.BYTES_TYPE, true);
                    message.getBodyBuffer().writeBytes(body);
                    message.setGroupID("mailto:user" + s + "@example.com");
                    producer.send(message);
                }
            }
        }
        return SUBJECTS * EVENTS_PER_SUBJECT;
    }
}
