package org.tidings.sinks.entity;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.EnumType;
import jakarta.persistence.Enumerated;
import jakarta.persistence.Id;
import jakarta.persistence.NamedQuery;
import jakarta.persistence.Table;
import jakarta.persistence.Transient;
import java.net.URI;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.UUID;
import org.tidings.audit.entity.AuditTarget;
import org.hibernate.annotations.DynamicUpdate;

/** Where notifications go: a notification service, another server, a cache or another Tidings relay. */
@Entity
@Table(name = "sink")
// An update writes only the columns it changed: a 410's disable (the retry worker) and a secret rotation (the API)
// made at the same time both stay.
@DynamicUpdate
@NamedQuery(name = Sink.OF_OWNER, query = "SELECT s FROM Sink s WHERE s.ownerId = :ownerId ORDER BY s.createdAt, s.id")
public class Sink implements AuditTarget {

    public static final String OF_OWNER = "Sink.ofOwner";
    public static final String QUEUE_PREFIX = "tidings.sink.";
    /** Room for the longest credentials sealed: "v1:" and the base64 of a 12-byte IV, the text and a 16-byte tag. */
    static final int SEALED_AUTH_CHARS = 6000;

    @Id
    private UUID id;

    /** The subscriber that owns this, or null: the administrators' (docs/adr/0018). */
    @Column(name = "owner_id")
    private UUID ownerId;

    @Column(nullable = false, length = 200)
    private String name;

    @Enumerated(EnumType.STRING)
    @Column(nullable = false, length = 20)
    private Channel channel;

    @Column(length = 2000)
    private String endpoint;

    @Column(name = "created_at", nullable = false)
    private Instant createdAt;

    /** The sealed signing secret of a webhook sink (never the secret itself). */
    @Column(name = "secret", length = 500)
    private String sealedSecret;

    @Column(name = "previous_secret", length = 500)
    private String sealedPreviousSecret;

    @Column(name = "previous_secret_until")
    private Instant previousSecretUntil;

    @Column(name = "connect_timeout_ms")
    private Integer connectTimeoutMillis;

    @Column(name = "read_timeout_ms")
    private Integer readTimeoutMillis;

    @Column(name = "disabled_at")
    private Instant disabledAt;

    @Column(name = "disabled_reason", length = 500)
    private String disabledReason;

    /** A purge sink's cache servers, one absolute URL per line. */
    @Column(name = "purge_caches", length = PurgeSettings.CACHES_CHARS)
    private String purgeCaches;

    @Column(name = "purge_method", length = PurgeSettings.TOKEN_CHARS)
    private String purgeMethod;

    @Column(name = "ban_method", length = PurgeSettings.TOKEN_CHARS)
    private String banMethod;

    @Column(name = "ban_header", length = PurgeSettings.TOKEN_CHARS)
    private String banHeader;

    /** The header that carries a purge by surrogate keys; null: the sink sends none. */
    @Column(name = "key_header", length = PurgeSettings.TOKEN_CHARS)
    private String keyHeader;

    @Column(name = "key_method", length = PurgeSettings.TOKEN_CHARS)
    private String keyMethod;

    /** The sink's own retry schedule in canonical form (RetrySchedule.ofSteps); null: the global schedule. */
    @Column(name = "retry_schedule", length = 500)
    private String retrySchedule;

    /** The kind of credentials a webhook sink presents to its receiver; null: none. */
    @Enumerated(EnumType.STRING)
    @Column(name = "auth_type", length = 10)
    private ReceiverCredentials.Type authType;

    /** Those credentials, sealed (never the credentials themselves); null: none. */
    @Column(name = "auth", length = SEALED_AUTH_CHARS)
    private String sealedAuth;

    /** How a webhook sink's notifications are sent; the other channels keep the default. */
    @Enumerated(EnumType.STRING)
    @Column(name = "content_mode", nullable = false, length = 20)
    private ContentMode contentMode = ContentMode.STRUCTURED;

    /** Set by a call that changed nothing, for the audit; never stored. */
    @Transient
    private boolean unchanged;

    protected Sink() {
    }

    public Sink(String name, Channel channel, Instant now) {
        this.id = UUID.randomUUID();
        this.name = name;
        this.channel = channel;
        this.endpoint = channel == Channel.JMS ? queueOf(id) : null;
        this.createdAt = now;
    }

    /** A webhook sink posting to {@code url}, signing with the secret sealed in {@code sealedSecret}. */
    public static Sink webhook(String name, String url, String sealedSecret, Integer connectTimeoutMillis,
            Integer readTimeoutMillis, Instant now) {
        var sink = new Sink(name, Channel.WEBHOOK, now);
        sink.endpoint = url;
        sink.sealedSecret = sealedSecret;
        sink.connectTimeoutMillis = connectTimeoutMillis;
        sink.readTimeoutMillis = readTimeoutMillis;
        return sink;
    }

    /** A purge sink invalidating on the caches of {@code settings}, with its timeouts (null: the defaults). */
    public static Sink purge(String name, PurgeSettings settings, Integer connectTimeoutMillis,
            Integer readTimeoutMillis, Instant now) {
        var sink = new Sink(name, Channel.PURGE, now);
        sink.purgeCaches = String.join("\n", settings.caches().stream().map(Object::toString).toList());
        sink.purgeMethod = settings.purgeMethod();
        sink.banMethod = settings.banMethod();
        sink.banHeader = settings.banHeader();
        sink.keyHeader = settings.keyHeader();
        sink.keyMethod = settings.keyMethod();
        sink.connectTimeoutMillis = connectTimeoutMillis;
        sink.readTimeoutMillis = readTimeoutMillis;
        return sink;
    }

    /**
     * A purge sink's settings exactly as stored, unchecked: what the API shows, so that a row stored before a rule
     * was tightened can still be listed, seen and deleted (its attempts are refused: {@link #purgeSettings}).
     */
    public record StoredPurge(List<String> caches, String purgeMethod, String banMethod, String banHeader,
            String keyHeader, String keyMethod) {
    }

    /** The stored purge settings; null for other channels. */
    public StoredPurge storedPurge() {
        return channel != Channel.PURGE ? null : new StoredPurge(purgeCaches == null ? List.of()
                : purgeCaches.lines().toList(), purgeMethod, banMethod, banHeader, keyHeader, keyMethod);
    }

    /**
     * What a purge sink sends where; null for other channels.
     *
     * @throws IllegalArgumentException if the stored settings break a rule added since they were stored
     */
    public PurgeSettings purgeSettings() {
        if (channel != Channel.PURGE) {
            return null;
        }
        return new PurgeSettings(purgeCaches.lines().map(URI::create).toList(), purgeMethod, banMethod,
                banHeader, keyHeader, keyMethod);
    }

    /**
     * Most secrets rotated out that sign beside the current one: a rotation beyond them drops the oldest. Four sealed
     * secrets (about 107 characters each) and their separators fit the column's 500.
     */
    public static final int MAX_RETIRED_SECRETS = 4;

    /**
     * A new secret signs from {@code now} on; the current one, and those rotated out before it that still sign at
     * {@code now}, keep signing too until {@code overlapEnds} (newest first, at most {@link #MAX_RETIRED_SECRETS}). A
     * second rotation within an overlap used to drop the secret before the first: if the first's answer was lost, the
     * receivers still held it, and every delivery failed their check at once. {@code overlapEnds} at {@code now}: only
     * the new secret signs.
     */
    public void rotateSecret(String sealedNewSecret, Instant now, Instant overlapEnds) {
        List<String> retired = new ArrayList<>();
        retired.add(sealedSecret);
        retired.addAll(retiredSigningAt(now));
        boolean overlap = now.isBefore(overlapEnds);
        this.sealedPreviousSecret = overlap
                ? String.join(" ", retired.subList(0, Math.min(retired.size(), MAX_RETIRED_SECRETS))) : null;
        this.previousSecretUntil = overlap ? overlapEnds : null;
        this.sealedSecret = sealedNewSecret;
    }

    /**
     * The sealed secrets that sign at {@code now}: the current one, then those rotated out during their overlap. The
     * column holds them separated by spaces, which no sealed secret has ({@code v1:} and base64).
     */
    public List<String> sealedSecretsAt(Instant now) {
        List<String> secrets = new ArrayList<>();
        secrets.add(sealedSecret);
        secrets.addAll(retiredSigningAt(now));
        return secrets;
    }

    private List<String> retiredSigningAt(Instant now) {
        if (sealedPreviousSecret == null || previousSecretUntil == null || !now.isBefore(previousSecretUntil)) {
            return List.of();
        }
        return List.of(sealedPreviousSecret.split(" "));
    }

    /** Stops deliveries (the receiver answered 410 Gone); notifications wait until the sink is enabled. */
    public void disable(String reason, Instant now) {
        this.disabledAt = now;
        this.disabledReason = reason == null || reason.length() <= 500 ? reason : reason.substring(0, 500);
    }

    public void enable() {
        this.disabledAt = null;
        this.disabledReason = null;
    }

    public boolean enabled() {
        return disabledAt == null;
    }

    public Instant disabledAt() {
        return disabledAt;
    }

    public String disabledReason() {
        return disabledReason;
    }

    public Integer connectTimeoutMillis() {
        return connectTimeoutMillis;
    }

    public Integer readTimeoutMillis() {
        return readTimeoutMillis;
    }

    public ContentMode contentMode() {
        return contentMode;
    }

    /** Sends this webhook sink's notifications in {@code mode} (null: structured). */
    public void sendsIn(ContentMode mode) {
        this.contentMode = mode == null ? ContentMode.STRUCTURED : mode;
    }

    /**
     * Retries by {@code schedule} (a RetrySchedule's canonical form) from the next attempt that is scheduled on; null
     * returns to the global schedule.
     */
    public void retryBy(String schedule) {
        this.retrySchedule = schedule;
    }

    /**
     * From the next attempt on, presents the credentials of {@code type} sealed in {@code sealed} to the receiver;
     * both null: none.
     */
    public void authenticateWith(ReceiverCredentials.Type type, String sealed) {
        if ((type == null) != (sealed == null)) {
            throw new IllegalArgumentException("credentials have a type and a sealed value, or neither");
        }
        assert sealed == null || sealed.length() <= SEALED_AUTH_CHARS : "sealed credentials fit their column";
        this.authType = type;
        this.sealedAuth = sealed;
    }

    /** The kind of credentials presented to the receiver, or null for none. */
    public ReceiverCredentials.Type authType() {
        return authType;
    }

    /** The sealed credentials presented to the receiver, or null for none. */
    public String sealedAuth() {
        return sealedAuth;
    }

    /**
     * What credentials of {@code type} are sealed bound to (AES-GCM associated data): this sink's id, the type and
     * the URL they are sent to. Sealed credentials copied to another sink, or kept while someone with write access
     * to the database changes the sink's URL or type, then no longer open, so they never reach another receiver.
     */
    public String credentialsContext(ReceiverCredentials.Type type) {
        return "tidings receiver credentials\n" + id + "\n" + type + "\n" + endpoint;
    }

    /** The sink's own retry schedule (comma-separated ISO-8601 durations), or null for the global one. */
    public String retrySchedule() {
        return retrySchedule;
    }

    /** The durable queue that notifications for this sink are put on (JMS channel). */
    public static String queueOf(UUID sinkId) {
        return QUEUE_PREFIX + sinkId;
    }

    /**
     * The dead-letter queue of a JMS sink's queue: the broker creates it with the first message it dead-letters from
     * that queue (broker.xml: auto-create-dead-letter-resources, the default prefix {@code DLQ.}), and keeps it.
     */
    public static String deadLettersOf(String queue) {
        return "DLQ." + queue;
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

    public UUID ownerId() {
        return ownerId;
    }

    public void ownedBy(UUID owner) {
        this.ownerId = owner;
    }

    /**
     * A webhook sink's URL as the API and the audit log show it: without its query or fragment, which may carry a
     * key (a receiver that takes its credential as {@code ?key=...}), marked {@code ?(not shown)} where it had one:
     * like every other credential of a sink, it is never returned (LST-11).
     */
    public String shownUrl() {
        if (endpoint == null) {
            return null;
        }
        String url = endpoint.replaceFirst("[?#].*", "");
        return url.length() < endpoint.length() ? url + "?(not shown)" : url;
    }

    /** Name, channel, url without its query (which may carry a key), kind of credentials; never a secret or value. */
    @Override
    public String auditSummary() {
        var summary = new StringBuilder("name=").append(name).append(", channel=")
                .append(channel.name().toLowerCase(Locale.ROOT));
        if (channel == Channel.WEBHOOK && endpoint != null) {
            summary.append(", url=").append(shownUrl());
        }
        if (channel == Channel.PURGE) {
            summary.append(", caches=").append(storedPurge().caches().size());
        }
        if (authType != null) {
            summary.append(", auth=").append(authType.name().toLowerCase(Locale.ROOT));
        }
        if (retrySchedule != null) {
            summary.append(", retrySchedule=").append(retrySchedule);
        }
        return summary.toString();
    }

    /** This call changed nothing on it: its audited method leaves no record ({@link AuditTarget#auditedChangeMade}). */
    public void unchangedByThisCall() {
        unchanged = true;
    }

    @Override
    public boolean auditedChangeMade() {
        return !unchanged;
    }
}
