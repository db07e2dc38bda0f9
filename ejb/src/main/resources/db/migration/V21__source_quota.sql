-- A source's own quota (docs/adr/0017): events per second, burst, and the cap on its queued events. Null: the
-- configured default applies (tidings.quota.*, and the broker plugin's max-queued). Portable SQL for H2 and PostgreSQL.
ALTER TABLE source ADD COLUMN quota_events_per_second DOUBLE PRECISION;
ALTER TABLE source ADD COLUMN quota_burst BIGINT;
ALTER TABLE source ADD COLUMN quota_max_queued BIGINT;
