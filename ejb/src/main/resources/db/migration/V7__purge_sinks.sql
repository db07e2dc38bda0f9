-- Cache invalidation (purge sinks, docs/adr/0014). Portable SQL for H2 and PostgreSQL.

-- A purge sink's cache servers (absolute URLs, one per line, at most 16), the method that purges one URI, and the
-- method and header of a ban by prefix. Its notifications are recorded in the delivery table like a webhook's.
ALTER TABLE sink ADD COLUMN purge_caches VARCHAR(32016);
ALTER TABLE sink ADD COLUMN purge_method VARCHAR(64);
ALTER TABLE sink ADD COLUMN ban_method VARCHAR(64);
ALTER TABLE sink ADD COLUMN ban_header VARCHAR(64);
