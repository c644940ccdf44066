/**
 * Licence types read from the ledger and cached: the catalogue changes only by majority vote, so a
 * short cache saves a ledger query per issuance without serving a stale schema for long.
 */
import { LicenceError } from '@licence-ledger/domain';
import type { LicenceType } from '@licence-ledger/domain';

/** Where licence types come from (the LedgerClient implements it). */
export interface LicenceTypeSource {
  getLicenceType(code: string): Promise<LicenceType | null>;
}

/** Default time a type stays cached. */
export const TYPE_CACHE_TTL_MS = 60_000;

/** A cached view of the catalogue. */
export class LicenceTypeCache {
  private readonly entries = new Map<string, { type: LicenceType; until: number }>();

  constructor(
    private readonly source: LicenceTypeSource,
    private readonly clock: () => Date = () => new Date(),
    private readonly ttlMs = TYPE_CACHE_TTL_MS,
  ) {}

  /** The type with `code`; LICENCE_TYPE_UNKNOWN when the catalogue has none (absence is not cached). */
  async get(code: string): Promise<LicenceType> {
    const now = this.clock().getTime();
    const hit = this.entries.get(code);
    if (hit !== undefined && hit.until > now) return hit.type;
    const type = await this.source.getLicenceType(code);
    if (type === null)
      throw new LicenceError('LICENCE_TYPE_UNKNOWN', 'no such licence type', { typeCode: code });
    if (this.entries.size > 1000) this.entries.clear();
    this.entries.set(code, { type, until: now + this.ttlMs });
    return type;
  }

  /** Forgets every cached type (after a catalogue change event). */
  clear(): void {
    this.entries.clear();
  }
}
