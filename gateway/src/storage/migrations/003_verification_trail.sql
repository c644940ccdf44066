-- 003: the holders' verification trail across provinces.
-- A verification of another province's licence is logged here and, in the same transaction, queued
-- for the issuing province's gateway, so its holder sees it too. The queue keeps the notification's
-- content (signed when sent); its id is the notification's jti, so every retry carries the same one.
CREATE TABLE trail_outbox (
  id              text PRIMARY KEY CHECK (length(id) BETWEEN 1 AND 64),
  verification_id text NOT NULL UNIQUE REFERENCES verification_log (id),
  target_msp      text NOT NULL CHECK (length(target_msp) BETWEEN 1 AND 64),
  payload         jsonb NOT NULL CHECK (jsonb_typeof(payload) = 'object'),
  state           text NOT NULL DEFAULT 'pending' CHECK (state IN ('pending', 'delivered', 'failed')),
  attempts        integer NOT NULL DEFAULT 0 CHECK (attempts >= 0),
  next_at         timestamptz NOT NULL DEFAULT date_trunc('milliseconds', now()),
  last_status     integer,
  last_error      text CHECK (length(last_error) <= 500),
  created_at      timestamptz NOT NULL DEFAULT date_trunc('milliseconds', now()),
  delivered_at    timestamptz
);
CREATE INDEX trail_outbox_due_idx ON trail_outbox (next_at, id) WHERE state = 'pending';

-- Verifications reported by other provinces' gateways carry the notification's jti; one per
-- (reporting province, jti), so a replayed notification cannot add a second entry.
ALTER TABLE verification_log ADD COLUMN notification_jti text CHECK (length(notification_jti) <= 64);
CREATE UNIQUE INDEX verification_log_notification_idx ON verification_log (verifier_province, notification_jti);
