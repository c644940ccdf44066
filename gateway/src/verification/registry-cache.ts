/**
 * A cache of the registry data verification reads on every request but that changes rarely:
 * signing keys, provinces, licence types and recognition-rule histories; and, only when
 * `licenceTtlMs` is above 0, licence records (their status), each with the ledger point it was
 * read at, so an answer always says how old its status is.
 *
 * Freshness, in order of strength:
 * - the gateway's ledger event listener calls invalidate() for every item of every RegistryChanged
 *   event (a key retired or marked compromised, a province joining, a type added, a rule published),
 *   and invalidateAll() whenever it (re)starts, since events may have been missed meanwhile;
 * - every entry also expires after a TTL (keys and rules: `ttlMs`, 30 s by default; provinces and
 *   licence types, which the chaincode writes once and never changes: `writeOnceTtlMs`, 10 min), so a
 *   missed event cannot keep a compromised key trusted for longer than `ttlMs`; the TTLs are measured
 *   by the injected clock, and an entry is dropped when that clock is set back before its read;
 * - "not found" (null, or an empty rule history) is never kept, so a key registered a moment ago
 *   verifies at once, and kids made up by a caller cannot crowd real keys out of the bound.
 * Concurrent misses for the same entry share one ledger read; a failed read is not kept and its
 * waiters all see the failure (the verifier answers STATUS_UNAVAILABLE).
 */
import type {
  EventItem,
  LedgerEventPayload,
  LicenceType,
  Province,
  RecognitionRule,
  SigningKey,
} from '@licence-ledger/domain';
import { Lru } from './lru';
import type { LicenceRecord } from '@licence-ledger/domain';
import type { VerificationLedger } from './ports';
import type { LedgerPoint } from './result';
import { systemClock } from '../clock';
import type { Clock } from '../clock';

/** A licence record as read from the ledger (null: not on it), with the point it was read at. */
export interface LicenceRead {
  readonly record: LicenceRecord | null;
  /** The ledger's height (and last block time) just before the read: the record is at least this recent. */
  readonly point: LedgerPoint;
}

/** Tuning of a RegistryCache. */
export interface RegistryCacheOptions {
  /**
   * Lifetime of licence records, in ms. Default 0: every verification reads the record (concurrent
   * reads of one record still share one ledger read). The gateway sets STATUS_CACHE_TTL_MS.
   */
  readonly licenceTtlMs?: number;
  /** Lifetime of signing keys and rule histories, in ms (0: not kept beyond the read). Default 30 000. */
  readonly ttlMs?: number;
  /** Lifetime of provinces and licence types, in ms. Default 600 000. */
  readonly writeOnceTtlMs?: number;
  /** Most entries kept per kind (keys, provinces, types, rule histories). Default 4096. */
  readonly maxEntries?: number;
  /** The clock the TTLs are measured by (default the system clock; tests move their own). */
  readonly clock?: Clock;
}

/** Counters of one kind of entry. */
export interface SlotStats {
  /** Answered from the cache. */
  readonly hits: number;
  /** Answered by a ledger read this call started. */
  readonly misses: number;
  /** Answered by joining a ledger read another call had started. */
  readonly joined: number;
  readonly size: number;
}

/** Counters per kind of entry. */
export interface RegistryCacheStats {
  readonly licences: SlotStats;
  readonly keys: SlotStats;
  readonly provinces: SlotStats;
  readonly types: SlotStats;
  readonly rules: SlotStats;
}

export const DEFAULT_REGISTRY_TTL_MS = 30_000;
export const DEFAULT_WRITE_ONCE_TTL_MS = 600_000;
export const DEFAULT_REGISTRY_MAX_ENTRIES = 4096;

/** Entries of one kind: TTL, size bound and shared in-flight reads. */
class Slot<V> {
  private readonly values: Lru<string, { value: V; readAt: number; expiresAt: number }>;
  private readonly pending = new Map<string, Promise<V>>();
  private counts = { hits: 0, misses: 0, joined: 0 };

  constructor(
    private readonly ttlMs: number,
    maxEntries: number,
    private readonly now: () => number,
    /** Whether a read result is worth keeping (false for "not found", which is never kept). */
    private readonly keep: (value: V) => boolean,
  ) {
    this.values = new Lru(maxEntries);
  }

  get(key: string, read: () => Promise<V>): Promise<V> {
    const hit = this.values.get(key);
    if (hit !== undefined) {
      const now = this.now();
      // An entry read "after" now means the clock was set back: its age is unknown, so read again.
      if (hit.readAt <= now && now < hit.expiresAt) {
        this.counts.hits++;
        return Promise.resolve(hit.value);
      }
      this.values.delete(key);
    }
    const flying = this.pending.get(key);
    if (flying !== undefined) {
      this.counts.joined++;
      return flying;
    }
    this.counts.misses++;
    // The entry's age counts from the start of the read: the ledger state is at least that old.
    const startedAt = this.now();
    const promise: Promise<V> = read().then(
      (value) => {
        // An invalidation while the read was in flight removed it from `pending`: the answer may
        // predate the change, so it serves only the calls already waiting and is not kept.
        if (this.pending.get(key) === promise) {
          this.pending.delete(key);
          if (this.ttlMs > 0 && this.keep(value)) {
            this.values.set(key, { value, readAt: startedAt, expiresAt: startedAt + this.ttlMs });
          }
        }
        return value;
      },
      (error: unknown) => {
        if (this.pending.get(key) === promise) this.pending.delete(key);
        throw error;
      },
    );
    this.pending.set(key, promise);
    return promise;
  }

  delete(key: string): void {
    this.values.delete(key);
    this.pending.delete(key);
  }

  deleteWhere(test: (key: string) => boolean): void {
    this.values.deleteWhere(test);
    for (const key of [...this.pending.keys()]) if (test(key)) this.pending.delete(key);
  }

  clear(): void {
    this.values.clear();
    this.pending.clear();
  }

  stats(): SlotStats {
    return { ...this.counts, size: this.values.size };
  }
}

const ruleKey = (recognisingMsp: string, typeCode: string) => `${recognisingMsp}/${typeCode}`;

/** Registry reads through a cache with event-driven invalidation, a TTL, a size bound and shared misses. */
export class RegistryCache {
  private readonly licences: Slot<LicenceRead>;
  private readonly keys: Slot<SigningKey | null>;
  private readonly provinces: Slot<Province | null>;
  private readonly types: Slot<LicenceType | null>;
  private readonly rules: Slot<readonly RecognitionRule[]>;

  constructor(
    private readonly ledger: VerificationLedger,
    options: RegistryCacheOptions = {},
  ) {
    const licenceTtlMs = nonNegative(options.licenceTtlMs ?? 0, 'licenceTtlMs');
    const ttlMs = nonNegative(options.ttlMs ?? DEFAULT_REGISTRY_TTL_MS, 'ttlMs');
    const writeOnceTtlMs = nonNegative(options.writeOnceTtlMs ?? DEFAULT_WRITE_ONCE_TTL_MS, 'writeOnceTtlMs');
    const max = options.maxEntries ?? DEFAULT_REGISTRY_MAX_ENTRIES;
    const clock = options.clock ?? systemClock;
    const now = () => clock().getTime();
    const found = <T>(value: T | null) => value !== null;
    // A licence not on the ledger is not kept, like any other not-found answer.
    this.licences = new Slot(licenceTtlMs, max, now, (read) => read.record !== null);
    this.keys = new Slot<SigningKey | null>(ttlMs, max, now, found);
    this.provinces = new Slot<Province | null>(writeOnceTtlMs, max, now, found);
    this.types = new Slot<LicenceType | null>(writeOnceTtlMs, max, now, found);
    // An empty history is "no rule": not kept, like any other not-found answer.
    this.rules = new Slot(ttlMs, max, now, (history) => history.length > 0);
  }

  /**
   * The licence record `id` and the ledger point it was read at (see
   * RegistryCacheOptions.licenceTtlMs). `pointBefore`, a point the caller read before this call,
   * saves a second height read on a miss: the record read after it is at least that recent.
   */
  licence(id: string, pointBefore?: LedgerPoint): Promise<LicenceRead> {
    return this.licences.get(id, async () => {
      // The height first: the record read after it is at least that recent.
      const point = pointBefore ?? (await this.ledger.chainInfo());
      return { record: only(await this.ledger.readLicence(id), (r) => r.id === id), point };
    });
  }

  /** The signing key `kid`, or null when the ledger has none (the verifier checks the record's kid). */
  signingKey(kid: string): Promise<SigningKey | null> {
    return this.keys.get(kid, () => this.ledger.getSigningKey(kid));
  }

  /** The province `mspId`, or null when it is not a member. */
  province(mspId: string): Promise<Province | null> {
    return this.provinces.get(mspId, async () =>
      only(await this.ledger.getProvince(mspId), (p) => p.mspId === mspId),
    );
  }

  /** The licence type `code`, or null when the catalogue has none. */
  licenceType(code: string): Promise<LicenceType | null> {
    return this.types.get(code, async () =>
      only(await this.ledger.getLicenceType(code), (t) => t.code === code),
    );
  }

  /** Every published version of `recognisingMsp`'s rule for `typeCode` (empty when there is none). */
  ruleHistory(recognisingMsp: string, typeCode: string): Promise<readonly RecognitionRule[]> {
    return this.rules.get(ruleKey(recognisingMsp, typeCode), async () => {
      const all = await this.ledger.getRecognitionRuleHistory(recognisingMsp, typeCode);
      // Only versions of the rule asked for can decide recognition for it.
      return all.filter((r) => r.recognisingMsp === recognisingMsp && r.typeCode === typeCode);
    });
  }

  /** Drops whatever the registry change `item` (from a chaincode event) may have made stale. */
  invalidate(item: EventItem): void {
    switch (item.entity) {
      case 'signingKey':
        this.keys.delete(item.key);
        return;
      case 'province':
        // Bootstrap ('consortium') creates the whole registry at once.
        if (item.key === 'consortium') this.invalidateAll();
        else this.provinces.delete(item.key);
        return;
      case 'licenceType':
        this.types.delete(item.key);
        return;
      case 'recognitionRule': {
        // The chaincode names a rule version `<recognising MSP>/<type code>/<version>`.
        const cut = item.key.lastIndexOf('/');
        const rule = cut > 0 ? item.key.slice(0, cut) : undefined;
        if (rule === undefined || !rule.includes('/')) this.rules.clear();
        else this.rules.delete(rule);
        return;
      }
      case 'licence':
        this.licences.delete(item.key);
        return;
      case 'agency':
      case 'proposal':
        // Not read by verification.
        return;
      default:
        // An entity this gateway does not know yet: dropping everything is always safe.
        this.invalidateAll();
    }
  }

  /** invalidate() for every item of a chaincode event's payload. */
  invalidateEvent(payload: Pick<LedgerEventPayload, 'items'>): void {
    for (const item of payload.items) this.invalidate(item);
  }

  /** Drops every entry and every read in flight (e.g. when the event listener restarts). */
  invalidateAll(): void {
    this.licences.clear();
    this.keys.clear();
    this.provinces.clear();
    this.types.clear();
    this.rules.clear();
  }

  /** Hit, miss and size counters per kind. */
  stats(): RegistryCacheStats {
    return {
      licences: this.licences.stats(),
      keys: this.keys.stats(),
      provinces: this.provinces.stats(),
      types: this.types.stats(),
      rules: this.rules.stats(),
    };
  }
}

function only<T>(value: T | null, matches: (v: T) => boolean): T | null {
  return value !== null && matches(value) ? value : null;
}

function nonNegative(value: number, name: string): number {
  if (!Number.isFinite(value) || value < 0) throw new RangeError(`${name} must be a finite number ≥ 0`);
  return value;
}
