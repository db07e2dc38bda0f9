-- A route or see grant may name resource groups of the administrators (docs/adr/0022): it covers what those groups
-- hold, as they are now (their members and prefixes). A JSON array of group ids, as the other parts are stored.
ALTER TABLE trust_grant ADD COLUMN group_ids VARCHAR(1000000) DEFAULT '[]' NOT NULL;
