package org.tidings.subscriptions.entity;

import jakarta.persistence.Column;
import jakarta.persistence.Convert;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.NamedQuery;
import jakarta.persistence.Table;
import jakarta.persistence.Version;
import java.time.Instant;
import java.util.UUID;

/** A sink's standing request for events: which ones (the filter) and where they go (the sink). */
@Entity
@Table(name = "subscription")
@NamedQuery(name = Subscription.ALL, query = "SELECT s FROM Subscription s ORDER BY s.createdAt, s.id")
@NamedQuery(name = Subscription.BY_SINK,
        query = "SELECT s FROM Subscription s WHERE s.sinkId = :sinkId ORDER BY s.createdAt, s.id")
public class Subscription {

    public static final String ALL = "Subscription.all";
    public static final String BY_SINK = "Subscription.bySink";

    @Id
    private UUID id;

    @Column(name = "sink_id", nullable = false)
    private UUID sinkId;

    @Convert(converter = FilterConverter.class)
    @Column(nullable = false, length = 65535)
    private Filter filter;

    @Column(name = "created_at", nullable = false)
    private Instant createdAt;

    @Version
    private long version;

    protected Subscription() {
    }

    public Subscription(UUID sinkId, Filter filter, Instant now) {
        this.id = UUID.randomUUID();
        this.sinkId = sinkId;
        this.filter = filter;
        this.createdAt = now;
    }

    public void filterChanged(Filter newFilter) {
        this.filter = newFilter;
    }

    public UUID id() {
        return id;
    }

    public UUID sinkId() {
        return sinkId;
    }

    public Filter filter() {
        return filter;
    }

    public Instant createdAt() {
        return createdAt;
    }

    public long version() {
        return version;
    }
}
