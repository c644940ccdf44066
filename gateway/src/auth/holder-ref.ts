/**
 * Holder references. A citizen ID has about 37 bits of entropy and can be enumerated, so it is never
 * stored or looked up in clear: the gateway keys holders by an HMAC under a per-province secret.
 */
import { createHmac } from 'node:crypto';
import { LicenceError, validateCitizenId } from '@licence-ledger/domain';

/** Shortest secret accepted (256 bits). */
export const MIN_HOLDER_SECRET_BYTES = 32;

/** HMAC-SHA256 (base64url) of the validated, normalised citizen ID under the province's secret. */
export function holderRef(secret: Buffer, citizenId: string): string {
  if (!Buffer.isBuffer(secret) || secret.length < MIN_HOLDER_SECRET_BYTES) {
    throw new LicenceError(
      'INVALID_ARGUMENT',
      `the holder secret must be at least ${MIN_HOLDER_SECRET_BYTES} bytes`,
    );
  }
  // The check character may be typed as a lower-case x; the normalised form is what gets hashed.
  const normalised = validateCitizenId(
    typeof citizenId === 'string' ? citizenId.trim().toUpperCase() : citizenId,
  );
  return createHmac('sha256', secret).update(normalised, 'utf8').digest('base64url');
}
