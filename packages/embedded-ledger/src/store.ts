/**
 * The on-disk layout. One LevelDB database, one prefix per kind of record, values as JSON text:
 *   s:<key>                      committed state: value, version, metadata
 *   h:<sha256(key)>:<block>:<tx> history of a key, in commit order
 *   b:<block>                    block: header and every transaction with its validation code
 *   x:<txId>                     where a transaction ID was first committed
 *   m:height / m:config          ledger height and the channel it belongs to
 * A block's records are written with one atomic, synced batch.
 */
import { createHash } from 'node:crypto';
import { ClassicLevel } from 'classic-level';
import type { KeyVersion, ValidationCode } from './types';

/** A read-only point-in-time view of the database. */
export type Snapshot = ReturnType<ClassicLevel<string, string>['snapshot']>;

/** A key's committed value with its version and metadata (e.g. VALIDATION_PARAMETER). */
export interface StateRecord {
  value: Buffer;
  version: KeyVersion;
  metadata: Record<string, Buffer>;
}

/** One entry of a key's history. */
export interface HistoryRecord {
  txId: string;
  /** ISO-8601 transaction timestamp. */
  timestamp: string;
  isDelete: boolean;
  value: Buffer;
}

/** One transaction as stored inside a block. */
export interface BlockTxRecord {
  code: ValidationCode;
  /** Base64 of EndorsedTransaction.toBytes(). */
  tx: string;
}

/** A block as stored. */
export interface BlockRecord {
  number: number;
  previousHash: string;
  dataHash: string;
  /** ISO-8601 time the block was cut. */
  time: string;
  txs: BlockTxRecord[];
}

/** Where a transaction ID was committed. */
export interface TxIndexRecord {
  blockNumber: number;
  txNum: number;
  code: ValidationCode;
}

/** What the ledger was created for; checked on every open. */
export interface LedgerConfig {
  channelId: string;
  chaincodeName: string;
}

/** A single write of the block batch. */
export type StoreOp = { type: 'put'; key: string; value: string } | { type: 'del'; key: string };

const PAD_BLOCK = 16;
const PAD_TX = 8;
const pad = (n: number, w: number) => n.toString().padStart(w, '0');

/** Builds the database keys; the one place that knows the layout. */
export const dbKey = {
  state: (key: string) => `s:${key}`,
  history: (key: string, v: KeyVersion) =>
    `${historyPrefix(key)}${pad(v.blockNum, PAD_BLOCK)}:${pad(v.txNum, PAD_TX)}`,
  block: (n: number) => `b:${pad(n, PAD_BLOCK)}`,
  tx: (txId: string) => `x:${txId}`,
  height: 'm:height',
  config: 'm:config',
};

// Hashing the key gives every key's history a fixed-length prefix that no other key's prefix can extend.
const historyPrefix = (key: string) => `h:${createHash('sha256').update(key, 'utf8').digest('hex')}:`;
const STATE_PREFIX = 's:';
const STATE_END = 's;'; // ';' follows ':' so this bounds every state key

interface StoredState {
  v: string;
  b: number;
  t: number;
  m?: Record<string, string>;
}

/** Encodes a state record for storage. */
export function encodeState(r: StateRecord): string {
  const stored: StoredState = { v: r.value.toString('base64'), b: r.version.blockNum, t: r.version.txNum };
  const names = Object.keys(r.metadata).sort();
  if (names.length > 0) {
    stored.m = {};
    for (const name of names) stored.m[name] = (r.metadata[name] as Buffer).toString('base64');
  }
  return JSON.stringify(stored);
}

function decodeState(text: string): StateRecord {
  const s = JSON.parse(text) as StoredState;
  const metadata: Record<string, Buffer> = {};
  for (const [name, value] of Object.entries(s.m ?? {})) metadata[name] = Buffer.from(value, 'base64');
  return { value: Buffer.from(s.v, 'base64'), version: { blockNum: s.b, txNum: s.t }, metadata };
}

/** Encodes a history entry for storage. */
export function encodeHistory(h: HistoryRecord): string {
  return JSON.stringify({ txId: h.txId, ts: h.timestamp, del: h.isDelete, v: h.value.toString('base64') });
}

function decodeHistory(text: string): HistoryRecord {
  const h = JSON.parse(text) as { txId: string; ts: string; del: boolean; v: string };
  return { txId: h.txId, timestamp: h.ts, isDelete: h.del, value: Buffer.from(h.v, 'base64') };
}

/** Typed access to the ledger database. */
export class Store {
  private constructor(private readonly db: ClassicLevel<string, string>) {}

  /** Opens (creating if missing) the database in `path`. */
  static async open(path: string): Promise<Store> {
    const db = new ClassicLevel<string, string>(path, { keyEncoding: 'utf8', valueEncoding: 'utf8' });
    await db.open({ createIfMissing: true });
    return new Store(db);
  }

  /** A consistent view for one simulation; close it when done. */
  snapshot(): Snapshot {
    return this.db.snapshot();
  }

  /** The committed state of `key`, or undefined when absent. */
  async getState(key: string, snapshot?: Snapshot): Promise<StateRecord | undefined> {
    const text = await this.db.get(dbKey.state(key), snapshot ? { snapshot } : {});
    return text === undefined ? undefined : decodeState(text);
  }

  /**
   * Committed keys from `startKey` up to `endKey` ('' = no bound), in key order.
   * The end is exclusive unless `inclusiveEnd` (used to re-run a range that was not read to its end).
   */
  async *range(
    startKey: string,
    endKey: string,
    opts: { snapshot?: Snapshot; inclusiveEnd?: boolean } = {},
  ): AsyncGenerator<[string, StateRecord]> {
    const upper =
      endKey === ''
        ? { lt: STATE_END }
        : opts.inclusiveEnd
          ? { lte: dbKey.state(endKey) }
          : { lt: dbKey.state(endKey) };
    const it = this.db.iterator({
      gte: dbKey.state(startKey),
      ...upper,
      ...(opts.snapshot ? { snapshot: opts.snapshot } : {}),
    });
    try {
      for await (const [k, v] of it) yield [k.slice(STATE_PREFIX.length), decodeState(v)];
    } finally {
      await it.close();
    }
  }

  /** A key's history, newest first (Fabric v2 order). */
  async history(key: string, snapshot?: Snapshot): Promise<HistoryRecord[]> {
    const prefix = historyPrefix(key);
    const it = this.db.iterator({
      gte: prefix,
      lt: `${prefix}~`,
      reverse: true,
      ...(snapshot ? { snapshot } : {}),
    });
    try {
      const out: HistoryRecord[] = [];
      for await (const [, v] of it) out.push(decodeHistory(v));
      return out;
    } finally {
      await it.close();
    }
  }

  /** Block `n`, or undefined when not (yet) written. */
  async block(n: number): Promise<BlockRecord | undefined> {
    const text = await this.db.get(dbKey.block(n));
    return text === undefined ? undefined : (JSON.parse(text) as BlockRecord);
  }

  /** Where `txId` was first committed. */
  async txIndex(txId: string): Promise<TxIndexRecord | undefined> {
    const text = await this.db.get(dbKey.tx(txId));
    return text === undefined ? undefined : (JSON.parse(text) as TxIndexRecord);
  }

  /** Number of blocks written (0 for a new store). */
  async height(): Promise<number> {
    const text = await this.db.get(dbKey.height);
    return text === undefined ? 0 : Number(text);
  }

  /** The configuration the ledger was created with, if any. */
  async config(): Promise<LedgerConfig | undefined> {
    const text = await this.db.get(dbKey.config);
    return text === undefined ? undefined : (JSON.parse(text) as LedgerConfig);
  }

  /** Writes all `ops` atomically and waits for them to reach the disk. */
  async writeBatch(ops: StoreOp[]): Promise<void> {
    await this.db.batch(ops, { sync: true });
  }

  /** Closes the database (open snapshots and iterators are closed with it). */
  async close(): Promise<void> {
    await this.db.close();
  }
}
