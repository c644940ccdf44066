/**
 * Encryption at rest of licence content (the fields and their salts: personal data). Each licence's
 * content is sealed with AES-256-GCM under the province's content key, with the licence id as
 * associated data, so a sealed value moved to another row does not open. A database dump or
 * backup without the key file shows no names, ID numbers or salts.
 *
 * Sealed layout: version (1 byte, 0x01) ‖ key id (8 bytes: SHA-256 of the key) ‖ IV (12) ‖ tag (16)
 * ‖ ciphertext of the canonical JSON {fields, salts}.
 */
import { createCipheriv, createDecipheriv, createHash, randomBytes } from 'node:crypto';
import { LicenceError, type FieldValue } from '@licence-ledger/domain';

/** Bytes of a content key (AES-256). */
export const CONTENT_KEY_BYTES = 32;

const VERSION = 0x01;
const KEY_ID_BYTES = 8;
const IV_BYTES = 12;
const TAG_BYTES = 16;
const HEADER_BYTES = 1 + KEY_ID_BYTES + IV_BYTES + TAG_BYTES;
const AAD_PREFIX = 'licence-ledger/licence-content/v1\0';

/** A licence's personal content. */
export interface LicenceContent {
  readonly fields: Readonly<Record<string, FieldValue>>;
  readonly salts: Readonly<Record<string, string>>;
}

/** Seals and opens licence content under one key. */
export interface ContentCipher {
  /** Hex id of the key (first 8 bytes of its SHA-256), safe to log. */
  readonly keyId: string;
  seal(licenceId: string, content: LicenceContent): Buffer;
  /** Opens a sealed value; throws INTERNAL when it was sealed under another key, for another licence, or altered. */
  open(licenceId: string, sealed: Buffer): LicenceContent;
}

/** A cipher over `key` (32 bytes). */
export function createContentCipher(key: Buffer): ContentCipher {
  if (key.length !== CONTENT_KEY_BYTES) {
    throw new LicenceError('INVALID_ARGUMENT', `a content key has ${CONTENT_KEY_BYTES} bytes`, {
      variables: ['CONTENT_KEY_FILE'],
    });
  }
  const keyId = createHash('sha256').update(key).digest().subarray(0, KEY_ID_BYTES);
  const aad = (licenceId: string): Buffer => Buffer.from(AAD_PREFIX + licenceId, 'utf8');
  const unreadable = (licenceId: string, why: string): LicenceError =>
    new LicenceError('INTERNAL', `the stored content of a licence cannot be read: ${why}`, { licenceId });

  return {
    keyId: keyId.toString('hex'),
    seal(licenceId, content) {
      const iv = randomBytes(IV_BYTES);
      const cipher = createCipheriv('aes-256-gcm', key, iv);
      cipher.setAAD(aad(licenceId));
      const plain = Buffer.from(JSON.stringify({ fields: content.fields, salts: content.salts }), 'utf8');
      const body = Buffer.concat([cipher.update(plain), cipher.final()]);
      return Buffer.concat([Buffer.from([VERSION]), keyId, iv, cipher.getAuthTag(), body]);
    },
    open(licenceId, sealed) {
      if (sealed.length < HEADER_BYTES || sealed[0] !== VERSION)
        throw unreadable(licenceId, 'unknown format');
      if (!sealed.subarray(1, 1 + KEY_ID_BYTES).equals(keyId)) {
        throw unreadable(licenceId, 'it was sealed under another content key');
      }
      const ivAt = 1 + KEY_ID_BYTES;
      const tagAt = ivAt + IV_BYTES;
      const decipher = createDecipheriv('aes-256-gcm', key, sealed.subarray(ivAt, tagAt));
      decipher.setAAD(aad(licenceId));
      decipher.setAuthTag(sealed.subarray(tagAt, HEADER_BYTES));
      let plain: Buffer;
      try {
        plain = Buffer.concat([decipher.update(sealed.subarray(HEADER_BYTES)), decipher.final()]);
      } catch {
        throw unreadable(licenceId, 'it was altered or belongs to another licence');
      }
      const parsed = JSON.parse(plain.toString('utf8')) as LicenceContent;
      return { fields: parsed.fields, salts: parsed.salts };
    },
  };
}

/** A fresh random content key. */
export function newContentKey(): Buffer {
  return randomBytes(CONTENT_KEY_BYTES);
}
