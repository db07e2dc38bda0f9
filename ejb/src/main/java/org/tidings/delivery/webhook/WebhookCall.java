package org.tidings.delivery.webhook;

import java.net.URI;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * One attempt to deliver one notification to a webhook: where, what, and with which secrets and timeouts.
 * {@code headers} are extra request headers; the Standard Webhooks headers, {@code content-type} and
 * {@code user-agent} are set by the transmitter and win over them. The body array is not copied: do not change
 * it while a send is under way. {@link #toString()} names neither the secrets nor the headers' values.
 *
 * @param messageId the {@code webhook-id}, the same for every attempt of one notification; no '.'
 * @param contentType the body's media type, or null for none (a binary-mode event without data)
 * @param secrets one secret, or two during a rotation's overlap, each {@code whsec_} + base64
 * @param readTimeout how long the answer may take, once for its headers and once more for its body
 * @param attributeHeaders the names of {@code headers} that carry the event's own attributes (binary mode's
 *        {@code ce-} headers), not credentials: their values are not blotted out of a recorded answer
 */
public record WebhookCall(URI url, String messageId, byte[] body, String contentType, Map<String, String> headers,
        List<String> secrets, Duration connectTimeout, Duration readTimeout, Set<String> attributeHeaders) {

    public WebhookCall {
        Objects.requireNonNull(url, "url");
        Objects.requireNonNull(messageId, "messageId");
        Objects.requireNonNull(body, "body");
        headers = Map.copyOf(headers);
        secrets = List.copyOf(secrets);
        attributeHeaders = Set.copyOf(attributeHeaders);
        requirePositive(connectTimeout, "connectTimeout");
        requirePositive(readTimeout, "readTimeout");
    }

    /** A call whose extra headers are all credentials. */
    public WebhookCall(URI url, String messageId, byte[] body, String contentType, Map<String, String> headers,
            List<String> secrets, Duration connectTimeout, Duration readTimeout) {
        this(url, messageId, body, contentType, headers, secrets, connectTimeout, readTimeout, Set.of());
    }

    /** The extra headers that may hold a secret: all but the event's attributes. */
    public Map<String, String> credentialHeaders() {
        Map<String, String> credentials = new HashMap<>(headers);
        credentials.keySet().removeAll(attributeHeaders);
        return credentials;
    }

    private static void requirePositive(Duration timeout, String name) {
        if (timeout == null || timeout.isNegative() || timeout.isZero()) {
            throw new IllegalArgumentException(name + " is positive: " + timeout);
        }
    }

    @Override
    public String toString() {
        return "WebhookCall[url=" + url.getScheme() + "://" + url.getRawAuthority() + url.getRawPath()
                + ", messageId=" + messageId + ", " + body.length + " bytes of " + contentType + ", headers="
                + headers.keySet() + ", " + secrets.size() + " secret(s), connectTimeout=" + connectTimeout
                + ", readTimeout=" + readTimeout + "]";
    }
}
