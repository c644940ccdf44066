/**
 * Object-level authorisation shared by the services: which ledger identity may act on a licence for
 * a caller. A province never changes another province's data; an issuer acts only for its agency.
 */
import { LicenceError } from '@licence-ledger/domain';
import type { LicenceRecord } from '@licence-ledger/domain';
import type { Principal } from '../auth/principal';
import type { LedgerClient } from '../ledger/client';
import type { ProvinceContext } from './context';

/** ACCESS_DENIED unless the caller belongs to this gateway's province. */
export function requireOwnProvince(ctx: ProvinceContext, principal: Principal): void {
  if (principal.province !== ctx.msp) {
    throw new LicenceError('ACCESS_DENIED', "this gateway serves another province's callers only", {
      province: principal.province,
    });
  }
}

/** ACCESS_DENIED unless the caller has one of `roles`. */
export function requireRole(principal: Principal, ...roles: readonly Principal['role'][]): void {
  if (!roles.includes(principal.role)) {
    throw new LicenceError('ACCESS_DENIED', `this needs one of the roles ${roles.join(', ')}`, {
      role: principal.role,
    });
  }
}

/** The issuer's agency; ACCESS_DENIED for callers that are not issuers with an agency. */
export function issuerAgency(principal: Principal): string {
  if (principal.role !== 'issuer' || principal.agency === undefined) {
    throw new LicenceError('ACCESS_DENIED', 'only an issuing agency may do this', { role: principal.role });
  }
  return principal.agency;
}

/**
 * The ledger client that may change `record` for `principal`: the record's agency issuer for that
 * agency's issuers, the province admin for the province's admins; ACCESS_DENIED otherwise.
 */
export function writerFor(ctx: ProvinceContext, principal: Principal, record: LicenceRecord): LedgerClient {
  requireOwnProvince(ctx, principal);
  if (record.issuerMsp !== ctx.msp) {
    throw new LicenceError('ACCESS_DENIED', 'the licence was issued by another province', { id: record.id });
  }
  if (principal.role === 'admin') return ctx.ledger.admin;
  if (principal.role === 'issuer' && principal.agency === record.issuerUscc) {
    return ctx.ledger.issuer(record.issuerUscc);
  }
  throw new LicenceError('ACCESS_DENIED', 'the licence belongs to another agency', { id: record.id });
}

/** True when `principal` may read the full record of `record` (its own province's issuer agency or admin). */
export function mayReadFull(ctx: ProvinceContext, principal: Principal, record: LicenceRecord): boolean {
  if (principal.province !== ctx.msp || record.issuerMsp !== ctx.msp) return false;
  return (
    principal.role === 'admin' || (principal.role === 'issuer' && principal.agency === record.issuerUscc)
  );
}
