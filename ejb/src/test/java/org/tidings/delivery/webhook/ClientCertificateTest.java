package org.tidings.delivery.webhook;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLServerSocket;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManager;
import javax.net.ssl.TrustManagerFactory;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The TLS context of webhook calls: the JDK's default without a key store; with one, its single key, never a choice
 * among several, and a key store that cannot serve stops the start with a message that does not hold the password.
 */
class ClientCertificateTest {

    @TempDir
    Path dir;

    @Test
    void withoutAKeyStoreCallsUseTheDefaultContext() throws Exception {
        assertThat(ClientCertificate.context(Optional.empty(), Optional.empty(), "PKCS12"))
                .isSameAs(SSLContext.getDefault());
        assertThat(ClientCertificate.context(Optional.of(" "), Optional.of("x"), "PKCS12"))
                .isSameAs(SSLContext.getDefault());
    }

    /**
     * A real handshake on loopback with a server that demands a client certificate and trusts only this one: it
     * completes, and the server sees the key store's certificate. (The client here trusts the server's certificate
     * through the test's trust managers; Tidings' calls trust the JDK's default, which TlsIT exercises.)
     */
    @Test
    void aKeyStoreWithOneKeyIsShownToAReceiverThatAsksForACertificate() throws Exception {
        String password = UUID.randomUUID().toString();
        Path client = keyStore(password, "tidings");
        Path server = keyStore(password, "receiver");
        Certificate clientCertificate = load(client, password).getCertificate("tidings");
        SSLContext context = ClientCertificate.context(Optional.of(client.toString()), Optional.of(password),
                "PKCS12", trusting(load(server, password).getCertificate("receiver")));
        assertThat(context).isNotSameAs(SSLContext.getDefault());

        SSLContext receiver = receiverContext(server, password, trusting(clientCertificate));
        try (var listening = (SSLServerSocket) receiver.getServerSocketFactory().createServerSocket(0, 1,
                InetAddress.getLoopbackAddress())) {
            listening.setNeedClientAuth(true);
            var threads = Executors.newSingleThreadExecutor();
            var accepted = threads.submit(() -> {
                try (var socket = (SSLSocket) listening.accept()) {
                    socket.startHandshake();
                    return socket.getSession().getPeerCertificates()[0];
                } finally {
                    threads.shutdown();
                }
            });
            try (var socket = (SSLSocket) context.getSocketFactory().createSocket(InetAddress.getLoopbackAddress(),
                    listening.getLocalPort())) {
                socket.startHandshake();
                assertThat(accepted.get(10, TimeUnit.SECONDS)).as("the certificate the receiver saw")
                        .isEqualTo(clientCertificate);
            }
        }
    }

    /**
     * A receiver that names certificate authorities the certificate is not from still gets it: the receiver, not
     * Tidings, decides whether it trusts it (ClientCertificate.OneKey; the JDK's own key managers may filter by those
     * names, though on this JDK this test passes with them too).
     */
    @Test
    void theCertificateIsShownWhateverAuthoritiesTheReceiverNames() throws Exception {
        String password = UUID.randomUUID().toString();
        Path client = keyStore(password, "tidings");
        Path server = keyStore(password, "receiver");
        Certificate clientCertificate = load(client, password).getCertificate("tidings");
        var receiverCertificate = (java.security.cert.X509Certificate) load(server, password).getCertificate("receiver");
        SSLContext context = ClientCertificate.context(Optional.of(client.toString()), Optional.of(password),
                "PKCS12", trusting(receiverCertificate));
        var shown = new java.util.concurrent.CopyOnWriteArrayList<Certificate>();
        var namingNone = new javax.net.ssl.X509TrustManager() {
            @Override
            public void checkClientTrusted(java.security.cert.X509Certificate[] chain, String authType)
                    throws java.security.cert.CertificateException {
                shown.add(chain[0]);
                throw new java.security.cert.CertificateException("trusts no one");
            }

            @Override
            public void checkServerTrusted(java.security.cert.X509Certificate[] chain, String authType) {
                throw new UnsupportedOperationException();
            }

            @Override
            public java.security.cert.X509Certificate[] getAcceptedIssuers() {
                return new java.security.cert.X509Certificate[] {receiverCertificate}; // not the client's issuer
            }
        };
        SSLContext receiver = receiverContext(server, password, new TrustManager[] {namingNone});
        var threads = Executors.newSingleThreadExecutor();
        try (var listening = (SSLServerSocket) receiver.getServerSocketFactory().createServerSocket(0, 1,
                InetAddress.getLoopbackAddress())) {
            listening.setNeedClientAuth(true);
            // TLS 1.2 names the authorities in every CertificateRequest (the JDK's TLS 1.3 server does not by default)
            listening.setEnabledProtocols(new String[] {"TLSv1.2"});
            var accepted = threads.submit(() -> {
                try (var socket = (SSLSocket) listening.accept()) {
                    socket.startHandshake();
                } catch (IOException refused) {
                    // it refuses, as its trust manager says
                }
                return null;
            });
            try (var socket = (SSLSocket) context.getSocketFactory().createSocket(InetAddress.getLoopbackAddress(),
                    listening.getLocalPort())) {
                socket.startHandshake();
                socket.getInputStream().read(); // the receiver's refusal arrives here, if not in the handshake
            } catch (IOException refused) {
                // expected: the receiver trusts no one
            }
            accepted.get(10, TimeUnit.SECONDS);
        } finally {
            threads.shutdownNow();
        }
        assertThat(shown).as("the certificate the receiver was shown").containsExactly(clientCertificate);
    }

    /**
     * Calls to a receiver that demands a client certificate reuse their pooled connection, as other calls do: a
     * connection that showed a certificate keeps no state that a later request would have to match.
     */
    @Test
    void callsToAReceiverThatDemandsACertificateReuseOneConnection() throws Exception {
        String password = UUID.randomUUID().toString();
        Path client = keyStore(password, "tidings");
        Path server = dir.resolve("receiver.p12");
        keytool("-genkeypair", "-alias", "receiver", "-keyalg", "EC", "-groupname", "secp256r1", "-validity", "2",
                "-dname", "CN=receiver", "-ext", "SAN=ip:127.0.0.1", "-storetype", "PKCS12", "-keystore",
                server.toString(), "-storepass", password);
        SSLContext context = ClientCertificate.context(Optional.of(client.toString()), Optional.of(password),
                "PKCS12", trusting(load(server, password).getCertificate("receiver")));
        SSLContext receiver = receiverContext(server, password, trusting(load(client, password).getCertificate("tidings")));
        var ports = new java.util.concurrent.CopyOnWriteArrayList<Integer>();
        var https = com.sun.net.httpserver.HttpsServer.create(new java.net.InetSocketAddress(
                InetAddress.getLoopbackAddress(), 0), 0);
        https.setHttpsConfigurator(new com.sun.net.httpserver.HttpsConfigurator(receiver) {
            @Override
            public void configure(com.sun.net.httpserver.HttpsParameters parameters) {
                var ssl = getSSLContext().getDefaultSSLParameters();
                ssl.setNeedClientAuth(true);
                parameters.setSSLParameters(ssl);
            }
        });
        https.createContext("/", exchange -> {
            ports.add(exchange.getRemoteAddress().getPort());
            exchange.getRequestBody().readAllBytes();
            exchange.sendResponseHeaders(204, -1);
            exchange.close();
        });
        https.start();
        try (var exchanges = new CheckedExchanges(AddressPolicy.defaults(), InetAddress::getAllByName, 4, 4, 1024,
                context)) {
            var target = new org.apache.hc.core5.http.HttpHost("https", "127.0.0.1", https.getAddress().getPort());
            for (int i = 0; i < 3; i++) {
                var answer = exchanges.exchange(target, new org.apache.hc.client5.http.classic.methods.HttpPost("/"),
                        java.time.Duration.ofSeconds(5), java.time.Duration.ofSeconds(5));
                assertThat(answer.status()).isEqualTo(204);
            }
        } finally {
            https.stop(0);
        }
        assertThat(ports).as("one connection for the three calls").hasSize(3).containsOnly(ports.get(0));
    }

    /** A receiver's side: the key store's key and certificate, and this trust in client certificates. */
    private static SSLContext receiverContext(Path store, String password, TrustManager[] trust) throws Exception {
        var keys = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
        keys.init(load(store, password), password.toCharArray());
        SSLContext receiver = SSLContext.getInstance("TLS");
        receiver.init(keys.getKeyManagers(), trust, null);
        return receiver;
    }

    private static TrustManager[] trusting(Certificate certificate) throws Exception {
        var store = KeyStore.getInstance("PKCS12");
        store.load(null, null);
        store.setCertificateEntry("trusted", certificate);
        var trust = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        trust.init(store);
        return trust.getTrustManagers();
    }

    /**
     * A trust store of the webhook calls' own: its certificates, whatever the JVM trusts; with no key store too; one
     * that trusts nothing or cannot be opened stops the start without showing its password.
     */
    @Test
    void aTrustStoreOfTheirOwnIsWhatWebhookCallsTrust() throws Exception {
        assertThat(ClientCertificate.trustOf(Optional.empty(), Optional.empty(), "PKCS12")).as("the JVM's").isNull();
        String password = UUID.randomUUID().toString();
        Path server = keyStore(password, "receiver");
        Path trusted = dir.resolve("trusted.p12");
        var store = KeyStore.getInstance("PKCS12");
        store.load(null, null);
        store.setCertificateEntry("receiver", load(server, password).getCertificate("receiver"));
        try (var out = Files.newOutputStream(trusted)) {
            store.store(out, password.toCharArray());
        }
        TrustManager[] trust = ClientCertificate.trustOf(Optional.of(trusted.toString()), Optional.of(password),
                "PKCS12");
        assertThat(((javax.net.ssl.X509TrustManager) trust[0]).getAcceptedIssuers())
                .containsExactly((java.security.cert.X509Certificate) load(server, password).getCertificate("receiver"));
        assertThat(ClientCertificate.context(Optional.empty(), Optional.empty(), "PKCS12", trust))
                .as("no client certificate, its own trust").isNotSameAs(SSLContext.getDefault());

        Path empty = dir.resolve("empty.p12");
        var none = KeyStore.getInstance("PKCS12");
        none.load(null, null);
        try (var out = Files.newOutputStream(empty)) {
            none.store(out, password.toCharArray());
        }
        assertThatThrownBy(() -> ClientCertificate.trustOf(Optional.of(empty.toString()), Optional.of(password),
                "PKCS12")).isInstanceOf(IllegalStateException.class).hasMessageContaining("trusts no certificate");
        String wrong = "wrong-" + UUID.randomUUID();
        assertThatThrownBy(() -> ClientCertificate.trustOf(Optional.of(trusted.toString()), Optional.of(wrong),
                "PKCS12")).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining(ClientCertificate.TRUST_STORE_PROPERTY)
                .satisfies(e -> assertThat(e.getMessage()).doesNotContain(wrong));
    }

    @Test
    void aWrongPasswordStopsTheStartWithoutShowingIt() throws Exception {
        Path store = keyStore("right-" + UUID.randomUUID(), "tidings");
        String wrong = "wrong-" + UUID.randomUUID();
        assertThatThrownBy(() -> ClientCertificate.context(Optional.of(store.toString()), Optional.of(wrong),
                "PKCS12")).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining(ClientCertificate.KEY_STORE_PROPERTY).hasMessageContaining(store.toString())
                .satisfies(e -> assertThat(e.getMessage()).doesNotContain(wrong))
                .hasNoCause();
    }

    @Test
    void aKeyStoreWithTwoKeysOrNoneIsRefused() throws Exception {
        String password = UUID.randomUUID().toString();
        Path two = keyStore(password, "first", "second");
        assertThatThrownBy(() -> ClientCertificate.context(Optional.of(two.toString()), Optional.of(password),
                "PKCS12")).isInstanceOf(IllegalStateException.class).hasMessageContaining("holds 2 private key entries");
        assertThatThrownBy(() -> ClientCertificate.context(Optional.of(dir.resolve("absent.p12").toString()),
                Optional.of(password), "PKCS12")).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("absent.p12");
    }

    private Path keyStore(String password, String... aliases) throws IOException, InterruptedException {
        Path store = dir.resolve(UUID.randomUUID() + ".p12");
        for (String alias : aliases) {
            keytool("-genkeypair", "-alias", alias, "-keyalg", "EC", "-groupname", "secp256r1", "-validity", "2",
                    "-dname", "CN=tidings client", "-storetype", "PKCS12", "-keystore", store.toString(),
                    "-storepass", password);
        }
        return store;
    }

    private static KeyStore load(Path store, String password) throws Exception {
        var keys = KeyStore.getInstance("PKCS12");
        try (var in = Files.newInputStream(store)) {
            keys.load(in, password.toCharArray());
        }
        return keys;
    }

    private static void keytool(String... arguments) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "keytool").toString());
        command.addAll(List.of(arguments));
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (process.waitFor() != 0) {
            throw new IllegalStateException("keytool failed: " + output);
        }
    }
}
