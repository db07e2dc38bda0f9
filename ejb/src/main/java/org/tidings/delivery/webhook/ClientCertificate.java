package org.tidings.delivery.webhook;

import java.io.IOException;
import java.io.InputStream;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.Principal;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Optional;
import javax.net.ssl.KeyManager;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.TrustManager;
import javax.net.ssl.TrustManagerFactory;
import javax.net.ssl.X509ExtendedKeyManager;
import javax.net.ssl.X509KeyManager;
import javax.net.ssl.X509TrustManager;

/**
 * The TLS context of webhook calls: the JDK's default (the trust store of {@code javax.net.ssl.trustStore}, or the
 * JDK's CAs; no client certificate), or one with a trust store of its own ({@value #TRUST_STORE_PROPERTY}) and, when a
 * key store is configured, the key store's key and certificate chain, which Tidings shows to every receiver that asks for a client certificate and accepts its
 * key type (mutual TLS, S2S-10), whatever certificate authorities the receiver names. The key store must hold exactly
 * one private key entry; its password is never part of a message.
 */
public final class ClientCertificate {

    static final String KEY_STORE_PROPERTY = "tidings.webhook.tls.key-store";
    static final String PASSWORD_PROPERTY = "tidings.webhook.tls.key-store-password";
    static final String TYPE_PROPERTY = "tidings.webhook.tls.key-store-type";
    static final String TRUST_STORE_PROPERTY = "tidings.webhook.tls.trust-store";
    static final String TRUST_PASSWORD_PROPERTY = "tidings.webhook.tls.trust-store-password";
    static final String TRUST_TYPE_PROPERTY = "tidings.webhook.tls.trust-store-type";

    private ClientCertificate() {
    }

    /** The default context, or one that shows the key store's certificate; throws if the key store cannot serve. */
    static SSLContext context(Optional<String> keyStore, Optional<String> password, String type) {
        return context(keyStore, password, type, null);
    }

    /**
     * The same, trusting what {@code trust} trusts (null: the JDK's default trust; see {@link #trustOf} for a trust
     * store of its own).
     */
    static SSLContext context(Optional<String> keyStore, Optional<String> password, String type,
            TrustManager[] trust) {
        if (keyStore.isEmpty() || keyStore.get().isBlank()) {
            try {
                if (trust == null) {
                    return SSLContext.getDefault();
                }
                SSLContext context = SSLContext.getInstance("TLS");
                context.init(null, trust, null);
                return context;
            } catch (GeneralSecurityException e) {
                throw new IllegalStateException("no SSLContext for webhook calls: " + e.getMessage(), e);
            }
        }
        char[] secret = password.orElse("").toCharArray();
        String named = keyStore.get();
        try {
            KeyStore keys = opened(named, type, secret);
            List<String> privateKeys = Collections.list(keys.aliases()).stream()
                    .filter(alias -> isPrivateKey(keys, alias)).toList();
            if (privateKeys.size() != 1) {
                throw new IllegalStateException(KEY_STORE_PROPERTY + " " + named + " holds " + privateKeys.size()
                        + " private key entries; it must hold exactly one, the client certificate's");
            }
            KeyManagerFactory factory = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
            factory.init(keys, secret); // the key's password is the store's
            X509KeyManager keyManager = Arrays.stream(factory.getKeyManagers())
                    .filter(X509KeyManager.class::isInstance).map(X509KeyManager.class::cast).findFirst()
                    .orElseThrow(() -> new GeneralSecurityException("no X.509 key manager"));
            TrustManager[] trusted = trust == null ? defaultTrust() : trust;
            SSLContext context = SSLContext.getInstance("TLS");
            context.init(new KeyManager[] {new OneKey(keyManager, privateKeys.get(0))}, trusted, null);
            return context;
        } catch (IOException | GeneralSecurityException | InvalidPathException e) {
            // the message names the file and the failure, never the password
            throw new IllegalStateException(KEY_STORE_PROPERTY + " " + named + " (" + type + ") cannot be used as "
                    + "the webhook client certificate: " + e.getClass().getSimpleName() + ": " + e.getMessage());
        } finally {
            Arrays.fill(secret, '\0');
        }
    }

    /**
     * The trust of webhook calls in a trust store of their own ({@value #TRUST_STORE_PROPERTY}), or null (the JVM's
     * default) when none is named. Its certificates are trusted whatever the JVM trusts; one that trusts nothing, or
     * cannot be read, stops the start. Its password is never part of a message.
     */
    static TrustManager[] trustOf(Optional<String> trustStore, Optional<String> password, String type) {
        if (trustStore.isEmpty() || trustStore.get().isBlank()) {
            return null;
        }
        // no password: the store is read without its integrity check (a JKS store, the JDK's cacerts among them, can
        // be; a password-protected PKCS12 store then shows no certificate, and is refused below)
        char[] secret = password.map(String::toCharArray).orElse(null);
        String named = trustStore.get();
        try {
            KeyStore store = opened(named, type, secret);
            TrustManagerFactory factory = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
            factory.init(store);
            return trusting(factory.getTrustManagers(), TRUST_STORE_PROPERTY + " " + named);
        } catch (IOException | GeneralSecurityException | InvalidPathException e) {
            throw new IllegalStateException(TRUST_STORE_PROPERTY + " " + named + " (" + type + ") cannot be used as "
                    + "the webhook calls' trust: " + e.getClass().getSimpleName() + ": " + e.getMessage());
        } finally {
            if (secret != null) {
                Arrays.fill(secret, '\0');
            }
        }
    }

    private static KeyStore opened(String path, String type, char[] password) throws IOException,
            GeneralSecurityException {
        KeyStore store = KeyStore.getInstance(type);
        try (InputStream in = Files.newInputStream(Path.of(path))) {
            store.load(in, password);
        }
        return store;
    }

    /** The trust managers, if they trust some certificate; else a refusal naming {@code what}. */
    private static TrustManager[] trusting(TrustManager[] trusted, String what) throws GeneralSecurityException {
        int issuers = Arrays.stream(trusted).filter(X509TrustManager.class::isInstance)
                .mapToInt(manager -> ((X509TrustManager) manager).getAcceptedIssuers().length).sum();
        if (issuers == 0) {
            throw new GeneralSecurityException(what + " trusts no certificate");
        }
        return trusted;
    }

    /**
     * The JDK's default trust, as {@code TrustManagerFactory} builds it from {@code javax.net.ssl.trustStore} and its
     * password. A trust store opened without its password (Payara's {@code cacerts.p12} when
     * {@code javax.net.ssl.trustStorePassword} is not set) trusts nothing, and every https call would fail: that
     * stops the start instead.
     */
    private static TrustManager[] defaultTrust() throws GeneralSecurityException {
        TrustManagerFactory jdk = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        jdk.init((KeyStore) null);
        return trusting(jdk.getTrustManagers(), "the JVM's trust store (javax.net.ssl.trustStore="
                + System.getProperty("javax.net.ssl.trustStore", "the JDK's cacerts") + "; is "
                + "javax.net.ssl.trustStorePassword set?)");
    }

    private static boolean isPrivateKey(KeyStore keys, String alias) {
        try {
            return keys.entryInstanceOf(alias, KeyStore.PrivateKeyEntry.class);
        } catch (GeneralSecurityException e) {
            return false;
        }
    }

    /**
     * The one key, offered to every receiver that asks for a client certificate of its key type. The JDK's own key
     * managers may also filter by the certificate authorities a receiver names (a review measured SunX509 showing
     * nothing to a receiver that named another; ClientCertificateTest, on this JDK, saw it shown): this one does not,
     * so the receiver, not Tidings, decides whether it trusts the certificate.
     */
    static final class OneKey extends X509ExtendedKeyManager {
        private final X509KeyManager keys;
        private final String alias;
        private final String algorithm;

        OneKey(X509KeyManager keys, String alias) throws GeneralSecurityException {
            PrivateKey key = keys.getPrivateKey(alias);
            if (key == null || keys.getCertificateChain(alias) == null) {
                throw new GeneralSecurityException("the private key entry has no key or no certificate chain");
            }
            this.keys = keys;
            this.alias = alias;
            this.algorithm = key.getAlgorithm();
        }

        /** Whether the receiver accepts this key's type ("EC", "RSA"; in TLS 1.2 also "EC_EC" and the like). */
        private String ifAccepted(String[] keyTypes) {
            if (keyTypes != null) {
                for (String type : keyTypes) {
                    if (type != null && (type.equals(algorithm) || type.startsWith(algorithm + "_"))) {
                        return alias;
                    }
                }
            }
            return null;
        }

        @Override
        public String chooseClientAlias(String[] keyTypes, Principal[] issuers, Socket socket) {
            return ifAccepted(keyTypes);
        }

        @Override
        public String chooseEngineClientAlias(String[] keyTypes, Principal[] issuers, SSLEngine engine) {
            return ifAccepted(keyTypes);
        }

        @Override
        public String[] getClientAliases(String keyType, Principal[] issuers) {
            return ifAccepted(new String[] {keyType}) == null ? null : new String[] {alias};
        }

        @Override
        public String[] getServerAliases(String keyType, Principal[] issuers) {
            return null; // a client's key, never a server's
        }

        @Override
        public String chooseServerAlias(String keyType, Principal[] issuers, Socket socket) {
            return null;
        }

        @Override
        public String chooseEngineServerAlias(String keyType, Principal[] issuers, SSLEngine engine) {
            return null;
        }

        @Override
        public X509Certificate[] getCertificateChain(String name) {
            return alias.equals(name) ? keys.getCertificateChain(name) : null;
        }

        @Override
        public PrivateKey getPrivateKey(String name) {
            return alias.equals(name) ? keys.getPrivateKey(name) : null;
        }
    }
}
