-- Sequence numbers on JMS notifications (LEM-8, docs/adr/0015): the numbers an event's JMS notifications were given
-- are kept with its record in the duplicate window, taken in the same transaction as its claim, so that a message
-- that comes back after a crash, or another that takes over a released claim, sends the same numbers, and no number
-- is skipped. numbers: per numbered subscription, its 16-byte id and the 8-byte number, one after the other.
-- released: the claim was given up after a failed forward (it used to be deleted); any message may claim the event
-- again and keeps its numbers. Portable SQL for H2 and PostgreSQL.
ALTER TABLE accepted_event ADD COLUMN numbers BYTEA;
ALTER TABLE accepted_event ADD COLUMN released BOOLEAN DEFAULT FALSE NOT NULL;
