-- A subscriber's subscriptions are listed by owner (Subscription.ofOwner): an index range scan, not a table scan.
CREATE INDEX subscription_owner ON subscription (owner_id);
