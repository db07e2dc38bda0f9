package org.tidings.delivery.webhook;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.util.Collections;
import java.util.Optional;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManager;
import javax.net.ssl.TrustManagerFactory;

/**
 * The TLS context of webhook calls: the JDK's default (the trust store of {@code javax.net.ssl.trustStore}, or the
 * JDK's CAs; no client certificate), or, when a key store is configured, the same trust with the key store's key and
 * certificate chain, which Tidings shows to a receiver that asks for a client certificate (mutual TLS, S2S-10). The
 * key store must hold exactly one key entry, so that what is shown is never a choice made by the JDK; its password is
 * never part of a message.
 */
public final class ClientCertificate {

    static final String KEY_STORE_PROPERTY = "tidings.webhook.tls.key-store";
    static final String PASSWORD_PROPERTY = "tidings.webhook.tls.key-store-password";
    static final String TYPE_PROPERTY = "tidings.webhook.tls.key-store-type";

    private ClientCertificate() {
    }

    /** The default context, or one that shows the key store's certificate; throws if the key store cannot serve. */
    static SSLContext context(Optional<String> keyStore, Optional<String> password, String type) {
        return context(keyStore, password, type, null);
    }

    /** The same, trusting what {@code trust} trusts (null: the JDK's default trust); for tests. */
    static SSLContext context(Optional<String> keyStore, Optional<String> password, String type,
            TrustManager[] trust) {
        if (keyStore.isEmpty() || keyStore.get().isBlank()) {
            try {
                return SSLContext.getDefault();
            } catch (GeneralSecurityException e) {
                throw new IllegalStateException("no default SSLContext", e);
            }
        }
        char[] secret = password.orElse("").toCharArray();
        Path path = Path.of(keyStore.get());
        try {
            KeyStore keys = KeyStore.getInstance(type);
            try (InputStream in = Files.newInputStream(path)) {
                keys.load(in, secret);
            }
            long entries = Collections.list(keys.aliases()).stream().filter(alias -> isKey(keys, alias)).count();
            if (entries != 1) {
                throw new IllegalStateException(KEY_STORE_PROPERTY + " " + path + " holds " + entries
                        + " key entries; it must hold exactly one, the client certificate's");
            }
            KeyManagerFactory keyManagers = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
            keyManagers.init(keys, secret);
            TrustManager[] trusted = trust;
            if (trusted == null) {
                TrustManagerFactory jdk = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
                jdk.init((KeyStore) null); // the JDK's default trust, as SSLContext.getDefault() has it
                trusted = jdk.getTrustManagers();
            }
            SSLContext context = SSLContext.getInstance("TLS");
            context.init(keyManagers.getKeyManagers(), trusted, null);
            return context;
        } catch (IOException | GeneralSecurityException e) {
            // the message names the file and the failure, never the password
            throw new IllegalStateException(KEY_STORE_PROPERTY + " " + path + " (" + type + ") cannot be used as the "
                    + "webhook client certificate: " + e.getClass().getSimpleName() + ": " + e.getMessage());
        } finally {
            java.util.Arrays.fill(secret, '\0');
        }
    }

    private static boolean isKey(KeyStore keys, String alias) {
        try {
            return keys.isKeyEntry(alias);
        } catch (GeneralSecurityException e) {
            return false;
        }
    }
}
