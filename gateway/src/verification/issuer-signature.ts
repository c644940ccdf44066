/**
 * The issuer's signature on a ledger record, verified once: the outcome is a pure function of the
 * issuance statement (licence id, type, issuer, kid, commitment root, validity), the signature and
 * the key the kid names, so a verified triple stays verified. Only successes are kept; the key's
 * trust and state are still checked on every verification by the caller.
 */
import type { KeyObject } from 'node:crypto';
import { verifyStatement, type IssuanceStatement } from '@licence-ledger/domain';
import { Lru } from './lru';

const MAX_ENTRIES = 16_384;

/** Verifies statement signatures, remembering the ones that verified. */
export class IssuerSignatureCache {
  private readonly verified: Lru<string, true>;
  private verifications = 0;

  constructor(
    maxEntries = MAX_ENTRIES,
    private readonly verify: typeof verifyStatement = verifyStatement,
  ) {
    this.verified = new Lru(maxEntries);
  }

  /**
   * Whether `signature` over `statement` verifies with `key`, the public key of the certificate
   * whose thumbprint is `statement.kid` (the caller has checked that).
   */
  check(statement: IssuanceStatement, signature: string, key: KeyObject): boolean {
    // issuanceStatement builds its members in a fixed order, so this spelling is one-to-one.
    const id = `${signature}.${JSON.stringify(statement)}`;
    if (this.verified.get(id) === true) return true;
    this.verifications++;
    const ok = this.verify(statement, signature, key);
    if (ok) this.verified.set(id, true);
    return ok;
  }

  /** Number of signature verifications actually computed. */
  get computed(): number {
    return this.verifications;
  }

  /** Number of verified statements kept. */
  get size(): number {
    return this.verified.size;
  }
}
