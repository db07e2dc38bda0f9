package org.tidings.ingest.control;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.jms.BytesMessage;
import jakarta.jms.JMSException;
import jakarta.jms.JMSRuntimeException;
import jakarta.jms.MapMessage;
import jakarta.jms.Message;
import jakarta.jms.MessageEOFException;
import jakarta.jms.ObjectMessage;
import jakarta.jms.Session;
import jakarta.jms.StreamMessage;
import jakarta.jms.TextMessage;
import java.util.Enumeration;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.tidings.ingest.entity.EventKey;
import org.tidings.ingest.entity.Provenance;
import org.tidings.ingest.entity.RawEvent;
import org.tidings.platform.BrokerSessions;
import org.tidings.platform.ErrorCode;

/**
 * Records input Tidings refused on {@code tidings.rejected}: the reason code, a human-readable detail, where it came
 * from, and as much of the body as is safe to keep, saying which ({@link #BODY}): {@code whole} (the body exactly as
 * it came), {@code excerpt} (the first {@link #EXCERPT_BYTES} bytes of an oversized body, with its size in
 * {@link #ORIGINAL_SIZE}), or {@code none} (an object message, which Tidings never deserializes, or a message with
 * no body). It repeats the original's message id, sender and correlation id (as its own {@code JMSCorrelationID}).
 * Committed before the refused message is acknowledged; a record of a message with a JMS message id carries
 * a duplicate id made of it, its sender and a digest of its body, so a redelivered refusal is recorded once, and two
 * different messages under one id (an AMQP sender's ids are its own: a counter that starts again at 1) are recorded
 * each (a hostile review found the second dropped, acknowledged with no record). A map, stream or object message
 * has no digest: two of them under one id and one sender are recorded once.
 */
@ApplicationScoped
public class Rejections {

    public static final String CODE = "tidings_code";
    public static final String DETAIL = "tidings_detail";
    public static final String ORIGINAL_MESSAGE_ID = "tidings_original_message_id";
    public static final String SENDER = "tidings_sender";
    public static final String BODY = "tidings_body";
    public static final String ORIGINAL_SIZE = "tidings_original_size";
    public static final String ORIGINAL_KIND = "tidings_original_kind";
    /** How much of an oversized body a rejection record keeps. */
    public static final int EXCERPT_BYTES = 4096;

    @Inject
    BrokerSessions sessions;

    @Inject
    @ConfigProperty(name = "tidings.queue.rejected", defaultValue = "tidings.rejected")
    String queue;

    /** Records a refused event with its whole body. */
    public void rejected(RawEvent raw, ErrorCode code, String detail) {
        record(raw.from(), code, detail, digest(raw.body(), -1), session -> {
            Message record = EventMessages.copyOf(session, raw);
            record.setStringProperty(BODY, "whole");
            return record;
        });
    }

    /** Records an oversized event: the excerpt given (at most {@link #EXCERPT_BYTES} of it) and the full size. */
    public void rejectedOversized(RawEvent excerpt, long size, String detail) {
        record(excerpt.from(), ErrorCode.EVENT_TOO_LARGE, detail, digest(excerpt.body(), size), session -> {
            Message record = EventMessages.copyOf(session, excerpt);
            record.setStringProperty(BODY, "excerpt");
            record.setLongProperty(ORIGINAL_SIZE, size);
            return record;
        });
    }

    /**
     * Records a message of a kind events never come as (map, stream, object, or no body): map and stream bodies are
     * copied whole, entry by entry; an object body is not deserialized and so not kept.
     */
    public void rejectedKind(Message original, Provenance from, String detail) {
        record(from, ErrorCode.UNSUPPORTED_MEDIA_TYPE, detail, "kind", session -> {
            Message record;
            if (original instanceof MapMessage map) {
                MapMessage copy = session.createMapMessage();
                for (Enumeration<?> names = map.getMapNames(); names.hasMoreElements(); ) {
                    String name = (String) names.nextElement();
                    copy.setObject(name, map.getObject(name));
                }
                record = copy;
                record.setStringProperty(BODY, "whole");
            } else if (original instanceof StreamMessage stream) {
                StreamMessage copy = session.createStreamMessage();
                stream.reset();
                try {
                    while (true) {
                        copy.writeObject(stream.readObject());
                    }
                } catch (MessageEOFException end) {
                    // every item copied
                }
                record = copy;
                record.setStringProperty(BODY, "whole");
            } else {
                record = session.createMessage();
                record.setStringProperty(BODY, "none");
            }
            record.setStringProperty(ORIGINAL_KIND, kind(original));
            return record;
        });
    }

    /** The JMS kind of a message: text, bytes, map, stream, object or message (no body). */
    public static String kind(Message message) {
        if (message instanceof TextMessage) {
            return "text";
        } else if (message instanceof BytesMessage) {
            return "bytes";
        } else if (message instanceof MapMessage) {
            return "map";
        } else if (message instanceof StreamMessage) {
            return "stream";
        } else if (message instanceof ObjectMessage) {
            return "object";
        }
        return "message";
    }

    private interface Body {
        Message on(Session session) throws JMSException;
    }

    /** The first 128 bits of the SHA-256 of the body (and of its whole size, for an excerpt), in hexadecimal. */
    static String digest(byte[] body, long size) {
        try {
            var sha = java.security.MessageDigest.getInstance("SHA-256");
            sha.update(body);
            if (size >= 0) {
                sha.update(java.nio.ByteBuffer.allocate(Long.BYTES).putLong(size).array());
            }
            return java.util.HexFormat.of().formatHex(sha.digest(), 0, 16);
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java has SHA-256", e);
        }
    }

    private void record(Provenance from, ErrorCode code, String detail, String digest, Body body) {
        try {
            sessions.commitOnce(session -> {
                Message record = body.on(session);
                record.setStringProperty(CODE, code.code());
                record.setStringProperty(DETAIL, detail);
                if (from.messageId() != null) {
                    record.setStringProperty(ORIGINAL_MESSAGE_ID, from.messageId());
                    // the sender chose the id (an AMQP client's message-id): with its broker user, another's
                    // refusal under the same id is not taken for this one's
                    record.setStringProperty(EventKey.DUPLICATE_ID_PROPERTY, "rejected " + from.validatedUser() + " "
                            + from.messageId() + " " + digest);
                }
                if (from.correlationId() != null) {
                    record.setJMSCorrelationID(from.correlationId());
                }
                if (from.validatedUser() != null) {
                    record.setStringProperty(SENDER, from.validatedUser());
                }
                session.createProducer(session.createQueue(queue)).send(record);
            });
        } catch (JMSException e) {
            throw new JMSRuntimeException("cannot record rejection: " + e.getMessage(), e.getErrorCode(), e);
        }
    }
}
