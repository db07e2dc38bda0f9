package org.tidings.ingest.control;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.jms.JMSConnectionFactory;
import jakarta.jms.JMSContext;
import jakarta.jms.JMSException;
import jakarta.jms.Message;
import java.nio.charset.StandardCharsets;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.tidings.ingest.entity.RawEvent;
import org.tidings.platform.ErrorCode;
import org.tidings.platform.Resources;

/**
 * Records input Tidings refused on {@code tidings.rejected}: the body exactly as it came, plus the reason code,
 * a human-readable detail and where it came from. Sent in the caller's transaction.
 */
@ApplicationScoped
public class Rejections {

    public static final String CODE = "tidings_code";
    public static final String DETAIL = "tidings_detail";
    public static final String ORIGINAL_MESSAGE_ID = "tidings_original_message_id";
    public static final String SENDER = "tidings_sender";

    @Inject
    @JMSConnectionFactory(Resources.CONNECTION_FACTORY)
    JMSContext jms;

    @Inject
    @ConfigProperty(name = "tidings.queue.rejected", defaultValue = "tidings.rejected")
    String queue;

    public void rejected(RawEvent raw, ErrorCode code, String detail) {
        try {
            Message record = raw.text()
                    ? jms.createTextMessage(new String(raw.body(), StandardCharsets.UTF_8))
                    : bytes(raw.body());
            record.setStringProperty(CODE, code.code());
            record.setStringProperty(DETAIL, detail);
            if (raw.messageId() != null) {
                record.setStringProperty(ORIGINAL_MESSAGE_ID, raw.messageId());
            }
            if (raw.validatedUser() != null) {
                record.setStringProperty(SENDER, raw.validatedUser());
            }
            jms.createProducer().send(jms.createQueue(queue), record);
        } catch (JMSException e) {
            throw new IllegalStateException("cannot build rejection record", e);
        }
    }

    private Message bytes(byte[] body) throws JMSException {
        var message = jms.createBytesMessage();
        message.writeBytes(body);
        return message;
    }
}
