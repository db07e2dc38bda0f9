-- Subscribers own sinks and resource groups (docs/adr/0018): the subscriber's id, or NULL for those the
-- administrators keep. A subscription belongs to its sink's owner. Portable SQL for H2 and PostgreSQL.
ALTER TABLE sink ADD COLUMN owner_id UUID;
CREATE INDEX sink_owner ON sink (owner_id);
ALTER TABLE resource_group ADD COLUMN owner_id UUID;
CREATE INDEX resource_group_owner ON resource_group (owner_id);
