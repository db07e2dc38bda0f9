-- Delivered and discarded notifications are deleted once older than tidings.delivery.retention (docs/adr/0012):
-- this index finds them without reading the rows still in play. The pruning runs on one instance at a time.
CREATE INDEX delivery_finished ON delivery (status, updated_at);

INSERT INTO task_lock (name) VALUES ('delivery-prune');
