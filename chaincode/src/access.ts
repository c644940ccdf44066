/**
 * Who is calling, from the Fabric client identity: the MSP ID of the caller's organisation and the
 * ll.* attributes its CA wrote into the certificate. Every rule about who may do what lives here.
 */
import type { Context } from 'fabric-contract-api';
import { ATTR, ROLES, fail } from '@licence-ledger/domain';
import type { Province, Role } from '@licence-ledger/domain';
import type { Store } from './store';

/** The authenticated caller of a transaction. */
export interface Caller {
  readonly mspId: string;
  readonly role: Role | null;
  /** USCC of the agency the caller acts for (issuers), if the certificate names one. */
  readonly agency: string | null;
  /** GB/T 2260 province code from the certificate, if present. */
  readonly province: string | null;
}

/** A caller whose MSP is an active member province. */
export interface MemberCaller extends Caller {
  readonly memberProvince: Province;
}

/** Reads the caller from the transaction's client identity. */
export function callerOf(ctx: Context): Caller {
  const identity = ctx.clientIdentity;
  const role = identity.getAttributeValue(ATTR.role);
  return {
    mspId: identity.getMSPID(),
    role: role !== null && (ROLES as readonly string[]).includes(role) ? (role as Role) : null,
    agency: identity.getAttributeValue(ATTR.agency) || null,
    province: identity.getAttributeValue(ATTR.province) || null,
  };
}

/** `<MSP ID>/<agency USCC or role>`: who set a status, without naming a person. */
export function actorOf(caller: Caller): string {
  return `${caller.mspId}/${caller.agency ?? caller.role ?? 'member'}`;
}

/**
 * The caller, checked to belong to an active member province. A certificate that names a province
 * code must name the code of its own MSP's province, so a CA cannot speak for another province.
 */
export async function requireMember(ctx: Context, store: Store): Promise<MemberCaller> {
  const caller = callerOf(ctx);
  const province = await store.getProvince(caller.mspId);
  if (province === undefined) {
    fail('ACCESS_DENIED', `${caller.mspId} is not a member province`, { mspId: caller.mspId });
  }
  if (province.status !== 'active') {
    fail('PROVINCE_NOT_ACTIVE', `${caller.mspId} is not active`, { mspId: caller.mspId });
  }
  if (caller.province !== null && caller.province !== province.code) {
    fail('ACCESS_DENIED', 'the certificate names another province than its MSP', { mspId: caller.mspId });
  }
  return { ...caller, memberProvince: province };
}

/** Refuses callers whose role is not one of `roles`. */
export function requireRole(caller: Caller, ...roles: readonly Role[]): Role {
  if (caller.role === null || !roles.includes(caller.role)) {
    fail('ACCESS_DENIED', `this transaction needs the role ${roles.join(' or ')}`, {
      role: caller.role,
      needed: roles,
    });
  }
  return caller.role;
}

/** A member admin. */
export async function requireAdmin(ctx: Context, store: Store): Promise<MemberCaller> {
  const caller = await requireMember(ctx, store);
  requireRole(caller, 'admin');
  return caller;
}

/** Refuses callers from any MSP but `ownerMsp`: a province changes only its own data. */
export function requireOwnProvince(caller: Caller, ownerMsp: string, what: string): void {
  if (caller.mspId !== ownerMsp) {
    fail('ACCESS_DENIED', `${what} belongs to another province`, { callerMsp: caller.mspId, ownerMsp });
  }
}

/**
 * An issuer acting for `agencyUscc`, or (when `allowAdmin`) an admin of the same province. Issuers act
 * only for the agency their certificate names.
 */
export function requireActsFor(
  caller: Caller,
  ownerMsp: string,
  agencyUscc: string,
  allowAdmin: boolean,
): void {
  requireOwnProvince(caller, ownerMsp, 'the licence');
  const role = allowAdmin ? requireRole(caller, 'issuer', 'admin') : requireRole(caller, 'issuer');
  if (role === 'issuer' && caller.agency !== agencyUscc) {
    fail('ACCESS_DENIED', 'an issuer acts only for its own agency', { agencyUscc });
  }
}
