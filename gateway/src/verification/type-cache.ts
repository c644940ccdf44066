/** Licence types by code, read from the ledger once: catalogue entries are immutable once adopted. */
import type { LicenceType } from '@licence-ledger/domain';

const MAX_ENTRIES = 1024;

/** A cache in front of a ledger read of licence types; only types that exist are kept. */
export class LicenceTypeCache {
  private readonly entries = new Map<string, LicenceType>();

  constructor(private readonly read: (code: string) => Promise<LicenceType | null>) {}

  /** The type `code`, or null when the ledger has none; a failed read rejects and caches nothing. */
  async get(code: string): Promise<LicenceType | null> {
    const hit = this.entries.get(code);
    if (hit !== undefined) return hit;
    const type = await this.read(code);
    // Positions of disclosed fields are read against this entry, so it must be the one asked for.
    if (type === null || type.code !== code) return null;
    // The national catalogue holds under a thousand types; a full cache means misuse, so start over.
    if (this.entries.size >= MAX_ENTRIES) this.entries.clear();
    this.entries.set(code, type);
    return type;
  }
}
