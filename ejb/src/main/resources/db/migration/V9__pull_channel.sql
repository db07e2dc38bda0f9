-- The pull channel: a durable feed per subscription of a pull sink, read over HTTP (docs/adr/0015). Portable SQL
-- for H2 and PostgreSQL.

-- One counter row per subscription that ever had a pull notification. Appending a notification increments
-- last_seq, which holds the row's lock until that transaction commits: sequence numbers are handed out in commit
-- order, gap-free, and only notifications of the same subscription wait for each other. pruned_seq: every entry up
-- to it was deleted by retention. acked_seq: the receiver's acknowledged position.
CREATE TABLE subscription_sequence (
    subscription_id UUID   PRIMARY KEY,
    last_seq        BIGINT NOT NULL,
    pruned_seq      BIGINT NOT NULL,
    acked_seq       BIGINT NOT NULL
);

-- The feed: each notification of a pull subscription with its sequence number and the event as accepted.
CREATE TABLE pull_notification (
    subscription_id UUID        NOT NULL,
    seq             BIGINT      NOT NULL,
    notification_id VARCHAR(60) NOT NULL,
    created_at      TIMESTAMP WITH TIME ZONE NOT NULL,
    body            BYTEA       NOT NULL,
    PRIMARY KEY (subscription_id, seq)
);
CREATE INDEX pull_notification_age ON pull_notification (created_at);

-- A pull notification's record in the delivery ledger carries its sequence number; PENDING ones (acks required)
-- are found by subscription and position when the receiver acknowledges.
ALTER TABLE delivery ADD COLUMN seq BIGINT;
CREATE INDEX delivery_subscription_seq ON delivery (subscription_id, status, seq);

INSERT INTO task_lock (name) VALUES ('pull-prune');
