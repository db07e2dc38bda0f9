-- Credentials a webhook sink presents to its receiver (docs/adr/0012, LST-11): their kind (BASIC, BEARER, HEADER)
-- and the header they stand for, sealed with AES-256-GCM under tidings.secrets.key like the signing secrets. Both
-- NULL: none. Portable SQL for H2 and PostgreSQL.
ALTER TABLE sink ADD COLUMN auth_type VARCHAR(10);
ALTER TABLE sink ADD COLUMN auth VARCHAR(6000);
