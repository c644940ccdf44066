/**
 * Holder references: HMAC-SHA256 of the holder's id (citizen ID or USCC) under a per-province
 * secret. A citizen ID has about 37 bits of entropy, so a plain hash could be reversed by
 * enumeration; without the secret the reference reveals nothing.
 */
import { createHmac } from 'node:crypto';

/** The holder reference (43 characters of base64url) of `holderId` under `secret`. */
export function holderRef(secret: Buffer, holderId: string): string {
  return createHmac('sha256', secret).update(holderId, 'utf8').digest('base64url');
}
