package org.tidings.sinks.entity;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.EnumType;
import jakarta.persistence.Enumerated;
import jakarta.persistence.Id;
import jakarta.persistence.NamedQuery;
import jakarta.persistence.Table;
import java.time.Instant;
import java.util.UUID;

/** Where notifications go: a notification service, another server, a cache or another Tidings relay. */
@Entity
@Table(name = "sink")
@NamedQuery(name = Sink.ALL, query = "SELECT s FROM Sink s ORDER BY s.createdAt, s.id")
public class Sink {

    public static final String ALL = "Sink.all";
    public static final String QUEUE_PREFIX = "tidings.sink.";

    @Id
    private UUID id;

    @Column(nullable = false, length = 200)
    private String name;

    @Enumerated(EnumType.STRING)
    @Column(nullable = false, length = 20)
    private Channel channel;

    @Column(length = 2000)
    private String endpoint;

    @Column(name = "created_at", nullable = false)
    private Instant createdAt;

    protected Sink() {
    }

    public Sink(String name, Channel channel, Instant now) {
        this.id = UUID.randomUUID();
        this.name = name;
        this.channel = channel;
        this.endpoint = channel == Channel.JMS ? queueOf(id) : null;
        this.createdAt = now;
    }

    /** The durable queue that notifications for this sink are put on (JMS channel). */
    public static String queueOf(UUID sinkId) {
        return QUEUE_PREFIX + sinkId;
    }

    public UUID id() {
        return id;
    }

    public String name() {
        return name;
    }

    public Channel channel() {
        return channel;
    }

    public String endpoint() {
        return endpoint;
    }

    public Instant createdAt() {
        return createdAt;
    }
}
