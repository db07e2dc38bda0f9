-- Pull retention now settles the pending deliveries of the feed entries it deletes, as never acknowledged
-- (docs/adr/0015). Those whose entries it deleted before are settled here, as it would have: they can no longer be
-- read, and would otherwise stay pending for ever. Portable SQL for H2 and PostgreSQL.
UPDATE delivery SET status = 'DISCARDED',
    last_answer = 'never acknowledged: its feed entry was deleted by retention (tidings.pull.retention) before the '
        || 'receiver acknowledged it',
    body = NULL, next_attempt_at = NULL, updated_at = CURRENT_TIMESTAMP
WHERE status = 'PENDING'
  AND seq <= (SELECT s.pruned_seq FROM subscription_sequence s WHERE s.subscription_id = delivery.subscription_id);
