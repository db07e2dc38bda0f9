-- Everybody's subscriptions are listed in pages ordered by creation time, then id (docs/adr/0026): each page an index
-- range read from the last page's position, not a scan and sort of every subscription. A subscriber's own (at most
-- 10,000, OwnerLimits) and one sink's are read through subscription_owner and subscription_sink and sorted.
CREATE INDEX subscription_created ON subscription (created_at, id);
