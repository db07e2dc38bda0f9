-- How a webhook sink's notifications are sent (docs/adr/0012): STRUCTURED (the whole CloudEvent as JSON, as before)
-- or BINARY (the event's data as the body, its attributes as ce- headers). Portable SQL for H2 and PostgreSQL.
ALTER TABLE sink ADD COLUMN content_mode VARCHAR(20) DEFAULT 'STRUCTURED' NOT NULL;
