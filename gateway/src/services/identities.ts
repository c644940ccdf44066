/**
 * The ledger identities a province gateway acts as: one admin, one verifier and one issuer per
 * agency (the chaincode reads the agency from the certificate's ll.agency attribute, so an issuer
 * identity can act for exactly one agency).
 */
import { LicenceError } from '@licence-ledger/domain';
import type { Identity, LedgerPort } from '../ledger/port';
import { LedgerClient } from '../ledger/client';

/** The identities of one province. */
export interface ProvinceIdentities {
  readonly admin: Identity;
  readonly verifier: Identity;
  /** Issuer identity per agency USCC. */
  readonly issuers: ReadonlyMap<string, Identity>;
}

/** Typed ledger clients for each identity of a province. */
export interface ProvinceLedger {
  readonly port: LedgerPort;
  readonly admin: LedgerClient;
  readonly verifier: LedgerClient;
  /** The client acting for `agencyUscc`; AGENCY_NOT_AUTHORISED when the gateway holds no identity for it. */
  issuer(agencyUscc: string): LedgerClient;
  /** The issuer identity for `agencyUscc` (for prepared transactions). */
  issuerIdentity(agencyUscc: string): Identity;
}

/** Builds the typed clients of a province over one ledger port. */
export function provinceLedger(port: LedgerPort, ids: ProvinceIdentities): ProvinceLedger {
  const issuers = new Map<string, LedgerClient>();
  for (const [uscc, identity] of ids.issuers) issuers.set(uscc, new LedgerClient(port, identity));
  const identityOf = (uscc: string): Identity => {
    const identity = ids.issuers.get(uscc);
    if (identity === undefined) {
      throw new LicenceError(
        'AGENCY_NOT_AUTHORISED',
        'this gateway holds no ledger identity for the agency',
        {
          agencyUscc: uscc,
        },
      );
    }
    return identity;
  };
  return {
    port,
    admin: new LedgerClient(port, ids.admin),
    verifier: new LedgerClient(port, ids.verifier),
    issuer(uscc) {
      identityOf(uscc);
      return issuers.get(uscc)!;
    },
    issuerIdentity: identityOf,
  };
}
