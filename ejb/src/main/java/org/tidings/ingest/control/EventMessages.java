package org.tidings.ingest.control;

import jakarta.jms.BytesMessage;
import jakarta.jms.JMSException;
import jakarta.jms.Message;
import jakarta.jms.Session;
import org.tidings.ingest.entity.RawEvent;

/** An event's body carried on unchanged: text stays the same string, bytes the same bytes. */
public final class EventMessages {

    private EventMessages() {
    }

    public static Message copyOf(Session session, RawEvent raw) throws JMSException {
        if (raw.isText()) {
            return session.createTextMessage(raw.text());
        }
        BytesMessage message = session.createBytesMessage();
        message.writeBytes(raw.body());
        return message;
    }
}
