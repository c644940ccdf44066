/** Certificate validity windows. */
import { LicenceError } from '@licence-ledger/domain';

const DAY_MS = 86_400_000;
/** Default backdating of notBefore, so a peer whose clock runs slightly behind still accepts new certs. */
const SKEW_MS = 5 * 60_000;
/** Upper bound on validity, to catch a days/seconds mix-up in configuration. */
export const MAX_VALID_DAYS = 36_500;

/** A certificate's validity window. */
export interface Validity {
  readonly notBefore: Date;
  readonly notAfter: Date;
}

/** Computes notBefore/notAfter, truncated to whole seconds as X.509 time encodes them. */
export function validityWindow(validDays: number, notBefore?: Date): Validity {
  if (!Number.isInteger(validDays) || validDays < 1 || validDays > MAX_VALID_DAYS) {
    throw new LicenceError('INVALID_ARGUMENT', `validDays must be an integer from 1 to ${MAX_VALID_DAYS}`);
  }
  const startMs = notBefore === undefined ? Date.now() - SKEW_MS : notBefore.getTime();
  if (!Number.isFinite(startMs)) throw new LicenceError('INVALID_ARGUMENT', 'notBefore is not a valid date');
  const start = Math.floor(startMs / 1000) * 1000;
  return { notBefore: new Date(start), notAfter: new Date(start + validDays * DAY_MS) };
}
