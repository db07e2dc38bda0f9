package org.tidings.platform;

/**
 * Stable, machine-parsable error codes. The same code names a failure on every face of Tidings: the
 * {@code code} member of an {@code application/problem+json} answer, and the {@code tidings_code} property of
 * a rejection record on {@code tidings.rejected}. Codes never change once released; add new ones instead.
 */
public enum ErrorCode {
    INVALID_REQUEST("invalid-request", 400, "The request body does not meet the constraints"),
    MALFORMED_JSON("malformed-json", 400, "The body is not well-formed JSON of the expected shape"),
    MALFORMED_EVENT("malformed-event", 400, "The body is not a valid CloudEvent"),
    INVALID_ENCODING("invalid-encoding", 400, "The body is not valid UTF-8"),
    EVENT_TOO_LARGE("event-too-large", 413, "The event exceeds the size limit"),
    REQUEST_TOO_LARGE("request-too-large", 413, "The request body exceeds this call's size limit"),
    ATTRIBUTE_TOO_LONG("attribute-too-long", 400,
            "An event attribute or extension is longer than its limit, or there are too many extensions"),
    TOO_MANY_URIS("too-many-uris", 400, "The event names more URIs than the limit"),
    INVALID_PREFIX("invalid-prefix", 400, "The invalidation prefix is not an absolute URI with a host"),
    INVALID_RETRY_SCHEDULE("invalid-retry-schedule", 400,
            "The retry schedule is not a list of 1 to 20 ISO-8601 durations from PT0S to P7D"),
    INVALID_AUTH("invalid-auth", 400,
            "The receiver credentials are not basic, bearer or header credentials of the accepted form and size"),
    UNSUPPORTED_MEDIA_TYPE("unsupported-media-type", 415, "The content type is not accepted here"),
    UNKNOWN_SOURCE("unknown-source", 403, "The event's source is not a provisioned source"),
    FORGED_SOURCE("forged-source", 403, "The event's source is not one the caller may send events for"),
    UNAUTHENTICATED_SENDER("unauthenticated-sender", 401,
            "The event came from the broker without the user its sender authenticated as (a broker without Tidings' plugin?)"),
    UNAUTHENTICATED("unauthenticated", 401, "The request carries no bearer token; send Authorization: Bearer <token>"),
    INVALID_TOKEN("invalid-token", 401, "The bearer token is malformed, unknown, expired or revoked"),
    FORBIDDEN("forbidden", 403, "The caller's role does not allow this request"),
    TLS_REQUIRED("tls-required", 403,
            "This server does not serve plain HTTP to this client; send the request over HTTPS"),
    TYPE_NOT_GRANTED("type-not-granted", 403, "The event's source holds no grant to send events of this type"),
    SUBJECT_NOT_GRANTED("subject-not-granted", 403,
            "The event's source holds no grant to route events about every URI this event is about"),
    NOT_AUTHORIZED("not-authorized", 403, "The caller may not use this resource or see these events"),
    UNKNOWN_SINK("unknown-sink", 400, "The subscription names a sink that does not exist"),
    INVALID_FILTER("invalid-filter", 400, "The subscription filter is not valid"),
    NOT_FOUND("not-found", 404, "No such resource"),
    METHOD_NOT_ALLOWED("method-not-allowed", 405, "The resource does not support this method"),
    NOT_ACCEPTABLE("not-acceptable", 406, "No representation the request accepts can be produced"),
    CONFLICT("conflict", 409, "The resource conflicts with an existing one"),
    QUOTA_EXCEEDED("quota-exceeded", 409, "The subscriber has reached its limit of these resources"),
    IDEMPOTENCY_KEY_REUSED("idempotency-key-reused", 422,
            "This Idempotency-Key was used for a request with another body; use a new key for a new request"),
    RESYNC_REQUIRED("resync-required", 410,
            "The position asked for is no longer kept (or never was): updates may have been missed; resynchronize"),
    BROKER_UNAVAILABLE("broker-unavailable", 503, "The message broker is unavailable; nothing was done"),
    BROKER_REFUSED("broker-refused", 502,
            "The message broker refused the management operation (not permitted, or its users cannot be changed at run "
                    + "time); nothing was changed"),
    DATABASE_UNAVAILABLE("database-unavailable", 503, "The database cannot be reached"),
    RATE_LIMITED("rate-limited", 429,
            "Over a limit of this client or source (events per second, open waits); retry after Retry-After"),
    UNAVAILABLE("unavailable", 503, "Tidings cannot answer now (starting, stopping or overloaded); retry later"),
    OUTCOME_UNKNOWN("outcome-unknown", 503,
            "The broker did not confirm the event; it may have been accepted, and retrying it is safe"),
    INTERNAL_ERROR("internal-error", 500, "An unexpected error occurred");

    private final String code;
    private final int status;
    private final String title;

    ErrorCode(String code, int status, String title) {
        this.code = code;
        this.status = status;
        this.title = title;
    }

    public String code() {
        return code;
    }

    public int status() {
        return status;
    }

    public String title() {
        return title;
    }
}
