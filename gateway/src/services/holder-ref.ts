/**
 * Holder references for every holder kind. Persons use the auth module's citizen-ID reference (the
 * same value the identity provider puts in a holder's `hid` claim); organisations are keyed by an
 * HMAC of their USCC under the same per-province secret.
 */
import { createHmac } from 'node:crypto';
import { validateUscc } from '@licence-ledger/domain';
import type { LicenceType } from '@licence-ledger/domain';
import { holderRef as citizenHolderRef } from '../auth/holder-ref';

/** The holder reference of a licence holder of `kind` (43 characters of base64url). */
export function holderRefOf(secret: Buffer, kind: LicenceType['holderKind'], holderId: string): string {
  if (kind === 'person') return citizenHolderRef(secret, holderId);
  return createHmac('sha256', secret).update(validateUscc(holderId), 'utf8').digest('base64url');
}
