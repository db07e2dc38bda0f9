package org.tidings.ingest.control;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.jms.JMSException;
import jakarta.jms.JMSRuntimeException;
import jakarta.jms.Message;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.tidings.ingest.entity.EventKey;
import org.tidings.ingest.entity.RawEvent;
import org.tidings.platform.ErrorCode;
import org.tidings.platform.BrokerSessions;

/**
 * Records input Tidings refused on {@code tidings.rejected}: the body exactly as it came, plus the reason code,
 * a human-readable detail and where it came from. Committed before the refused message is acknowledged; a record
 * of a message with a JMS message id carries a duplicate id made of it, so a redelivered refusal is recorded once.
 */
@ApplicationScoped
public class Rejections {

    public static final String CODE = "tidings_code";
    public static final String DETAIL = "tidings_detail";
    public static final String ORIGINAL_MESSAGE_ID = "tidings_original_message_id";
    public static final String SENDER = "tidings_sender";

    @Inject
    BrokerSessions sessions;

    @Inject
    @ConfigProperty(name = "tidings.queue.rejected", defaultValue = "tidings.rejected")
    String queue;

    public void rejected(RawEvent raw, ErrorCode code, String detail) {
        try {
            sessions.commitOnce(session -> {
                Message record = EventMessages.copyOf(session, raw);
                record.setStringProperty(CODE, code.code());
                record.setStringProperty(DETAIL, detail);
                if (raw.messageId() != null) {
                    record.setStringProperty(ORIGINAL_MESSAGE_ID, raw.messageId());
                    record.setStringProperty(EventKey.DUPLICATE_ID_PROPERTY, "rejected " + raw.messageId());
                }
                if (raw.validatedUser() != null) {
                    record.setStringProperty(SENDER, raw.validatedUser());
                }
                session.createProducer(session.createQueue(queue)).send(record);
            });
        } catch (JMSException e) {
            throw new JMSRuntimeException("cannot record rejection: " + e.getMessage(), e.getErrorCode(), e);
        }
    }
}
