package org.tidings.delivery.webhook;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.util.Base64;
import java.util.List;
import java.util.StringJoiner;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * The {@code webhook-signature} header of the Standard Webhooks specification (v1.0.0, symmetric): for each
 * secret, {@code v1,} and the base64 HMAC-SHA256 of {@code messageId.timestamp.body} over the exact body bytes,
 * separated by spaces. Two secrets (a rotation's overlap) give two signatures, each of which verifies alone.
 */
public final class WebhookSigner {

    private static final String ALGORITHM = "HmacSHA256";

    private WebhookSigner() {
    }

    /**
     * @throws IllegalArgumentException if the message id is empty or contains '.', which would make the signed
     *         content ambiguous, if there is no secret, or if a secret is malformed
     */
    public static String signature(String messageId, long timestampSeconds, byte[] body, List<String> secrets) {
        if (messageId == null || messageId.isEmpty() || messageId.indexOf('.') >= 0) {
            throw new IllegalArgumentException("a webhook message id is not empty and has no '.'");
        }
        if (secrets.isEmpty()) {
            throw new IllegalArgumentException("a webhook is signed with at least one secret");
        }
        byte[] prefix = (messageId + "." + timestampSeconds + ".").getBytes(StandardCharsets.UTF_8);
        StringJoiner header = new StringJoiner(" ");
        for (String secret : secrets) {
            header.add("v1," + Base64.getEncoder().encodeToString(hmac(WebhookSecrets.keyOf(secret), prefix, body)));
        }
        return header.toString();
    }

    private static byte[] hmac(byte[] key, byte[] prefix, byte[] body) {
        try {
            Mac mac = Mac.getInstance(ALGORITHM);
            mac.init(new SecretKeySpec(key, ALGORITHM));
            mac.update(prefix);
            return mac.doFinal(body);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HMAC-SHA256 is part of every Java runtime", e);
        }
    }
}
