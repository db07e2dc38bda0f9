package org.tidings.delivery.webhook;

import java.security.SecureRandom;
import java.util.Base64;

/**
 * Signing secrets in the Standard Webhooks form: {@code whsec_} followed by the standard base64 (with padding) of
 * the key bytes. Generated secrets hold 32 random bytes; the specification asks for at least 24.
 */
public final class WebhookSecrets {

    public static final String PREFIX = "whsec_";
    static final int MIN_KEY_BYTES = 24;
    private static final int KEY_BYTES = 32;
    private static final SecureRandom RANDOM = new SecureRandom();

    private WebhookSecrets() {
    }

    /** A new secret of 32 bytes from a {@link SecureRandom}. */
    public static String generate() {
        byte[] key = new byte[KEY_BYTES];
        RANDOM.nextBytes(key);
        return PREFIX + Base64.getEncoder().encodeToString(key);
    }

    /**
     * The key bytes of a secret.
     *
     * @throws IllegalArgumentException if the secret lacks the prefix, is not base64 or holds fewer than 24 bytes;
     *         the message never contains the secret
     */
    public static byte[] keyOf(String secret) {
        if (secret == null || !secret.startsWith(PREFIX)) {
            throw new IllegalArgumentException("a webhook secret starts with " + PREFIX);
        }
        byte[] key;
        try {
            key = Base64.getDecoder().decode(secret.substring(PREFIX.length()));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("a webhook secret is " + PREFIX + " and standard base64");
        }
        if (key.length < MIN_KEY_BYTES) {
            throw new IllegalArgumentException("a webhook secret holds at least " + MIN_KEY_BYTES + " bytes");
        }
        return key;
    }
}
