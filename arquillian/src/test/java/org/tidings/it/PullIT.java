package org.tidings.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.tidings.it.PipelineIT.assertProblem;

import com.fasterxml.jackson.databind.JsonNode;
import io.cloudevents.CloudEvent;
import io.cloudevents.core.builder.CloudEventBuilder;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.stream.LongStream;
import org.jboss.arquillian.container.test.api.Deployment;
import org.jboss.arquillian.junit5.ArquillianExtension;
import org.jboss.shrinkwrap.api.spec.WebArchive;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Pull sinks on the real stack: notifications kept per subscription with gap-free sequence numbers, read as JSON
 * pages (long-poll) and as server-sent events that resume from Last-Event-ID, resync-required past retention, and
 * the receiver's acks.
 */
@ExtendWith(ArquillianExtension.class)
class PullIT {

    private static final String TYPE = "org.example.mail.MessageNew";
    private static final Duration WAIT = Duration.ofSeconds(60);

    private final AdminApi api = new AdminApi(TestEnvironment.baseUrl());
    /**
     * HTTP/1.1, as EventSource clients speak it: over h2c, Payara's Grizzly ends the whole connection (GOAWAY) when
     * one stream of it is cancelled, which took a stream opened on the same connection with it (seen on PostgreSQL).
     */
    private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5)).build();

    @Deployment(testable = false)
    static WebArchive deployment() {
        return Deployments.tidings();
    }

    /** A source, a pull sink, and a subscription of it to TYPE from the source. */
    private record Feed(String source, String sink, String subscription) {
        String path() {
            return "/api/subscriptions/" + subscription + "/notifications";
        }
    }

    private Feed feed() {
        String source = Events.uniqueSource();
        api.createSource("mail store", source);
        var created = api.postJson("/api/sinks", Map.of("name", "behind a firewall", "channel", "pull"));
        assertThat(created.status()).as(created.toString()).isEqualTo(201);
        assertThat(created.body().get("channel").asText()).isEqualTo("pull");
        String sink = created.body().get("id").asText();
        return new Feed(source, sink, api.subscribe(sink, Map.of("types", List.of(TYPE), "sources", List.of(source))));
    }

    private CloudEvent send(Feed feed, String subject) {
        return send(Events.event(feed.source(), TYPE, subject));
    }

    private CloudEvent send(CloudEvent event) {
        var accepted = api.post("/events", "application/cloudevents+json",
                Events.json(event).getBytes(StandardCharsets.UTF_8));
        assertThat(accepted.status()).as(accepted.toString()).isEqualTo(202);
        return event;
    }

    /** Every notification of the feed after {@code after}, page by page of {@code limit}. */
    private List<JsonNode> readAll(Feed feed, long after, int limit) {
        List<JsonNode> all = new ArrayList<>();
        long next = after;
        while (true) {
            var page = api.get(feed.path() + "?after=" + next + "&limit=" + limit);
            assertThat(page.status()).as(page.toString()).isEqualTo(200);
            page.body().get("notifications").forEach(all::add);
            if (page.body().get("notifications").isEmpty()) {
                return all;
            }
            next = page.body().get("next").asLong();
        }
    }

    // covers RUP-2, LEM-8
    @Test
    void sequenceNumbersAreGapFreeAndIncreasingPerSubscriptionAcrossSubjects() {
        Feed feed = feed();
        String second = api.subscribe(feed.sink(), Map.of("sources", List.of(feed.source())));
        List<String> subjects = List.of("mailto:ann@example.com", "mailto:bob@example.com", "mailto:cy@example.com");
        Map<String, List<String>> sent = new LinkedHashMap<>();
        for (int i = 0; i < 20; i++) {
            for (String subject : subjects) {
                sent.computeIfAbsent(subject, s -> new ArrayList<>()).add(send(feed, subject).getId());
            }
        }
        await().atMost(WAIT).until(() -> readAll(feed, 0, 1000).size() == 60);

        List<JsonNode> notifications = readAll(feed, 0, 7); // pages of 7: next carries over page boundaries
        assertThat(notifications.stream().map(n -> n.get("seq").asLong()).toList())
                .isEqualTo(LongStream.rangeClosed(1, 60).boxed().toList());
        Map<String, List<String>> received = new LinkedHashMap<>();
        for (JsonNode n : notifications) {
            JsonNode event = n.get("event");
            assertThat(event.get("tidingsseq").asLong()).isEqualTo(n.get("seq").asLong());
            assertThat(n.get("id").asText()).startsWith("msg_");
            received.computeIfAbsent(event.get("subject").asText(), s -> new ArrayList<>()).add(event.get("id").asText());
        }
        assertThat(received).as("each once, in order per subject").isEqualTo(sent);

        var other = new Feed(feed.source(), feed.sink(), second);
        await().atMost(WAIT).until(() -> readAll(other, 0, 1000).size() == 60);
        List<JsonNode> otherNotifications = readAll(other, 0, 1000);
        assertThat(otherNotifications.stream().map(n -> n.get("seq").asLong()).toList())
                .as("the second subscription counts on its own").isEqualTo(LongStream.rangeClosed(1, 60).boxed().toList());

        // subjects are independent, so the first event sent need not be number 1: each delivery record carries the
        // number its event got in its own subscription's feed
        String first = sent.get(subjects.get(0)).get(0);
        Map<String, Long> seqOfFirst = Map.of(
                feed.subscription(), seqOf(notifications, first),
                other.subscription(), seqOf(otherNotifications, first));
        var deliveries = api.get("/api/deliveries?source=" + feed.source() + "&id=" + first).body();
        assertThat(deliveries).hasSize(2);
        deliveries.forEach(d -> {
            assertThat(d.get("status").asText()).isEqualTo("delivered");
            assertThat(d.get("seq").asLong()).isEqualTo(seqOfFirst.get(d.get("subscriptionId").asText()));
        });
    }

    private static long seqOf(List<JsonNode> notifications, String eventId) {
        return notifications.stream().filter(n -> n.get("event").get("id").asText().equals(eventId))
                .mapToLong(n -> n.get("seq").asLong()).findFirst().orElseThrow();
    }

    // covers RUP-2, RUP-13
    @Test
    void aLongPollAnswersAsSoonAsANotificationArrives() throws Exception {
        Feed feed = feed();
        var empty = api.get(feed.path() + "?after=0&wait=1");
        assertThat(empty.status()).isEqualTo(200);
        assertThat(empty.body().get("notifications")).isEmpty();
        assertThat(empty.body().get("next").asLong()).isZero();
        // under a millisecond: JAX-RS takes 0 ms for no timeout, and this poll waited for ever
        var brief = api.get(feed.path() + "?after=0&wait=PT0.0001S");
        assertThat(brief.status()).isEqualTo(200);
        assertThat(brief.body().get("notifications")).isEmpty();

        CompletableFuture<HttpResponse<String>> poll = http.sendAsync(HttpRequest.newBuilder(
                URI.create(TestEnvironment.baseUrl() + feed.path() + "?after=0&wait=PT30S"))
                .header("Authorization", AdminApi.adminAuthorization()).build(),
                HttpResponse.BodyHandlers.ofString());
        CloudEvent event = send(feed, "mailto:ann@example.com");
        HttpResponse<String> answer = poll.get(60, TimeUnit.SECONDS);

        assertThat(answer.statusCode()).isEqualTo(200);
        JsonNode page = AdminApi.JSON.readTree(answer.body());
        // A wait that runs out is answered with an empty page: this one came with the notification, however long
        // the pipeline took on a busy machine (no wall-clock bound, which a slow first event after boot could break)
        assertThat(page.get("notifications")).hasSize(1);
        assertThat(page.get("notifications").get(0).get("event").get("id").asText()).isEqualTo(event.getId());
        assertThat(page.get("next").asLong()).isEqualTo(1);
    }

    /** An open event stream; its events arrive on a queue as they are parsed. */
    private final class EventStreamClient implements AutoCloseable {
        final BlockingQueue<SseParser.Event> events = new LinkedBlockingQueue<>();
        final SseParser parser = new SseParser();
        final CompletableFuture<HttpResponse<java.util.stream.Stream<String>>> response;
        /** Done when the server has ended the stream (its body read to the end). */
        final CompletableFuture<Void> ended;

        EventStreamClient(Feed feed, String lastEventId) {
            this(feed, lastEventId, AdminApi.adminAuthorization());
        }

        EventStreamClient(Feed feed, String lastEventId, String authorization) {
            var request = HttpRequest.newBuilder(URI.create(TestEnvironment.baseUrl() + feed.path()))
                    .header("Authorization", authorization)
                    .header("Accept", "text/event-stream");
            if (lastEventId != null) {
                request.header("Last-Event-ID", lastEventId);
            }
            response = http.sendAsync(request.build(), HttpResponse.BodyHandlers.ofLines());
            ended = response.thenAcceptAsync(r -> {
                for (String line : (Iterable<String>) r.body()::iterator) {
                    parser.line(line).ifPresent(events::add);
                }
            });
        }

        SseParser.Event next() throws InterruptedException {
            SseParser.Event event = events.poll(WAIT.toSeconds(), TimeUnit.SECONDS);
            assertThat(event).as("an event within %s", WAIT).isNotNull();
            return event;
        }

        @Override
        public void close() {
            response.thenAccept(r -> r.body().close());
            response.cancel(true);
        }
    }

    // covers RUP-2, RUP-5, RUP-13
    @Test
    void anEventStreamDeliversAndResumesFromLastEventIdWithoutLossOrRepeat() throws Exception {
        Feed feed = feed();
        List<String> sent = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            sent.add(send(feed, "mailto:ann@example.com").getId());
        }
        // Subjects are independent lines: a bob event sent now could be numbered before an ann event still on its
        // way. Once the three ann events are in the feed (1 to 3), the stream's backlog and the numbers 4 and 5 of
        // the bob events sent while it is open are certain.
        await().atMost(WAIT).until(() -> readAll(feed, 0, 100).size() == 3);
        List<String> received = new ArrayList<>();
        String last;
        try (var stream = new EventStreamClient(feed, null)) {
            assertThat(stream.response.get(30, TimeUnit.SECONDS).statusCode()).isEqualTo(200);
            for (int i = 0; i < 2; i++) {
                sent.add(send(feed, "mailto:bob@example.com").getId()); // while the stream is open
            }
            SseParser.Event event = null;
            for (int i = 1; i <= 5; i++) {
                event = stream.next();
                assertThat(event.id()).isEqualTo(Integer.toString(i));
                assertThat(event.name()).isEqualTo("notification");
                JsonNode json = AdminApi.JSON.readTree(event.data());
                assertThat(json.get("tidingsseq").asLong()).isEqualTo(i);
                received.add(json.get("id").asText());
            }
            last = event.id();
        }
        for (int i = 0; i < 3; i++) {
            sent.add(send(feed, "mailto:cy@example.com").getId()); // while no stream is open
        }
        try (var resumed = new EventStreamClient(feed, last)) {
            for (int i = 6; i <= 8; i++) {
                SseParser.Event event = resumed.next();
                assertThat(event.id()).isEqualTo(Integer.toString(i));
                received.add(AdminApi.JSON.readTree(event.data()).get("id").asText());
            }
            assertThat(resumed.events.poll(2, TimeUnit.SECONDS)).as("nothing repeated, nothing more").isNull();
        }
        assertThat(received).isEqualTo(sent);
    }

    /**
     * A wait outlives the request that was authenticated: once its token is revoked, an open stream is closed and a
     * waiting long-poll answered 401, and neither gets what is appended after the revocation.
     */
    // covers S2S-10, LST-3
    @Test
    void aStreamAndALongPollWhoseTokenIsRevokedEndAndGetNothingMore() throws Exception {
        Feed feed = feed();
        String operator = api.postJson("/api/administrators", Map.of("name", "puller " + UUID.randomUUID(),
                "role", "operator")).body().get("id").asText();
        var streaming = api.postJson("/api/administrators/" + operator + "/tokens", Map.of("label", "stream"));
        var polling = api.postJson("/api/administrators/" + operator + "/tokens", Map.of("label", "poll"));
        String before = send(feed, "mailto:ann@example.com").getId();
        try (var stream = new EventStreamClient(feed, null, "Bearer " + streaming.body().get("token").asText())) {
            assertThat(stream.response.get(30, TimeUnit.SECONDS).statusCode()).isEqualTo(200);
            assertThat(AdminApi.JSON.readTree(stream.next().data()).get("id").asText()).isEqualTo(before);
            CompletableFuture<HttpResponse<String>> poll = http.sendAsync(HttpRequest.newBuilder(
                    URI.create(TestEnvironment.baseUrl() + feed.path() + "?after=1&wait=PT30S"))
                    .header("Authorization", "Bearer " + polling.body().get("token").asText()).build(),
                    HttpResponse.BodyHandlers.ofString());

            for (var token : List.of(streaming, polling)) {
                assertThat(api.delete("/api/administrators/" + operator + "/tokens/" + token.body().get("id")
                        .asText()).status()).isEqualTo(200);
            }
            String after = send(feed, "mailto:bob@example.com").getId();
            await().atMost(WAIT).until(() -> readAll(feed, 0, 100).size() == 2);

            stream.ended.get(20, TimeUnit.SECONDS); // closed by the server, within a poll interval or two
            assertThat(stream.events).as("nothing after the revocation").noneMatch(e -> e.data().contains(after));
            HttpResponse<String> answer = poll.get(20, TimeUnit.SECONDS); // not the 30 s it asked to wait
            assertThat(answer.statusCode()).isEqualTo(401);
            assertThat(AdminApi.JSON.readTree(answer.body()).get("code").asText()).isEqualTo("invalid-token");
            assertThat(answer.body()).doesNotContain(after);
        }
    }

    /**
     * A stream and a long-poll of a subscription that is deleted end within a poll interval or two, though nothing is
     * appended; before, the stream was kept alive with heartbeats for ever. A reconnect is told the subscription is
     * gone.
     */
    // covers RUP-12
    @Test
    void aStreamAndALongPollOfADeletedSubscriptionEndAndAReconnectIsToldItIsGone() throws Exception {
        Feed feed = feed();
        String first = send(feed, "mailto:ann@example.com").getId();
        try (var stream = new EventStreamClient(feed, null)) {
            assertThat(stream.response.get(30, TimeUnit.SECONDS).statusCode()).isEqualTo(200);
            assertThat(AdminApi.JSON.readTree(stream.next().data()).get("id").asText()).isEqualTo(first);
            CompletableFuture<HttpResponse<String>> poll = http.sendAsync(HttpRequest.newBuilder(
                    URI.create(TestEnvironment.baseUrl() + feed.path() + "?after=1&wait=PT30S"))
                    .header("Authorization", AdminApi.adminAuthorization()).build(),
                    HttpResponse.BodyHandlers.ofString());

            assertThat(api.delete("/api/subscriptions/" + feed.subscription()).status()).isEqualTo(204);

            stream.ended.get(20, TimeUnit.SECONDS); // closed by the server, within a poll interval or two
            HttpResponse<String> answer = poll.get(20, TimeUnit.SECONDS); // not the 30 s it asked to wait
            assertThat(answer.statusCode()).isEqualTo(404);
            assertThat(AdminApi.JSON.readTree(answer.body()).get("code").asText()).isEqualTo("not-found");
        }
        assertProblem(api.get(feed.path() + "?after=1"), 404, "not-found");
    }

    /**
     * An idle event stream gets a comment line every tidings.pull.heartbeat (2 s in these tests, 15 s by default), so
     * that a proxy keeps it open and the client can tell a quiet stream from a lost server; comments carry no event.
     */
    // covers RUP-12, RUP-13
    @Test
    void anIdleEventStreamGetsAKeepAliveCommentEveryHeartbeat() throws Exception {
        Feed feed = feed();
        try (var stream = new EventStreamClient(feed, null)) {
            assertThat(stream.response.get(30, TimeUnit.SECONDS).statusCode()).isEqualTo(200);
            await().atMost(Duration.ofSeconds(20)).until(() -> stream.parser.comments().size() >= 2);
            assertThat(stream.parser.comments()).allMatch("keep-alive"::equals);
            assertThat(stream.events).as("no event on an idle stream").isEmpty();
        }
    }

    // covers RUP-5, RUP-12
    @Test
    void askingForAPositionOlderThanRetentionAnswersResyncRequiredWithOldestAndCurrent() throws Exception {
        Feed feed = feed();
        for (int i = 0; i < 5; i++) {
            send(feed, "mailto:ann@example.com");
        }
        await().atMost(WAIT).until(() -> readAll(feed, 0, 100).size() == 5);
        backdateEntries(feed, 3);

        await().atMost(WAIT).untilAsserted(() -> assertProblem(api.get(feed.path() + "?after=0"), 410,
                "resync-required"));
        var gone = api.get(feed.path() + "?after=2");
        assertProblem(gone, 410, "resync-required");
        assertThat(gone.body().get("oldest").asLong()).isEqualTo(4);
        assertThat(gone.body().get("current").asLong()).isEqualTo(5);
        assertProblem(api.get(feed.path() + "?after=6"), 410, "resync-required"); // a position never handed out

        var kept = readAll(feed, 3, 100);
        assertThat(kept.stream().map(n -> n.get("seq").asLong()).toList()).containsExactly(4L, 5L);
        var fromOldest = api.get(feed.path()).body();
        assertThat(fromOldest.get("notifications").get(0).get("seq").asLong())
                .as("without a position, reading starts at the oldest kept").isEqualTo(4);

        var stream = http.send(HttpRequest.newBuilder(URI.create(TestEnvironment.baseUrl() + feed.path()))
                .header("Authorization", AdminApi.adminAuthorization())
                .header("Accept", "text/event-stream").header("Last-Event-ID", "1").build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(stream.statusCode()).isEqualTo(410);
        assertThat(stream.headers().firstValue("Content-Type").orElse("")).startsWith("application/problem+json");
        assertThat(AdminApi.JSON.readTree(stream.body()).get("code").asText()).isEqualTo("resync-required");
    }

    // covers RUP-3, RUP-19
    @Test
    void anEventThatAsksForAcksStaysPendingUntilTheReceiverAcks() {
        Feed feed = feed();
        CloudEvent oneWay = send(feed, "mailto:ann@example.com");
        CloudEvent acked = send(CloudEventBuilder.v1(Events.event(feed.source(), TYPE, "mailto:ann@example.com"))
                .withExtension("tidingsack", true).build());
        await().atMost(WAIT).until(() -> readAll(feed, 0, 100).size() == 2);
        assertThat(statusOf(feed, oneWay)).isEqualTo("delivered");
        assertThat(statusOf(feed, acked)).isEqualTo("pending");

        assertProblem(api.postJson(feed.path() + "/ack", Map.of("upTo", 3)), 400, "invalid-request");
        var ack = api.postJson(feed.path() + "/ack", Map.of("upTo", 2));
        assertThat(ack.status()).as(ack.toString()).isEqualTo(200);
        assertThat(ack.body().get("acked").asLong()).isEqualTo(2);
        assertThat(statusOf(feed, acked)).isEqualTo("delivered");
    }

    // covers RUP-3, RUP-11
    @Test
    void aNotificationNeverAcknowledgedIsSettledWhenRetentionDeletesItsEntryAndALateAckLeavesItSo() throws Exception {
        Feed feed = feed();
        CloudEvent lost = sendAskingForAck(feed);
        CloudEvent kept = sendAskingForAck(feed);
        await().atMost(WAIT).until(() -> readAll(feed, 0, 100).size() == 2);
        backdateEntries(feed, 1);

        await().atMost(WAIT).until(() -> statusOf(feed, lost).equals("discarded"));
        assertThat(deliveryOf(feed, lost).get("lastAnswer").asText()).startsWith("never acknowledged");
        assertThat(statusOf(feed, kept)).isEqualTo("pending");

        // a client back after a resync acks where it reads now: that covers 1, which it never read
        var ack = api.postJson(feed.path() + "/ack", Map.of("upTo", 2));
        assertThat(ack.status()).as(ack.toString()).isEqualTo(200);
        assertThat(ack.body().get("acked").asLong()).isEqualTo(2);
        assertThat(statusOf(feed, lost)).isEqualTo("discarded");
        assertThat(statusOf(feed, kept)).isEqualTo("delivered");
    }

    @Test
    void theNotificationsADeletedSubscriptionLeftUnacknowledgedAreSettledWithItsFeed() throws Exception {
        Feed feed = feed();
        CloudEvent orphan = sendAskingForAck(feed);
        await().atMost(WAIT).until(() -> readAll(feed, 0, 100).size() == 1);
        assertThat(api.delete("/api/subscriptions/" + feed.subscription()).status()).isEqualTo(204);
        assertProblem(api.postJson(feed.path() + "/ack", Map.of("upTo", 1)), 404, "not-found");
        backdateEntries(feed, 1);

        await().atMost(WAIT).until(() -> statusOf(feed, orphan).equals("discarded"));
        assertThat(deliveryOf(feed, orphan).get("lastAnswer").asText()).startsWith("never acknowledged");
    }

    private CloudEvent sendAskingForAck(Feed feed) {
        return send(CloudEventBuilder.v1(Events.event(feed.source(), TYPE, "mailto:ann@example.com"))
                .withExtension("tidingsack", true).build());
    }

    /** Makes the feed's entries up to {@code through} two days old, older than retention. */
    private static void backdateEntries(Feed feed, long through) throws Exception {
        try (var db = TestEnvironment.openDatabase(); var backdate = db.prepareStatement(
                "UPDATE pull_notification SET created_at = ? WHERE subscription_id = ? AND seq <= ?")) {
            backdate.setTimestamp(1, Timestamp.from(Instant.now().minus(Duration.ofDays(2))));
            backdate.setObject(2, UUID.fromString(feed.subscription()));
            backdate.setLong(3, through);
            assertThat(backdate.executeUpdate()).isEqualTo(through);
        }
    }

    private String statusOf(Feed feed, CloudEvent event) {
        return deliveryOf(feed, event).get("status").asText();
    }

    private JsonNode deliveryOf(Feed feed, CloudEvent event) {
        return api.get("/api/deliveries?source=" + feed.source() + "&id=" + event.getId()).body().get(0);
    }

    @Test
    void hostileAndWrongRequestsGetProblems() throws Exception {
        Feed feed = feed();
        for (String query : List.of("after=-1", "after=abc", "after=99999999999999999999999", "limit=0",
                "limit=99999", "limit=x", "wait=PT1H", "wait=soon", "wait=-1")) {
            assertProblem(api.get(feed.path() + "?" + query), 400, "invalid-request");
        }
        assertProblem(api.get("/api/subscriptions/" + UUID.randomUUID() + "/notifications"), 404, "not-found");
        assertProblem(api.get("/api/subscriptions/not-a-uuid/notifications"), 404, "not-found");
        assertProblem(api.postJson("/api/subscriptions/" + UUID.randomUUID() + "/notifications/ack",
                Map.of("upTo", 0)), 404, "not-found");
        assertProblem(api.postJson(feed.path() + "/ack", Map.of()), 400, "invalid-request");

        var jms = api.route("mail store", "jms sink", TYPE);
        assertProblem(api.get("/api/subscriptions/" + jms.subscription() + "/notifications"), 409, "conflict");

        var stream = http.send(HttpRequest.newBuilder(URI.create(TestEnvironment.baseUrl() + feed.path()))
                .header("Authorization", AdminApi.adminAuthorization())
                .header("Accept", "text/event-stream").header("Last-Event-ID", "not-a-number").build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(stream.statusCode()).isEqualTo(400);
        assertThat(AdminApi.JSON.readTree(stream.body()).get("code").asText()).isEqualTo("invalid-request");

        assertProblem(api.postJson("/api/sinks", Map.of("name", "pull", "channel", "pull", "url",
                "http://127.0.0.1:1/")), 400, "invalid-request");
    }
}
