-- A webhook or purge sink's own retry schedule (docs/adr/0012): ISO-8601 durations in canonical form,
-- comma-separated, at most 20 (459 characters); NULL means the global tidings.delivery.retry-schedule.
-- Portable SQL for H2 and PostgreSQL.
ALTER TABLE sink ADD COLUMN retry_schedule VARCHAR(500);
