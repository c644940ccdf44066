/**
 * Validates the transactions of one block in order, as a Fabric peer's committer does, and
 * collects the writes of the valid ones. Checks, in Fabric's order: well-formedness, duplicate
 * transaction ID, endorsement policy (key-level where a key carries a committed validation
 * parameter, else the chaincode's MAJORITY), MVCC read versions, then range re-execution (phantoms).
 */
import { computeTxId } from './identity';
import { decodeSignaturePolicy, majorityPolicy, type SignaturePolicy } from './policy';
import { compareKeys } from './transaction';
import type { Store, StateRecord } from './store';
import type { EndorsedTransaction, KeyVersion, RangeQueryRecord, ValidationCode } from './types';

/** The metadata entry holding a key's endorsement policy (fabric-shim's validationParameterMetakey). */
export const VALIDATION_PARAMETER = 'VALIDATION_PARAMETER';

/** A state change of a valid transaction: a record, or null for a delete. */
export interface KeyUpdate {
  key: string;
  record: StateRecord | null;
}

/** One valid write, for the key's history. */
export interface HistoryUpdate {
  key: string;
  version: KeyVersion;
  txId: string;
  timestamp: string;
  isDelete: boolean;
  value: Buffer;
}

const sameVersion = (a: KeyVersion | null, b: KeyVersion | null): boolean =>
  a === null || b === null ? a === b : a.blockNum === b.blockNum && a.txNum === b.txNum;

/** Validates and applies the transactions of one block, in order. */
export class BlockValidator {
  /** State as left by the valid transactions of this block so far (null: deleted). */
  private readonly updates = new Map<string, StateRecord | null>();
  private readonly policyUpdatedKeys = new Set<string>();
  private readonly txIds = new Set<string>();
  readonly history: HistoryUpdate[] = [];
  private readonly chaincodePolicy: SignaturePolicy;
  private readonly memberSet: ReadonlySet<string>;

  constructor(
    private readonly store: Store,
    readonly blockNum: number,
    members: readonly string[],
  ) {
    this.chaincodePolicy = majorityPolicy(members);
    this.memberSet = new Set(members);
  }

  /** The final state changes of the block, one per key. */
  stateUpdates(): KeyUpdate[] {
    return [...this.updates].map(([key, record]) => ({ key, record }));
  }

  /** Validates `tx` as transaction number `txNum` and, when valid, applies its writes. */
  async validateAndApply(tx: EndorsedTransaction, txNum: number): Promise<ValidationCode> {
    const code = await this.validate(tx);
    // Every transaction ID in a block is remembered, so a later copy in the same block is a duplicate.
    this.txIds.add(tx.txId);
    if (code === 'VALID') await this.apply(tx, { blockNum: this.blockNum, txNum });
    return code;
  }

  private async validate(tx: EndorsedTransaction): Promise<ValidationCode> {
    if (!this.wellFormed(tx)) return 'BAD_PAYLOAD';
    if (this.txIds.has(tx.txId) || (await this.store.txIndex(tx.txId))) return 'DUPLICATE_TXID';
    if (!(await this.endorsementSatisfied(tx))) return 'ENDORSEMENT_POLICY_FAILURE';
    for (const read of tx.readSet) {
      const current = await this.current(read.key);
      if (!sameVersion(read.version, current ? current.version : null)) return 'MVCC_READ_CONFLICT';
    }
    for (const range of tx.rangeQueries) {
      if (!(await this.rangeUnchanged(range))) return 'PHANTOM_READ_CONFLICT';
    }
    return 'VALID';
  }

  private wellFormed(tx: EndorsedTransaction): boolean {
    if (!this.memberSet.has(tx.creator.mspId) || tx.creator.mspId !== tx.creatorMsp) return false;
    if (Number.isNaN(Date.parse(tx.timestamp))) return false;
    if (tx.nonce === '') return /^[0-9a-f]{64}$/.test(tx.txId);
    // Fabric rejects a transaction whose ID is not bound to its nonce and creator.
    return computeTxId(Buffer.from(tx.nonce, 'base64'), tx.creator) === tx.txId;
  }

  /**
   * Every written key (value or metadata) must satisfy its committed key-level policy; keys without
   * one, or a transaction that writes nothing, need the chaincode-level policy.
   */
  private async endorsementSatisfied(tx: EndorsedTransaction): Promise<boolean> {
    const endorsers = tx.endorsers.filter((o) => this.memberSet.has(o));
    const keys = new Set([...tx.writeSet.map((w) => w.key), ...tx.metadataWrites.map((m) => m.key)]);
    let needChaincodePolicy = keys.size === 0;
    for (const key of keys) {
      // Fabric invalidates a write to a key whose policy an earlier valid transaction of the same block changed.
      if (this.policyUpdatedKeys.has(key)) return false;
      const committed = await this.store.getState(key);
      const parameter = committed?.metadata[VALIDATION_PARAMETER];
      if (parameter && parameter.length > 0) {
        if (!decodeSignaturePolicy(parameter).evaluate(endorsers)) return false;
      } else {
        needChaincodePolicy = true;
      }
    }
    return !needChaincodePolicy || this.chaincodePolicy.evaluate(endorsers);
  }

  private async current(key: string): Promise<StateRecord | undefined> {
    if (this.updates.has(key)) return this.updates.get(key) ?? undefined;
    return this.store.getState(key);
  }

  /** Re-runs a recorded range over committed state plus this block's earlier writes. */
  private async rangeUnchanged(range: RangeQueryRecord): Promise<boolean> {
    const inclusiveEnd = !range.itrExhausted;
    const found = new Map<string, KeyVersion>();
    for await (const [key, record] of this.store.range(range.startKey, range.endKey, { inclusiveEnd })) {
      found.set(key, record.version);
    }
    const inRange = (key: string) =>
      compareKeys(key, range.startKey) >= 0 &&
      (range.endKey === '' ||
        (inclusiveEnd ? compareKeys(key, range.endKey) <= 0 : compareKeys(key, range.endKey) < 0));
    for (const [key, record] of this.updates) {
      if (!inRange(key)) continue;
      if (record) found.set(key, record.version);
      else found.delete(key);
    }
    const now = [...found].sort(([a], [b]) => compareKeys(a, b));
    if (now.length !== range.reads.length) return false;
    return now.every(([key, version], i) => {
      const read = range.reads[i];
      return read !== undefined && read.key === key && sameVersion(read.version, version);
    });
  }

  private async apply(tx: EndorsedTransaction, version: KeyVersion): Promise<void> {
    const metadataWrites = new Map(tx.metadataWrites.map((m) => [m.key, m]));
    for (const w of tx.writeSet) {
      this.history.push({
        key: w.key,
        version,
        txId: tx.txId,
        timestamp: tx.timestamp,
        isDelete: w.isDelete,
        value: w.value,
      });
      if (w.isDelete) {
        // A delete removes the value and its metadata; a metadata write in the same transaction is void.
        this.updates.set(w.key, null);
        metadataWrites.delete(w.key);
        continue;
      }
      const m = metadataWrites.get(w.key);
      metadataWrites.delete(w.key);
      // A value write without a metadata write keeps the key's metadata (and so its endorsement policy).
      const metadata = m ? toMetadata(m.entries) : ((await this.current(w.key))?.metadata ?? {});
      if (m) this.policyUpdatedKeys.add(w.key);
      this.updates.set(w.key, { value: w.value, version, metadata });
    }
    for (const m of metadataWrites.values()) {
      const existing = await this.current(m.key);
      // Fabric drops a metadata update for a key that does not exist.
      if (!existing) continue;
      this.policyUpdatedKeys.add(m.key);
      this.updates.set(m.key, { value: existing.value, version, metadata: toMetadata(m.entries) });
    }
  }
}

function toMetadata(entries: readonly { name: string; value: Buffer }[]): Record<string, Buffer> {
  const out: Record<string, Buffer> = {};
  for (const e of entries) out[e.name] = e.value;
  return out;
}
