-- 005: an Idempotency-Key reservation whose request was cut short becomes 'interrupted' instead of
-- staying 'in_progress' for good: at the next start for every reservation the stopped process left
-- (a crash, a kill), and at once when a request fails after recording durable work (resource_id, the
-- outbox row written in the same transaction as the reservation's link). A retry with the same key
-- takes an interrupted reservation over and resumes from its resource, or runs afresh when it has none.
ALTER TABLE idempotency_keys DROP CONSTRAINT idempotency_keys_state_check;
ALTER TABLE idempotency_keys ADD CONSTRAINT idempotency_keys_state_check
  CHECK (state IN ('in_progress', 'interrupted', 'completed'));
