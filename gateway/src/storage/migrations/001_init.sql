-- 001: the province gateway's tables.
-- Personal data lives only in licences.fields (the province's own record of what it issued); it is
-- not encrypted at rest by the gateway, which relies on the database's own protection (out of scope).

-- Licences this province issued: full content, salts, and the HMAC holder reference (never the raw
-- ID). A row is written 'pending' with the outbox intent and becomes 'issued' once the ledger commits.
CREATE TABLE licences (
  licence_id   text PRIMARY KEY CHECK (length(licence_id) BETWEEN 1 AND 128),
  type_code    text NOT NULL CHECK (length(type_code) BETWEEN 1 AND 32),
  agency       text NOT NULL CHECK (agency ~ '^[0-9A-Z]{18}$'),
  holder_ref   text CHECK (holder_ref ~ '^[A-Za-z0-9_-]{43}$'),
  fields       jsonb NOT NULL CHECK (jsonb_typeof(fields) = 'object'),
  salts        jsonb NOT NULL CHECK (jsonb_typeof(salts) = 'object'),
  kid          text NOT NULL CHECK (length(kid) BETWEEN 1 AND 128),
  valid_from   date NOT NULL,
  valid_until  date CHECK (valid_until IS NULL OR valid_until >= valid_from),
  predecessor  text CHECK (length(predecessor) <= 128),
  state        text NOT NULL CHECK (state IN ('pending', 'issued', 'failed')),
  outbox_id    text CHECK (length(outbox_id) <= 64),
  record       jsonb CHECK (record IS NULL OR jsonb_typeof(record) = 'object'),
  -- Millisecond precision, so keyset cursors (which carry JavaScript times) match rows exactly.
  created_at   timestamptz NOT NULL DEFAULT date_trunc('milliseconds', now()),
  updated_at   timestamptz NOT NULL DEFAULT date_trunc('milliseconds', now())
);
CREATE INDEX licences_holder_idx ON licences (holder_ref, created_at DESC, licence_id DESC);
CREATE INDEX licences_agency_idx ON licences (agency, created_at DESC, licence_id DESC);
CREATE INDEX licences_outbox_idx ON licences (outbox_id);

-- Serial numbers for licence identifiers, per agency and licence type; never handed out twice.
CREATE TABLE licence_serials (
  agency    text NOT NULL CHECK (agency ~ '^[0-9A-Z]{18}$'),
  type_code text NOT NULL CHECK (length(type_code) BETWEEN 1 AND 32),
  last      bigint NOT NULL CHECK (last >= 1),
  PRIMARY KEY (agency, type_code)
);

-- Ledger writes in flight: an intent is recorded before anything reaches the ledger, so a crash at
-- any step can be resumed (intent -> prepared -> submitted -> committed | failed).
CREATE TABLE outbox (
  id            text PRIMARY KEY CHECK (length(id) BETWEEN 1 AND 64),
  kind          text NOT NULL CHECK (length(kind) BETWEEN 1 AND 32),
  tx_name       text NOT NULL CHECK (length(tx_name) BETWEEN 1 AND 64),
  args          jsonb NOT NULL CHECK (jsonb_typeof(args) = 'array'),
  agency        text CHECK (agency ~ '^[0-9A-Z]{18}$'),
  licence_ids   text[] NOT NULL DEFAULT '{}',
  state         text NOT NULL CHECK (state IN ('intent', 'prepared', 'submitted', 'committed', 'failed')),
  tx_id         text UNIQUE CHECK (length(tx_id) <= 128),
  tx_bytes      bytea,
  block_number  bigint CHECK (block_number >= 0),
  error_code    text CHECK (length(error_code) <= 64),
  error_message text CHECK (length(error_message) <= 1000),
  attempts      integer NOT NULL DEFAULT 0 CHECK (attempts >= 0),
  created_at    timestamptz NOT NULL DEFAULT date_trunc('milliseconds', now()),
  updated_at    timestamptz NOT NULL DEFAULT date_trunc('milliseconds', now()),
  CHECK (state IN ('intent', 'failed') OR (tx_id IS NOT NULL AND tx_bytes IS NOT NULL)),
  CHECK (state <> 'committed' OR block_number IS NOT NULL)
);
CREATE INDEX outbox_pending_idx ON outbox (created_at, id) WHERE state IN ('intent', 'prepared', 'submitted');

-- Idempotency-Key handling: one row per (caller, key), bound to a hash of the request.
CREATE TABLE idempotency_keys (
  caller          text NOT NULL CHECK (length(caller) BETWEEN 1 AND 300),
  key             text NOT NULL CHECK (length(key) BETWEEN 1 AND 255),
  request_hash    text NOT NULL CHECK (length(request_hash) BETWEEN 1 AND 128),
  state           text NOT NULL CHECK (state IN ('in_progress', 'completed')),
  resource_id     text CHECK (length(resource_id) <= 128),
  response_status integer CHECK (response_status BETWEEN 100 AND 599),
  response_body   jsonb,
  created_at      timestamptz NOT NULL DEFAULT date_trunc('milliseconds', now()),
  completed_at    timestamptz,
  PRIMARY KEY (caller, key),
  CHECK (state <> 'completed' OR (response_status IS NOT NULL AND completed_at IS NOT NULL))
);
CREATE INDEX idempotency_keys_created_idx ON idempotency_keys (created_at);

-- Every province's licence statuses as seen in ledger events. `revision` is the ledger record's
-- revision: an update applies only when it is newer, so replayed or reordered events never regress.
CREATE TABLE status_projection (
  licence_id   text PRIMARY KEY CHECK (length(licence_id) BETWEEN 1 AND 128),
  status       text NOT NULL CHECK (status ~ '^[0-9]{2}$'),
  issuer_msp   text NOT NULL CHECK (length(issuer_msp) BETWEEN 1 AND 64),
  revision     bigint NOT NULL CHECK (revision >= 0),
  reason_code  text CHECK (length(reason_code) <= 64),
  type_code    text CHECK (length(type_code) <= 32),
  status_at    timestamptz NOT NULL,
  block_number bigint NOT NULL CHECK (block_number >= 0),
  tx_id        text NOT NULL CHECK (length(tx_id) BETWEEN 1 AND 128),
  updated_at   timestamptz NOT NULL DEFAULT date_trunc('milliseconds', now())
);
CREATE INDEX status_projection_issuer_idx ON status_projection (issuer_msp);

-- How far the event listener got, written in the same transaction as the projection rows.
CREATE TABLE ledger_checkpoint (
  stream       text PRIMARY KEY CHECK (length(stream) BETWEEN 1 AND 64),
  block_number bigint NOT NULL CHECK (block_number >= 0),
  tx_id        text CHECK (length(tx_id) <= 128),
  updated_at   timestamptz NOT NULL DEFAULT date_trunc('milliseconds', now())
);

-- Verifications performed by this gateway, with the verifier's declared purpose.
CREATE TABLE verification_log (
  id                text PRIMARY KEY CHECK (length(id) BETWEEN 1 AND 64),
  licence_id        text CHECK (length(licence_id) <= 128),
  issuer_msp        text CHECK (length(issuer_msp) <= 64),
  verifier_province text NOT NULL CHECK (length(verifier_province) BETWEEN 1 AND 64),
  verifier_agency   text CHECK (length(verifier_agency) <= 18),
  verifier_sub      text CHECK (length(verifier_sub) <= 128),
  purpose           text NOT NULL CHECK (length(purpose) BETWEEN 1 AND 200),
  result            text NOT NULL CHECK (length(result) BETWEEN 1 AND 32),
  jti               text CHECK (length(jti) <= 64),
  at                timestamptz NOT NULL DEFAULT date_trunc('milliseconds', now())
);
CREATE INDEX verification_log_licence_idx ON verification_log (licence_id, at DESC, id DESC);

-- Presentation token ids already used, kept until the token would have expired anyway.
CREATE TABLE replay (
  jti text PRIMARY KEY CHECK (length(jti) BETWEEN 1 AND 64),
  exp timestamptz NOT NULL
);
CREATE INDEX replay_exp_idx ON replay (exp);

-- Webhook subscriptions to status changes of chosen licences, and their deliveries.
CREATE TABLE webhook_subscriptions (
  id             text PRIMARY KEY CHECK (length(id) BETWEEN 1 AND 64),
  owner_province text NOT NULL CHECK (length(owner_province) BETWEEN 1 AND 64),
  owner_sub      text NOT NULL CHECK (length(owner_sub) BETWEEN 1 AND 128),
  owner_agency   text CHECK (length(owner_agency) <= 18),
  url            text NOT NULL CHECK (url ~ '^https?://' AND length(url) <= 2048),
  -- Optional shared secret for an HMAC signature, in addition to the gateway's own signature.
  secret         text CHECK (secret IS NULL OR length(secret) BETWEEN 16 AND 128),
  active         boolean NOT NULL DEFAULT true,
  created_at     timestamptz NOT NULL DEFAULT date_trunc('milliseconds', now()),
  updated_at     timestamptz NOT NULL DEFAULT date_trunc('milliseconds', now())
);
CREATE INDEX webhook_subscriptions_owner_idx ON webhook_subscriptions (owner_province, owner_sub, created_at, id);

CREATE TABLE webhook_subscription_licences (
  subscription_id text NOT NULL REFERENCES webhook_subscriptions (id) ON DELETE CASCADE,
  licence_id      text NOT NULL CHECK (length(licence_id) BETWEEN 1 AND 128),
  PRIMARY KEY (subscription_id, licence_id)
);
CREATE INDEX webhook_subscription_licences_licence_idx ON webhook_subscription_licences (licence_id);

CREATE TABLE webhook_deliveries (
  id              text PRIMARY KEY CHECK (length(id) BETWEEN 1 AND 64),
  subscription_id text NOT NULL REFERENCES webhook_subscriptions (id) ON DELETE CASCADE,
  event_key       text NOT NULL CHECK (length(event_key) BETWEEN 1 AND 300),
  -- The exact bytes that are signed and sent, so a retry sends the same notification.
  payload         text NOT NULL CHECK (length(payload) <= 65536),
  state           text NOT NULL DEFAULT 'pending' CHECK (state IN ('pending', 'delivered', 'failed')),
  attempts        integer NOT NULL DEFAULT 0 CHECK (attempts >= 0),
  next_at         timestamptz NOT NULL,
  last_status     integer,
  last_error      text CHECK (length(last_error) <= 500),
  created_at      timestamptz NOT NULL DEFAULT date_trunc('milliseconds', now()),
  delivered_at    timestamptz,
  UNIQUE (subscription_id, event_key)
);
CREATE INDEX webhook_deliveries_due_idx ON webhook_deliveries (next_at, id) WHERE state = 'pending';
