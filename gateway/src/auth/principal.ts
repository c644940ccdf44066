/**
 * The authenticated caller. Access-token claims are checked here, once, so the rest of the gateway
 * can trust a Principal's shape: a known role, an MSP ID, a valid USCC for agencies, a holder ref.
 */
import { LicenceError, ROLES, isValidUscc } from '@licence-ledger/domain';
import type { ErrorCode } from '@licence-ledger/domain';
import { MSP_ID_PATTERN } from '../config';

/** Roles a gateway caller may hold: the ledger roles plus citizens and companies holding licences. */
export const PRINCIPAL_ROLES = [...ROLES, 'holder'] as const;
/** A caller's role. */
export type PrincipalRole = (typeof PRINCIPAL_ROLES)[number];

/** Who is calling. */
export interface Principal {
  /** Subject: an opaque account id at the identity provider (never a citizen ID). */
  readonly sub: string;
  readonly role: PrincipalRole;
  /** MSP ID of the caller's province. */
  readonly province: string;
  /** USCC of the caller's agency (always present for issuers). */
  readonly agency?: string;
  /** Holder reference (HMAC of the holder's ID), present for holders. */
  readonly holderRef?: string;
}

/** Shape of a holder reference: base64url of a 32-byte HMAC. */
export const HOLDER_REF_PATTERN = /^[A-Za-z0-9_-]{43}$/;
const SUB_PATTERN = /^[\x21-\x7e]{1,128}$/;

/** True when `value` is one of the principal roles. */
export function isPrincipalRole(value: unknown): value is PrincipalRole {
  return typeof value === 'string' && (PRINCIPAL_ROLES as readonly string[]).includes(value);
}

/**
 * Returns a Principal built from untrusted values, or throws `code` (UNAUTHENTICATED when reading a
 * token, INVALID_ARGUMENT when minting one) with details.reason 'claims' and the offending claim.
 */
export function checkPrincipal(
  input: { sub?: unknown; role?: unknown; province?: unknown; agency?: unknown; holderRef?: unknown },
  code: ErrorCode,
): Principal {
  const bad = (claim: string, message: string): never => {
    throw new LicenceError(code, message, { reason: 'claims', claim });
  };
  const { sub, role, province, agency, holderRef } = input;
  if (typeof sub !== 'string' || !SUB_PATTERN.test(sub))
    return bad('sub', 'sub must be 1-128 printable characters');
  if (!isPrincipalRole(role)) return bad('role', `role must be one of ${PRINCIPAL_ROLES.join(', ')}`);
  if (typeof province !== 'string' || !MSP_ID_PATTERN.test(province)) {
    return bad('province', 'province must be an MSP ID');
  }
  if (agency !== undefined && !isValidUscc(agency)) return bad('agency', 'agency must be a valid USCC');
  if (role === 'issuer' && agency === undefined) return bad('agency', 'an issuer must name its agency');
  if (holderRef !== undefined && (typeof holderRef !== 'string' || !HOLDER_REF_PATTERN.test(holderRef))) {
    return bad('hid', 'hid must be a holder reference');
  }
  if (role === 'holder' && holderRef === undefined) return bad('hid', 'a holder token must carry hid');
  return {
    sub,
    role,
    province,
    ...(agency === undefined ? {} : { agency: agency as string }),
    ...(holderRef === undefined ? {} : { holderRef }),
  };
}
