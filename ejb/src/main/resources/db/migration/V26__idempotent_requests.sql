-- Idempotency keys of POST /api/subscriptions/batch (docs/adr/0024): what a request with a caller's key created, so
-- that a retry with the same key and body is answered with it instead of creating it again. Kept 24 hours.
CREATE TABLE idempotent_request (
    caller      VARCHAR(200)   NOT NULL,
    -- the call the key was given to (subscriptions.batch): a key of one call is not one of another
    operation   VARCHAR(100)   NOT NULL,
    idem_key    VARCHAR(255)   NOT NULL,
    fingerprint BYTEA          NOT NULL,
    -- the ids of what was created, comma-separated: 1,000 a batch at most (SubscriptionsResource.BATCH_LIMIT), 36,999
    -- characters
    created_ids VARCHAR(40000) NOT NULL,
    created_at  TIMESTAMP WITH TIME ZONE NOT NULL,
    PRIMARY KEY (caller, operation, idem_key)
);
CREATE INDEX idempotent_request_age ON idempotent_request (created_at);
