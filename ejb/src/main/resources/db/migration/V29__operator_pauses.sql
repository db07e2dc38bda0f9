-- A pause made through the API said "paused by an operator or its subscriber" until pauses by an operator and by the
-- sink's subscriber were told apart (docs/adr/0012): a subscriber may not lift an operator's pause. Which of the two
-- made an earlier pause is not known; it is taken for an operator's, the stricter, so that it is not lifted by a
-- subscriber against an operator's decision. Portable SQL for H2 and PostgreSQL.
UPDATE sink SET disabled_reason = 'paused by an operator'
WHERE disabled_reason = 'paused by an operator or its subscriber';
