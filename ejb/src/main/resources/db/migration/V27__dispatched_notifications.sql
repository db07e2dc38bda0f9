-- Delivery state of notifications not yet in the ledger (RUP-11, docs/adr/0012 "What is not yet recorded"): the
-- subscriptions of webhook, purge and pull sinks an event's forward sends notifications for, and the event's source as
-- the event spelled it, kept with the event's record in the duplicate window, written by the claim's own statement.
-- Encoded by Dispatched; NULL when there are none. Portable SQL for H2 and PostgreSQL.
ALTER TABLE accepted_event ADD COLUMN dispatched BYTEA;
