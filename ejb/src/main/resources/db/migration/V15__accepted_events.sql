-- The events accepted within tidings.dedup.window (docs/adr/0019, S2S-8c): one row per (source, id), keyed by the
-- SHA-256 of the normalized source and the id (a fixed 32 bytes, whatever the lengths ingest allows: 8192 characters
-- of source, 1024 of id). claimant: the JMS message id of the message that claimed it (a redelivery of that message
-- is not a duplicate), NULL if it had none. Portable SQL for H2 and PostgreSQL.
CREATE TABLE accepted_event (
    event_key   BYTEA        PRIMARY KEY,
    accepted_at TIMESTAMP WITH TIME ZONE NOT NULL,
    claimant    VARCHAR(200)
);
-- Pruning deletes the rows older than the window: a range of this index, not a scan of the table.
CREATE INDEX accepted_event_age ON accepted_event (accepted_at);

INSERT INTO task_lock (name) VALUES ('dedup-prune');
