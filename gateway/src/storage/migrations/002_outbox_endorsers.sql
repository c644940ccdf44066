-- 002: the organisations whose peers must endorse an outbox transaction, kept with the intent so a
-- restart endorses it the same way (AcceptTransfer writes records owned by two provinces). Empty
-- means "as the chaincode's endorsement policy says".
ALTER TABLE outbox ADD COLUMN endorsing_orgs text[] NOT NULL DEFAULT '{}'
  CHECK (cardinality(endorsing_orgs) <= 16);
