package org.tidings.delivery.webhook;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.Base64;
import javax.crypto.Cipher;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;

/**
 * Seals short texts (webhook secrets at rest) with AES-256-GCM: {@code v1:} and the base64 of a fresh random
 * 12-byte IV followed by the ciphertext and its 16-byte tag. Sealing one text twice gives two different values;
 * a sealed value that was altered, or is opened with another key, is refused. A value may be sealed bound to a
 * context (AES-GCM associated data, e.g. the sink and URL it belongs to): it then opens only for that same context,
 * so a sealed value copied to another row is refused. Thread-safe.
 */
public final class Sealer {

    static final String VERSION = "v1:";
    private static final int KEY_BYTES = 32;
    private static final int IV_BYTES = 12;
    private static final int TAG_BITS = 128;
    private static final String TRANSFORMATION = "AES/GCM/NoPadding";
    private static final SecureRandom RANDOM = new SecureRandom();

    private final SecretKeySpec key;

    /** @throws IllegalArgumentException unless the key holds exactly 32 bytes */
    public Sealer(byte[] key32) {
        if (key32 == null || key32.length != KEY_BYTES) {
            throw new IllegalArgumentException("a sealing key holds " + KEY_BYTES + " bytes");
        }
        this.key = new SecretKeySpec(Arrays.copyOf(key32, KEY_BYTES), "AES");
    }

    public String seal(String plaintext) {
        return seal(plaintext, null);
    }

    /** Seals the text bound to {@code context} (null for none): it opens only with the same context. */
    public String seal(String plaintext, String context) {
        byte[] iv = new byte[IV_BYTES];
        RANDOM.nextBytes(iv);
        try {
            Cipher cipher = Cipher.getInstance(TRANSFORMATION);
            cipher.init(Cipher.ENCRYPT_MODE, key, new GCMParameterSpec(TAG_BITS, iv));
            bind(cipher, context);
            byte[] sealed = cipher.doFinal(plaintext.getBytes(StandardCharsets.UTF_8));
            return VERSION + Base64.getEncoder().encodeToString(
                    ByteBuffer.allocate(IV_BYTES + sealed.length).put(iv).put(sealed).array());
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("AES-GCM is part of every Java runtime", e);
        }
    }

    /**
     * @throws IllegalStateException if the value is not one this class sealed with this key, or was altered;
     *         the message holds nothing of the value
     */
    public String open(String sealed) {
        return open(sealed, null);
    }

    /**
     * Opens a value sealed bound to {@code context} (null for none).
     *
     * @throws IllegalStateException as {@link #open(String)}, and if it was sealed for another context
     */
    public String open(String sealed, String context) {
        if (sealed == null || !sealed.startsWith(VERSION)) {
            throw refused();
        }
        try {
            byte[] raw = Base64.getDecoder().decode(sealed.substring(VERSION.length()));
            if (raw.length < IV_BYTES + TAG_BITS / 8) {
                throw refused();
            }
            Cipher cipher = Cipher.getInstance(TRANSFORMATION);
            cipher.init(Cipher.DECRYPT_MODE, key, new GCMParameterSpec(TAG_BITS, raw, 0, IV_BYTES));
            bind(cipher, context);
            return new String(cipher.doFinal(raw, IV_BYTES, raw.length - IV_BYTES), StandardCharsets.UTF_8);
        } catch (GeneralSecurityException | IllegalArgumentException e) {
            throw refused();
        }
    }

    private static void bind(Cipher cipher, String context) {
        if (context != null) {
            cipher.updateAAD(context.getBytes(StandardCharsets.UTF_8));
        }
    }

    private static IllegalStateException refused() {
        return new IllegalStateException("a sealed secret cannot be opened: altered, or sealed with another key");
    }
}
