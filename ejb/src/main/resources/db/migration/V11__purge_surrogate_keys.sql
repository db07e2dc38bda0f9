-- Purge by surrogate keys (purge sinks, docs/adr/0014). Portable SQL for H2 and PostgreSQL.

-- The header that carries an event's tidingskeys to the caches (e.g. xkey-purge for Varnish's xkey vmod,
-- Surrogate-Key for others) and the method of that request; both NULL: the sink sends no purge by keys.
ALTER TABLE sink ADD COLUMN key_header VARCHAR(64);
ALTER TABLE sink ADD COLUMN key_method VARCHAR(64);
