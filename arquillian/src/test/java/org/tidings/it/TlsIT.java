package org.tidings.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.cloudevents.CloudEvent;
import jakarta.jms.ConnectionFactory;
import jakarta.jms.JMSRuntimeException;
import jakarta.jms.Message;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLHandshakeException;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManagerFactory;
import org.apache.activemq.artemis.jms.client.ActiveMQConnectionFactory;
import org.apache.qpid.jms.JmsConnectionFactory;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * S2S-7 on ingest, admin and the broker: Payara Micro's HTTPS listener, configured as run.sh configures it, and the
 * broker's TLS acceptor, as run.sh adds it. keytool makes a self-signed certificate for 127.0.0.1 and localhost in a
 * PKCS12 keystore; Payara Micro gets the keystore and its password as the javax.net.ssl.keyStore system properties,
 * and the entry's alias and the port as --sslcert and --sslport. Its own broker connections (the outbound pool and
 * the message-driven beans) go to the TLS acceptor alone, trusting only that certificate
 * ({@code tidings.broker.connection-options}), and it has an events queue of its own. It serves HTTPS only
 * ({@code tidings.http.plain=none}), so every call of these tests goes over HTTPS. One Payara Micro for the whole
 * class, started by the test (the listener's keystore is a start option, which an Arquillian deployment cannot set
 * per class).
 */
class TlsIT {

    private static final String ALIAS = "tidings";
    private static final String NEW_MAIL = "org.example.mail.MessageNew";
    private static final long WAIT = 30_000;
    /** The events queue of this class's Payara Micro alone: what it takes in, it processes itself. */
    private static final String OWN_EVENTS = "tidings.events.tls";
    /**
     * Its own deliveries queue: the test run's Arquillian Payara Micro (no client certificate, no trust in the
     * receivers) shares the broker and the database, and would otherwise take some of this instance's notifications.
     */
    private static final String OWN_DELIVERIES = "tidings.deliver.tls";

    private static Certificate certificate;
    /** The key store password of the listener's keystore, which is also the webhook client key store. */
    private static String keyStorePassword;
    /** The webhook receivers' own key store (a certificate for 127.0.0.1 of their own) and its password. */
    private static Path receiverKeystore;
    private static String receiverPassword;
    /** The passwords of the trust stores this instance was given, which its log must not hold. */
    private static List<String> trustStorePasswords = List.of();
    private static Certificate receiverCertificate;
    private static int httpsPort;
    private static SecondInstance micro;
    private static int brokerTlsPort;
    private static AutoCloseable brokerTls;
    /** A PKCS12 trust store that holds the certificate alone, as a broker client is given it, and its password. */
    private static Path truststore;
    private static String truststorePassword;

    @BeforeAll
    static void startWithHttps() throws Exception {
        Path dir = Files.createDirectories(TestEnvironment.work().resolve("tls"));
        Path keystore = dir.resolve("keystore.p12");
        String password = UUID.randomUUID().toString();
        keyStorePassword = password;
        certificate = selfSigned(keystore, password, "localhost", "SAN=ip:127.0.0.1,dns:localhost");
        truststore = dir.resolve("truststore.p12");
        truststorePassword = UUID.randomUUID().toString();
        trustStoreOf(certificate, truststore, truststorePassword);
        brokerTlsPort = TestEnvironment.freePort();
        brokerTls = TestEnvironment.tlsAcceptor(brokerTlsPort, keystore, password, ALIAS);
        httpsPort = TestEnvironment.freePort();
        TestEnvironment.createEventsQueue(OWN_EVENTS);
        TestEnvironment.createDeliverQueue(OWN_DELIVERIES);
        Map<String, String> properties = new java.util.HashMap<>();
        properties.put("javax.net.ssl.keyStore", keystore.toString());
        properties.put("javax.net.ssl.keyStorePassword", password);
        properties.put("tidings.broker.port", Integer.toString(brokerTlsPort));
        properties.put("tidings.broker.connection-options", "sslEnabled=true;forceSSLParameters=true;verifyHost=true;"
                + "trustStoreType=PKCS12;trustStorePath=" + truststore + ";trustStorePassword=" + truststorePassword);
        properties.put("tidings.queue.events", OWN_EVENTS);
        properties.put("tidings.queue.deliver", OWN_DELIVERIES);
        properties.put("tidings.http.plain", "none");
        // the webhook calls' own trust store: the receivers' certificate alone (not in the JVM's trust store, which
        // Payara manages, and not the broker's, which the broker connection trusts through its connection options)
        receiverKeystore = dir.resolve("receiver.p12");
        receiverPassword = UUID.randomUUID().toString();
        receiverCertificate = selfSigned(receiverKeystore, receiverPassword, "receiver", "SAN=ip:127.0.0.1");
        Path receiverTrust = dir.resolve("receiver-trust.p12");
        String receiverTrustPassword = UUID.randomUUID().toString();
        trustStoreOf(receiverCertificate, receiverTrust, receiverTrustPassword);
        properties.put("tidings.webhook.tls.trust-store", receiverTrust.toString());
        properties.put("tidings.webhook.tls.trust-store-password", receiverTrustPassword);
        trustStorePasswords = List.of(truststorePassword, receiverTrustPassword);
        // and the client certificate webhook calls show when asked: the listener's own
        properties.put("tidings.webhook.tls.key-store", keystore.toString());
        properties.put("tidings.webhook.tls.key-store-password", password);
        micro = SecondInstance.start(properties,
                List.of("--sslport", Integer.toString(httpsPort), "--sslcert", ALIAS));
    }

    @AfterAll
    static void stop() throws Exception {
        if (micro != null) {
            micro.close();
        }
        if (brokerTls != null) {
            brokerTls.close();
        }
    }

    /**
     * S2S-7 on the broker protocols: a source's broker user sends over the broker's TLS acceptor, as run.sh sets it up,
     * with AMQP 1.0 (Qpid JMS, amqps) and with the CORE protocol (the Artemis client), each client trusting only the
     * certificate and checking that it names 127.0.0.1; both events are delivered.
     */
    // covers S2S-7, RUP-16 (broker ingest over TLS)
    @Test
    void aSourceSendsOverTheBrokersTlsAcceptorAsAClientThatTrustsOnlyThatCertificate() {
        var api = overHttps();
        var route = api.route("mail store over the broker's TLS", "notifier", NEW_MAIL);
        CloudEvent overAmqps = Events.event(route.source(), NEW_MAIL, "mailto:ann@example.com");
        CloudEvent overCore = Events.event(route.source(), NEW_MAIL, "mailto:bob@example.com");

        try (var amqps = Messaging.over(amqpsFactory(true))) {
            amqps.sendText(OWN_EVENTS, Events.json(overAmqps));
        }
        try (var core = Messaging.over(coreTlsFactory(true))) {
            core.sendText(OWN_EVENTS, Events.json(overCore));
        }

        try (var messaging = Messaging.asApp()) {
            List<Message> notifications = messaging.receive("tidings.sink." + route.sink(), 2, WAIT);
            assertThat(notifications).extracting(n -> Messaging.property(n, "tidings_event_id"))
                    .containsExactlyInAnyOrder(overAmqps.getId(), overCore.getId());
        }
    }

    // covers S2S-7: a broker client that verifies certificates refuses one it was not told to trust
    @Test
    void aBrokerClientThatDoesNotTrustTheCertificateCannotConnectAndNothingIsQueued() {
        String source = Events.uniqueSource();
        overHttps().createSource("mail store", source);
        String event = Events.json(Events.event(source, NEW_MAIL, "mailto:ann@example.com"));
        long queuedBefore = TestEnvironment.messagesAdded(OWN_EVENTS);

        assertThatThrownBy(() -> {
            try (var amqps = Messaging.over(amqpsFactory(false))) {
                amqps.sendText(OWN_EVENTS, event);
            }
        }).as("AMQP over TLS with the JDK's CAs").isInstanceOf(JMSRuntimeException.class)
                .hasStackTraceContaining("SSLHandshakeException");
        assertThatThrownBy(() -> {
            try (var core = Messaging.over(coreTlsFactory(false))) {
                core.sendText(OWN_EVENTS, event);
            }
        }).as("CORE over TLS with the JDK's CAs").isInstanceOf(JMSRuntimeException.class);
        assertThat(TestEnvironment.messagesAdded(OWN_EVENTS)).isEqualTo(queuedBefore);
    }

    /**
     * S2S-7: a broker connection verifies the broker's name as well as its chain. Another TLS acceptor of the same
     * broker presents a certificate made for tidings.example.com alone; a CORE client that trusts exactly that
     * certificate, with the options Tidings' own connections take ({@code verifyHost=true}, docs/adr/0016), cannot
     * connect to it at 127.0.0.1, and nothing is queued. With {@code verifyHost=false} the same client connects:
     * what failed was the name, not the trust.
     */
    // covers S2S-7, RUP-16
    @Test
    void aBrokerClientThatTrustsACertificateRefusesItForAnAddressItDoesNotName() throws Exception {
        Path dir = TestEnvironment.work().resolve("tls");
        Path keystore = dir.resolve("misnamed-" + UUID.randomUUID() + ".p12");
        String password = UUID.randomUUID().toString();
        Certificate misnamed = selfSigned(keystore, password, "tidings.example.com", "SAN=dns:tidings.example.com");
        Path trusting = dir.resolve("trusting-misnamed-" + UUID.randomUUID() + ".p12");
        String trustingPassword = UUID.randomUUID().toString();
        trustStoreOf(misnamed, trusting, trustingPassword);
        int port = TestEnvironment.freePort();
        String source = Events.uniqueSource();
        overHttps().createSource("mail store", source);
        String event = Events.json(Events.event(source, NEW_MAIL, "mailto:ann@example.com"));
        long queuedBefore = TestEnvironment.messagesAdded(OWN_EVENTS);

        try (var acceptor = TestEnvironment.tlsAcceptor("tidings-tls-misnamed", port, keystore, password, ALIAS)) {
            String trust = ";trustStoreType=PKCS12;trustStorePath=" + trusting + ";trustStorePassword=" + trustingPassword;
            assertThatThrownBy(() -> {
                try (var core = Messaging.over(coreFactory(port, "verifyHost=true" + trust))) {
                    core.sendText(OWN_EVENTS, event);
                }
            }).as("verifyHost=true, the certificate trusted, its name not the address").isInstanceOf(JMSRuntimeException.class);
            assertThat(TestEnvironment.messagesAdded(OWN_EVENTS)).isEqualTo(queuedBefore);

            var unverified = coreFactory(port, "verifyHost=false" + trust);
            assertThatCode(() -> unverified.createContext().close()).as("connected without the name's check")
                    .doesNotThrowAnyException();
        }
    }

    /** The Artemis client (CORE) to a TLS acceptor on 127.0.0.1 with these options; one attempt, no retries. */
    private static ActiveMQConnectionFactory coreFactory(int port, String options) {
        return new ActiveMQConnectionFactory("tcp://127.0.0.1:" + port + "?sslEnabled=true;reconnectAttempts=0;"
                + "initialConnectAttempts=1;" + options, TestEnvironment.SOURCE_USER, TestEnvironment.SOURCE_PASSWORD);
    }

    /** Qpid JMS to the TLS acceptor, trusting only the certificate or, if not, the JDK's CAs; it checks the name. */
    private static ConnectionFactory amqpsFactory(boolean trustTheCertificate) {
        String options = "transport.verifyHost=true&amqp.idleTimeout=0"
                + (trustTheCertificate ? "&transport.trustStoreLocation=" + truststore + "&transport.trustStorePassword="
                        + truststorePassword + "&transport.storeType=PKCS12" : "");
        return new JmsConnectionFactory(TestEnvironment.SOURCE_USER, TestEnvironment.SOURCE_PASSWORD,
                "amqps://127.0.0.1:" + brokerTlsPort + "?" + options);
    }

    /** The Artemis client (CORE) to the TLS acceptor, the same way; one attempt to connect, no retries. */
    private static ConnectionFactory coreTlsFactory(boolean trustTheCertificate) {
        return coreFactory(brokerTlsPort, "verifyHost=true" + (trustTheCertificate
                ? ";trustStoreType=PKCS12;trustStorePath=" + truststore + ";trustStorePassword=" + truststorePassword : ""));
    }

    // covers S2S-7 (ingest and admin over TLS)
    @Test
    void eventIsProvisionedAndIngestedOverHttpsByAClientThatTrustsOnlyThatCertificate() {
        var api = overHttps();
        var route = api.route("mail store over TLS", "notifier", NEW_MAIL);
        CloudEvent event = Events.event(route.source(), NEW_MAIL, "mailto:ann@example.com");

        long queuedBefore = TestEnvironment.messagesAdded(OWN_EVENTS);
        var reply = api.post("/events", "application/cloudevents+json", Events.json(event).getBytes(StandardCharsets.UTF_8));

        assertThat(reply.status()).isEqualTo(202);
        try (var messaging = Messaging.asApp()) {
            var notification = messaging.receive("tidings.sink." + route.sink(), null, WAIT);
            assertThat(notification).as("the notification of the event sent over HTTPS").isNotNull();
            assertThat(Messaging.property(notification, "tidings_event_id")).isEqualTo(event.getId());
        }
        // This Payara Micro knows the broker's TLS port alone, so it sent the event to its own queue, took it from
        // there and forwarded it over TLS: its outbound pool and its message-driven beans alike.
        assertThat(TestEnvironment.messagesAdded(OWN_EVENTS)).isEqualTo(queuedBefore + 1);
    }

    // covers S2S-7, LST-11 (the trust store's password is a secret too)
    @Test
    void theTrustStoreAndKeyStorePasswordsAreNotInTheServerLog() throws IOException {
        String log = Files.readString(micro.log());
        assertThat(log).contains("tidings").contains("webhook calls show the client certificate of") // it was read
                .doesNotContain(keyStorePassword);
        assertThat(trustStorePasswords).hasSize(2).allSatisfy(password -> assertThat(log).doesNotContain(password));
    }

    // covers S2S-7: what a client that verifies certificates does with one it was not told to trust
    @Test
    void aClientThatDoesNotTrustTheCertificateIsRefusedByTheHandshakeAndNothingIsIngested() {
        String source = Events.uniqueSource();
        overHttps().createSource("mail store", source);
        long queuedBefore = TestEnvironment.messagesAdded(OWN_EVENTS);
        var defaultTrust = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build(); // the JDK's CAs
        var request = HttpRequest.newBuilder(URI.create(httpsBase("127.0.0.1") + "/events"))
                .header("Authorization", AdminApi.adminAuthorization())
                .header("Content-Type", "application/cloudevents+json")
                .POST(HttpRequest.BodyPublishers.ofString(Events.json(Events.event(source, NEW_MAIL, "mailto:ann@example.com"))))
                .build();

        assertThatThrownBy(() -> defaultTrust.send(request, HttpResponse.BodyHandlers.ofString()))
                .isInstanceOf(SSLHandshakeException.class);
        assertThat(TestEnvironment.messagesAdded(OWN_EVENTS)).isEqualTo(queuedBefore);
    }

    // covers S2S-7: the host name is checked as well as the signature
    @Test
    void aClientThatTrustsTheCertificateRefusesItForANameItDoesNotCarry() throws IOException {
        assertThat(handshake("localhost")).as("a name the certificate carries").isTrue();
        assertThatThrownBy(() -> handshake("tidings.example.com")).isInstanceOf(SSLHandshakeException.class)
                .hasMessageContaining("tidings.example.com");
    }

    /**
     * A TLS handshake with the HTTPS listener on 127.0.0.1 as a client that trusts only the certificate and verifies
     * the server's name as HTTPS does, for the given name.
     */
    private static boolean handshake(String name) throws IOException {
        try (var plain = new Socket(InetAddress.getLoopbackAddress(), httpsPort);
                var tls = (SSLSocket) trustingOnlyTheCertificate().getSocketFactory()
                        .createSocket(plain, name, httpsPort, false)) {
            var parameters = tls.getSSLParameters();
            parameters.setEndpointIdentificationAlgorithm("HTTPS");
            tls.setSSLParameters(parameters);
            tls.startHandshake();
            return true;
        }
    }

    /**
     * RUP-16, a session below the security profile is not started: this Payara Micro serves HTTPS only, so a plain
     * HTTP request, even from loopback and with a valid token, is refused with 403 tls-required before anything runs.
     * With a bad token the answer is the same, not invalid-token: the refusal comes before any 401. (That the token of
     * a refused request is not even validated rests on BearerTokenMechanism's code, which returns first.)
     */
    // covers RUP-16, S2S-7
    @Test
    void plainHttpIsRefusedWithTlsRequiredBeforeTheTokenIsReadAndNothingIsIngested() {
        var https = overHttps();
        String source = Events.uniqueSource();
        https.createSource("mail store", source);
        var plain = new AdminApi(micro.baseUrl());
        long queuedBefore = TestEnvironment.messagesAdded(OWN_EVENTS);

        var event = plain.post("/events", "application/cloudevents+json",
                Events.json(Events.event(source, NEW_MAIL, "mailto:ann@example.com")).getBytes(StandardCharsets.UTF_8));
        var list = plain.get("/api/sources");
        var badToken = plain.withToken("tdg_not-a-token").get("/api/sources");
        var noToken = plain.withToken(null).get("/api/sources");
        var unknownPath = plain.get("/no-such-path");

        for (var reply : List.of(event, list, badToken, noToken, unknownPath)) {
            assertThat(reply.status()).as(reply.toString()).isEqualTo(403);
            assertThat(reply.contentType()).startsWith("application/problem+json");
            assertThat(reply.code()).isEqualTo("tls-required");
        }
        assertThat(event.body().path("detail").asText()).contains("tidings.http.plain=none");
        assertThat(TestEnvironment.messagesAdded(OWN_EVENTS)).as("nothing ingested over plain HTTP")
                .isEqualTo(queuedBefore);
        assertThat(https.get("/api/sources").status()).as("the same call over HTTPS").isEqualTo(200);
    }

    /**
     * A plain connection that speaks HTTP/2 at once (prior knowledge) and names {@code https} as the request's
     * {@code :scheme}: Grizzly's HTTP/2 decoder takes the request's secure flag from that field, so a gate that
     * trusted {@code isSecure()} alone would let it in. It is not served, with or without a valid token.
     */
    // covers RUP-16
    @Test
    void aPlainHttp2RequestClaimingTheHttpsSchemeIsNotServed() throws IOException {
        String answer = plainHttp2Get(micro.port(), "/api/sources", AdminApi.adminAuthorization());

        assertThat(answer).as("a plain request that claims :scheme https").doesNotContain("status 2")
                .doesNotStartWith("HTTP/1.1 2");
    }

    /**
     * Sends one GET over a plain TCP connection as HTTP/2 with prior knowledge ({@code :scheme https}, HPACK without
     * Huffman coding) and says how it was answered: "h2 status " and the HTTP/2 response's status, "h2 GOAWAY", the
     * status line of an HTTP/1.1 answer, or "closed".
     */
    private static String plainHttp2Get(int port, String path, String authorization) throws IOException {
        var block = new java.io.ByteArrayOutputStream();
        block.write(0x82); // :method GET
        block.write(0x87); // :scheme https
        hpackLiteral(block, 4, path); // :path
        hpackLiteral(block, 1, "127.0.0.1:" + port); // :authority
        hpackLiteral(block, 23, authorization); // authorization
        byte[] headers = block.toByteArray();
        try (var socket = new Socket(InetAddress.getLoopbackAddress(), port)) {
            socket.setSoTimeout(10_000);
            var out = socket.getOutputStream();
            out.write("PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
            out.write(new byte[] {0, 0, 0, 4, 0, 0, 0, 0, 0}); // SETTINGS, empty
            out.write(new byte[] {(byte) (headers.length >> 16), (byte) (headers.length >> 8), (byte) headers.length,
                    1, 5, 0, 0, 0, 1}); // HEADERS, END_STREAM | END_HEADERS, stream 1
            out.write(headers);
            out.flush();
            var in = new java.io.DataInputStream(socket.getInputStream());
            try {
                byte[] head = new byte[9];
                in.readFully(head);
                if (new String(head, StandardCharsets.US_ASCII).startsWith("HTTP/1.")) {
                    var line = new StringBuilder(new String(head, StandardCharsets.US_ASCII));
                    for (int b; (b = in.read()) >= 0 && b != '\r';) {
                        line.append((char) b);
                    }
                    return line.toString();
                }
                while (true) {
                    int length = (head[0] & 0xff) << 16 | (head[1] & 0xff) << 8 | head[2] & 0xff;
                    byte[] payload = new byte[length];
                    in.readFully(payload);
                    int stream = java.nio.ByteBuffer.wrap(head, 5, 4).getInt() & 0x7fffffff;
                    if (head[3] == 1 && stream == 1) {
                        int padding = (head[4] & 0x08) != 0 ? 1 + (payload[0] & 0xff) : 0;
                        int first = (head[4] & 0x20) != 0 ? 5 : 0; // PRIORITY fields
                        first += padding > 0 ? 1 : 0;
                        return "h2 status " + hpackStatus(payload, first);
                    }
                    if (head[3] == 7) {
                        return "h2 GOAWAY";
                    }
                    in.readFully(head);
                }
            } catch (java.io.EOFException | java.net.SocketException closed) {
                return "closed";
            }
        }
    }

    /** HPACK: the :status a response's header block starts with (indexed or literal, Huffman-coded or not). */
    private static String hpackStatus(byte[] block, int at) {
        while ((block[at] & 0xe0) == 0x20) { // a dynamic table size update (Grizzly starts with one): skipped
            if ((block[at++] & 0x1f) == 0x1f) {
                while ((block[at++] & 0x80) != 0) {
                    // the integer's continuation bytes
                }
            }
        }
        int first = block[at] & 0xff;
        if ((first & 0x80) != 0) { // indexed, RFC 7541 appendix A
            return switch (first & 0x7f) {
                case 8 -> "200"; case 9 -> "204"; case 10 -> "206"; case 11 -> "304"; case 12 -> "400";
                case 13 -> "404"; case 14 -> "500"; default -> "indexed " + (first & 0x7f);
            };
        }
        boolean named = first == 0x48 || first == 0x08 || first == 0x18; // a literal named by index 8, :status
        if (!named) {
            return "unknown " + java.util.HexFormat.of().formatHex(block, at, Math.min(block.length, at + 12));
        }
        int length = block[at + 1] & 0x7f;
        boolean huffman = (block[at + 1] & 0x80) != 0;
        if (!huffman) {
            return new String(block, at + 2, length, StandardCharsets.US_ASCII);
        }
        // digits only: '0' to '2' are 5-bit codes 00000-00010, '3' to '9' 6-bit codes 011001-011111 (appendix B)
        var digits = new StringBuilder();
        long bits = 0;
        int count = 0;
        for (int i = 0; i < length; i++) {
            bits = bits << 8 | (block[at + 2 + i] & 0xff);
            count += 8;
            while (count >= 6 && digits.length() < 3) {
                int five = (int) (bits >> (count - 5)) & 0x1f;
                if (five <= 2) {
                    digits.append((char) ('0' + five));
                    count -= 5;
                    continue;
                }
                int six = (int) (bits >> (count - 6)) & 0x3f;
                if (six >= 0x19 && six <= 0x1f) {
                    digits.append((char) ('3' + six - 0x19));
                    count -= 6;
                    continue;
                }
                return "undecoded";
            }
        }
        return digits.toString();
    }

    /** An HPACK literal header field without indexing, its name from the static table, its value not Huffman-coded. */
    private static void hpackLiteral(java.io.ByteArrayOutputStream block, int nameIndex, String value) {
        hpackInteger(block, 0x00, 4, nameIndex);
        byte[] bytes = value.getBytes(StandardCharsets.US_ASCII);
        hpackInteger(block, 0x00, 7, bytes.length);
        block.writeBytes(bytes);
    }

    /** RFC 7541 section 5.1: an integer with an N-bit prefix, the first byte's other bits given. */
    private static void hpackInteger(java.io.ByteArrayOutputStream block, int flags, int prefixBits, int value) {
        int max = (1 << prefixBits) - 1;
        if (value < max) {
            block.write(flags | value);
            return;
        }
        block.write(flags | max);
        for (value -= max; value >= 128; value >>= 7) {
            block.write(value % 128 + 128);
        }
        block.write(value);
    }

    /** The first administrator's API over HTTPS, as a client that trusts only the certificate. */
    private static AdminApi overHttps() {
        return new AdminApi(httpsBase("127.0.0.1"), HttpClient.newBuilder().sslContext(trustingOnlyTheCertificate())
                .connectTimeout(Duration.ofSeconds(5)).build());
    }

    private static String httpsBase(String host) {
        return "https://" + host + ":" + httpsPort;
    }

    private static SSLContext trustingOnlyTheCertificate() {
        try {
            var trusted = KeyStore.getInstance("PKCS12");
            trusted.load(null, null);
            trusted.setCertificateEntry("tidings", certificate);
            var trust = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
            trust.init(trusted);
            var context = SSLContext.getInstance("TLS");
            context.init(null, trust.getTrustManagers(), null);
            return context;
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    /**
     * Both sides of a webhook call authenticate (S2S-10): a receiver over HTTPS that demands a client certificate and
     * trusts Tidings' (here its HTTPS listener's, named by tidings.webhook.tls.key-store) gets the notification and
     * sees that certificate; one that names other certificate authorities and trusts no one is shown the same
     * certificate, refuses the handshake, and gets nothing; the notification's row records the failed attempts.
     */
    // covers S2S-7, S2S-10
    @Test
    void aWebhookReceiverThatDemandsAClientCertificateGetsTidingsOwnAndOneThatTrustsAnotherRefusesIt()
            throws Exception {
        try (var trusting = new MutualTlsReceiver(trustingOnly(certificate));
                var distrusting = new MutualTlsReceiver(new RecordingRefusal())) {
            var api = overHttps();
            String source = Events.uniqueSource();
            api.createSource("mail store", source);
            for (var receiver : List.of(trusting, distrusting)) {
                var created = api.postJson("/api/sinks", Map.of("name", "mutual TLS receiver", "channel", "webhook",
                        "url", receiver.url()));
                assertThat(created.status()).as("%s", created).isEqualTo(201);
                api.subscribe(created.body().get("id").asText(), Map.of("types", List.of(NEW_MAIL), "sources",
                        List.of(source)));
            }
            CloudEvent event = Events.event(source, NEW_MAIL, "mailto:ann@example.com");
            assertThat(api.post("/events", "application/cloudevents+json", Events.json(event)
                    .getBytes(StandardCharsets.UTF_8)).status()).isEqualTo(202);
            String deliveries = "/api/deliveries?source=" + source + "&id=" + event.getId();
            var refusal = (RecordingRefusal) distrusting.trust;
            org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
                var rows = api.get(deliveries).body();
                assertThat(trusting.bodies).as("received; the deliveries say %s", rows).hasSize(1);
                assertThat(refusal.shown).as("shown to the distrusting receiver; the deliveries say %s", rows)
                        .isNotEmpty();
                assertThat(rows).as("both attempted").hasSize(2).allSatisfy(row -> assertThat(row.path("attempts")
                        .asInt()).isPositive());
            });
            assertThat(trusting.bodies.get(0)).contains(event.getId());
            assertThat(trusting.presented).first().as("the client certificate Tidings showed").isEqualTo(certificate);
            assertThat(refusal.shown).first().as("shown though the receiver names other authorities")
                    .isEqualTo(certificate);
            assertThat(distrusting.bodies).as("its handshake refused Tidings' certificate").isEmpty();
        }
    }

    /** A webhook receiver over HTTPS with a certificate of its own, demanding a client certificate. */
    private static final class MutualTlsReceiver implements AutoCloseable {
        final List<Certificate> presented = new java.util.concurrent.CopyOnWriteArrayList<>();
        final List<String> bodies = new java.util.concurrent.CopyOnWriteArrayList<>();
        final javax.net.ssl.X509TrustManager trust;
        private final com.sun.net.httpserver.HttpsServer server;

        MutualTlsReceiver(javax.net.ssl.X509TrustManager trust) throws Exception {
            this.trust = trust;
            server = com.sun.net.httpserver.HttpsServer.create(new java.net.InetSocketAddress(
                    InetAddress.getLoopbackAddress(), 0), 0);
            server.setHttpsConfigurator(new com.sun.net.httpserver.HttpsConfigurator(receiverContext(trust)) {
                @Override
                public void configure(com.sun.net.httpserver.HttpsParameters parameters) {
                    var ssl = getSSLContext().getDefaultSSLParameters();
                    ssl.setNeedClientAuth(true);
                    parameters.setSSLParameters(ssl);
                }
            });
            server.createContext("/hooks", exchange -> {
                presented.addAll(List.of(((com.sun.net.httpserver.HttpsExchange) exchange).getSSLSession()
                        .getPeerCertificates()));
                bodies.add(new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8));
                exchange.sendResponseHeaders(204, -1);
                exchange.close();
            });
            server.start();
        }

        String url() {
            return "https://127.0.0.1:" + server.getAddress().getPort() + "/hooks";
        }

        @Override
        public void close() {
            server.stop(0);
        }
    }

    /** A receiver's trust in one certificate alone. */
    private static javax.net.ssl.X509TrustManager trustingOnly(Certificate trusted) throws Exception {
        var store = KeyStore.getInstance("PKCS12");
        store.load(null, null);
        store.setCertificateEntry(ALIAS, trusted);
        var trustManagers = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        trustManagers.init(store);
        return (javax.net.ssl.X509TrustManager) trustManagers.getTrustManagers()[0];
    }

    /**
     * A receiver's trust that names its own certificate as the one authority it accepts, records the client
     * certificate it is shown, and refuses it.
     */
    private static final class RecordingRefusal implements javax.net.ssl.X509TrustManager {
        final List<Certificate> shown = new java.util.concurrent.CopyOnWriteArrayList<>();

        @Override
        public void checkClientTrusted(java.security.cert.X509Certificate[] chain, String authType)
                throws java.security.cert.CertificateException {
            shown.add(chain[0]);
            throw new java.security.cert.CertificateException("this receiver trusts another certificate");
        }

        @Override
        public void checkServerTrusted(java.security.cert.X509Certificate[] chain, String authType)
                throws java.security.cert.CertificateException {
            throw new java.security.cert.CertificateException("a receiver is never a client here");
        }

        @Override
        public java.security.cert.X509Certificate[] getAcceptedIssuers() {
            return new java.security.cert.X509Certificate[] {(java.security.cert.X509Certificate) receiverCertificate};
        }
    }

    /** The receiver's side: its own key and certificate, and the given trust in client certificates. */
    private static SSLContext receiverContext(javax.net.ssl.X509TrustManager trust) throws Exception {
        var keys = KeyStore.getInstance("PKCS12");
        try (InputStream in = Files.newInputStream(receiverKeystore)) {
            keys.load(in, receiverPassword.toCharArray());
        }
        var keyManagers = javax.net.ssl.KeyManagerFactory.getInstance(javax.net.ssl.KeyManagerFactory
                .getDefaultAlgorithm());
        keyManagers.init(keys, receiverPassword.toCharArray());
        var context = SSLContext.getInstance("TLS");
        context.init(keyManagers.getKeyManagers(), new javax.net.ssl.TrustManager[] {trust}, null);
        return context;
    }

    /** A new PKCS12 keystore holding a self-signed EC certificate for this name and SAN extension: its certificate. */
    private static Certificate selfSigned(Path keystore, String password, String name, String san) throws Exception {
        keytool("-genkeypair", "-alias", ALIAS, "-keyalg", "EC", "-groupname", "secp256r1", "-validity", "2",
                "-dname", "CN=" + name, "-ext", san,
                "-storetype", "PKCS12", "-keystore", keystore.toString(), "-storepass", password);
        var store = KeyStore.getInstance("PKCS12");
        try (InputStream in = Files.newInputStream(keystore)) {
            store.load(in, password.toCharArray());
        }
        return store.getCertificate(ALIAS);
    }

    /** A PKCS12 trust store holding this certificate alone, as a broker client is given it. */
    private static void trustStoreOf(Certificate trusted, Path truststore, String password) throws Exception {
        var store = KeyStore.getInstance("PKCS12");
        store.load(null, null);
        store.setCertificateEntry(ALIAS, trusted);
        try (var out = Files.newOutputStream(truststore)) {
            store.store(out, password.toCharArray());
        }
    }

    private static void keytool(String... arguments) throws IOException, InterruptedException {
        var command = new java.util.ArrayList<String>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "keytool").toString());
        command.addAll(List.of(arguments));
        var process = new ProcessBuilder(command).redirectErrorStream(true).start();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (process.waitFor() != 0) {
            throw new IllegalStateException("keytool failed: " + output);
        }
    }
}
