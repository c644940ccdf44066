-- 004: licence content (fields and salts, personal data) is kept sealed: AES-256-GCM under the
-- province's content key, bound to the licence id (see content-cipher.ts). Rows written before this
-- migration keep their plaintext columns until the gateway seals them at its next start; a row
-- has one form or the other, never neither.
ALTER TABLE licences ADD COLUMN content bytea CHECK (content IS NULL OR length(content) > 37);
ALTER TABLE licences ALTER COLUMN fields DROP NOT NULL;
ALTER TABLE licences ALTER COLUMN salts DROP NOT NULL;
ALTER TABLE licences ADD CONSTRAINT licences_content_present
  CHECK ((content IS NOT NULL AND fields IS NULL AND salts IS NULL)
      OR (content IS NULL AND fields IS NOT NULL AND salts IS NOT NULL));
