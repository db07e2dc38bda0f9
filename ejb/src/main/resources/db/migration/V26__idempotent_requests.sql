-- Idempotency keys of POST /api/subscriptions/batch (docs/adr/0024): what a request with a caller's key created, so
-- that a retry with the same key and body is answered with it instead of creating it again. Kept 24 hours.
CREATE TABLE idempotent_request (
    caller      VARCHAR(200)   NOT NULL,
    idem_key    VARCHAR(255)   NOT NULL,
    fingerprint BYTEA          NOT NULL,
    created_ids VARCHAR(40000) NOT NULL,
    created_at  TIMESTAMP WITH TIME ZONE NOT NULL,
    PRIMARY KEY (caller, idem_key)
);
CREATE INDEX idempotent_request_age ON idempotent_request (created_at);
