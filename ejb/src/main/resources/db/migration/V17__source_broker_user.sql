-- The broker user that speaks for a source on JMS, AMQP, STOMP and MQTT (docs/adr/0021): an event from the broker
-- that names this source is accepted only from this user (or from Tidings' own account). Null: no broker user may
-- send for it. Portable SQL for H2 and PostgreSQL.
ALTER TABLE source ADD COLUMN broker_user VARCHAR(200);
