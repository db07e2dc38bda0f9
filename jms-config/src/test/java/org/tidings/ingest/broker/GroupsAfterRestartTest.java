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
import org.apache.activemq.artemis.core.config.Configuration;
import org.apache.activemq.artemis.core.config.CoreAddressConfiguration;
import org.apache.activemq.artemis.core.config.impl.ConfigurationImpl;
import org.apache.activemq.artemis.core.deployers.impl.FileConfigurationParser;
import org.apache.activemq.artemis.core.server.ActiveMQServer;
import org.apache.activemq.artemis.core.server.ActiveMQServers;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * tidings.events as broker.xml declares it, with {@link DispatchOnceDelayed}, on a real (in-VM) broker, consumed as
 * Tidings' events listener consumes it: sessions with the default consumer window (1 MiB), which the resource
 * adapter creates one after another and then starts one after another (ActiveMQActivation.setup). A backlog waiting
 * when they attach (after a restart of Payara Micro or of the broker) is spread over all of them, each subject
 * (message group) on one. A group is bound to the consumer that takes its first message: without the queue's wait,
 * the session started first was handed a whole window at once and bound every subject in it, so that one session
 * worked through the backlog while the others idled (a Flight Recording of bench/crash's drain after the restart
 * showed one or two of eight at work). Fewer sessions get the backlog once the wait is up, with no message arriving
 * to make the queue look again.
 */
class GroupsAfterRestartTest {

    private static final String EVENTS = "tidings.events";
    private static final int SUBJECTS = 100;
    private static final int EVENTS_PER_SUBJECT = 8;
    /** What handling an event takes here, and the time between two session starts (less than a millisecond in-VM). */
    private static final long WORK_MILLIS = 2;
    private static final long START_GAP_MILLIS = 5;

    private ActiveMQServer broker;
    private Duration wait;
    private ServerLocator locator;
    private ClientSessionFactory factory;
    private final List<ClientSession> sessions = new ArrayList<>();
    private final Map<String, Set<Integer>> consumersOfSubject = new ConcurrentHashMap<>();
    private final Map<Integer, Set<String>> subjectsOfConsumer = new ConcurrentHashMap<>();
    private final AtomicInteger received = new AtomicInteger();

    @BeforeEach
    void start() throws Exception {
        Configuration shipped;
        try (InputStream xml = Files.newInputStream(Path.of("src/main/broker/broker.xml"))) {
            shipped = new FileConfigurationParser().parseMainConfig(xml);
        }
        CoreAddressConfiguration events = shipped.getAddressConfigurations().stream()
                .filter(a -> a.getName().equals(EVENTS)).findFirst().orElseThrow();
        wait = Duration.ofMillis(events.getQueueConfigs().get(0).getDelayBeforeDispatch());
        var config = new ConfigurationImpl().setPersistenceEnabled(false).setSecurityEnabled(false)
                .setJMXManagementEnabled(false);
        config.addAcceptorConfiguration("in-vm", "vm://0");
        config.addAddressConfiguration(events);
        // of broker.xml's plugins, the one this is about; the others check senders, which here send as no one
        shipped.getBrokerPlugins().stream().filter(DispatchOnceDelayed.class::isInstance)
                .forEach(config::registerBrokerPlugin);
        assertThat(config.getBrokerPlugins()).as("broker.xml registers DispatchOnceDelayed").hasSize(1);
        broker = ActiveMQServers.newActiveMQServer(config, false);
        broker.start();
        locator = ActiveMQClient.createServerLocator("vm://0");
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
    void aBacklogIsSpreadOverEverySessionOfTheEventsListener() throws Exception {
        int sent = backlog();
        attachAsTheAdapterDoes(8);
        await().atMost(Duration.ofSeconds(30)).until(() -> received.get() == sent);

        assertThat(subjectsOfConsumer).as("every session took a share of the subjects").hasSize(8);
        int most = subjectsOfConsumer.values().stream().mapToInt(Set::size).max().orElseThrow();
        assertThat(most).as("the most subjects one session took").isLessThanOrEqualTo(SUBJECTS / 4);
        assertThat(consumersOfSubject).hasSize(SUBJECTS);
        assertThat(consumersOfSubject.values()).as("each subject with one session, in order")
                .allSatisfy(taking -> assertThat(taking).hasSize(1));
    }

    @Test
    void fewerSessionsGetTheBacklogOnceTheWaitIsUp() throws Exception {
        int sent = backlog();
        long started = System.nanoTime();
        attachAsTheAdapterDoes(3);
        await().atMost(Duration.ofSeconds(30)).until(() -> received.get() == sent);
        assertThat(Duration.ofNanos(System.nanoTime() - started)).as("after the queue's wait")
                .isGreaterThanOrEqualTo(wait.minusMillis(100));
        assertThat(subjectsOfConsumer).hasSize(3);
        assertThat(consumersOfSubject).hasSize(SUBJECTS);
    }

    /**
     * Sessions that attach and all go again within the wait (a setup of the adapter that failed half way, a Payara
     * Micro stopped at once) leave the next ones a whole wait of their own, not a queue that begins at once.
     */
    @Test
    void sessionsThatCameAndWentWithinTheWaitLeaveTheNextOnesAWholeWait() throws Exception {
        int sent = backlog();
        for (int c = 0; c < 2; c++) {
            ClientSession session = factory.createSession(false, true, true);
            session.createConsumer(EVENTS);
            session.close();
        }
        // nothing is to happen: past the start time the first sessions set, the queue still holds everything
        await().pollDelay(wait.plusMillis(500)).atMost(wait.plusSeconds(5))
                .until(() -> broker.locateQueue(EVENTS).getMessageCount() == sent);
        assertThat(broker.locateQueue(EVENTS).isDispatching()).as("still waiting").isFalse();

        attachAsTheAdapterDoes(8);
        await().atMost(Duration.ofSeconds(30)).until(() -> received.get() == sent);
        assertThat(subjectsOfConsumer).as("every session took a share of the subjects").hasSize(8);
    }

    /** Creates the sessions and their consumers, then starts them one after another, as the resource adapter does. */
    private void attachAsTheAdapterDoes(int count) throws Exception {
        List<ClientConsumer> consumers = new ArrayList<>();
        for (int c = 0; c < count; c++) {
            ClientSession session = factory.createSession(false, true, true);
            sessions.add(session);
            consumers.add(session.createConsumer(EVENTS));
        }
        for (int c = 0; c < count; c++) {
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
