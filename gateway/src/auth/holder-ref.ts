/**
 * Holder references. A citizen ID has about 37 bits of entropy and can be enumerated, so it is never
 * stored or looked up in clear: the gateway keys holders by an HMAC under a per-province secret.
 * Organisations (USCC holders) are keyed the same way, so every holder kind is looked up alike.
 */
import { createHmac } from 'node:crypto';
import { LicenceError, validateCitizenId, validateUscc } from '@licence-ledger/domain';
import type { LicenceType } from '@licence-ledger/domain';

/** Shortest secret accepted (256 bits). */
export const MIN_HOLDER_SECRET_BYTES = 32;

function checkSecret(secret: Buffer): void {
  if (!Buffer.isBuffer(secret) || secret.length < MIN_HOLDER_SECRET_BYTES) {
    throw new LicenceError(
      'INVALID_ARGUMENT',
      `the holder secret must be at least ${MIN_HOLDER_SECRET_BYTES} bytes`,
    );
  }
}

const hmac = (secret: Buffer, normalised: string): string =>
  createHmac('sha256', secret).update(normalised, 'utf8').digest('base64url');

/** Trims and upper-cases a typed identifier (a lower-case x or letters are common typing variants). */
const normalise = (id: unknown): unknown => (typeof id === 'string' ? id.trim().toUpperCase() : id);

/** HMAC-SHA256 (base64url) of the validated, normalised citizen ID under the province's secret. */
export function holderRef(secret: Buffer, citizenId: string): string {
  // The secret is checked before the ID so a misconfiguration is reported as such.
  checkSecret(secret);
  return hmac(secret, validateCitizenId(normalise(citizenId)));
}

/** HMAC-SHA256 (base64url) of the validated, normalised USCC of an organisation holder. */
export function organisationHolderRef(secret: Buffer, uscc: string): string {
  checkSecret(secret);
  return hmac(secret, validateUscc(normalise(uscc)));
}

/** The holder reference of a holder of `kind` (citizen ID for persons, USCC for organisations). */
export function holderRefOf(secret: Buffer, kind: LicenceType['holderKind'], holderId: string): string {
  return kind === 'person' ? holderRef(secret, holderId) : organisationHolderRef(secret, holderId);
}
