-- A notification whose sink had been deleted was recorded as a dead letter that kept the event's body, and nothing
-- could redrive, discard or prune it once its sink was gone (docs/adr/0012). Since 2026-12-05 such a notification is
-- recorded discarded, without its body; the dead letters recorded before are discarded the same way. Only those of a
-- sink that no longer exists. Portable SQL for H2 and PostgreSQL.
UPDATE delivery SET status = 'DISCARDED', body = NULL, next_attempt_at = NULL, retrying = FALSE
WHERE status = 'DEAD' AND last_answer = 'the sink no longer exists'
  AND NOT EXISTS (SELECT 1 FROM sink s WHERE s.id = delivery.sink_id);
