/** The endorsed transaction: its deterministic byte form and its strict decoding. */
import { LicenceError } from '@licence-ledger/domain';
import type { EndorsedTransaction, KeyVersion, ReadRecord } from './types';

/** Version tag of the byte form, so a stored outbox entry is never misread by a later format. */
const FORMAT = 'embedded-ledger/tx/1';

/** The plain data of an endorsed transaction (everything but toBytes). */
export type TransactionData = Omit<EndorsedTransaction, 'toBytes'>;

const byKey = <T extends { key: string }>(a: T, b: T): number => compareKeys(a.key, b.key);

/** Orders keys as LevelDB (and Fabric's state database) does: by their UTF-8 bytes. */
export function compareKeys(a: string, b: string): number {
  return Buffer.compare(Buffer.from(a, 'utf8'), Buffer.from(b, 'utf8'));
}

/** The byte form: properties in a fixed order, arrays already sorted, so equal transactions give equal bytes. */
function encode(t: TransactionData): Buffer {
  const b64 = (b: Buffer) => b.toString('base64');
  const version = (v: KeyVersion | null) => (v ? [v.blockNum, v.txNum] : null);
  const read = (r: ReadRecord) => [r.key, version(r.version)];
  return Buffer.from(
    JSON.stringify({
      format: FORMAT,
      txId: t.txId,
      timestamp: t.timestamp,
      txName: t.txName,
      args: t.args,
      creator: [t.creator.mspId, t.creator.certificatePem],
      nonce: t.nonce,
      endorsers: t.endorsers,
      result: b64(t.result),
      readSet: t.readSet.map(read),
      rangeQueries: t.rangeQueries.map((q) => [q.startKey, q.endKey, q.itrExhausted, q.reads.map(read)]),
      writeSet: t.writeSet.map((w) => [w.key, w.isDelete, b64(w.value)]),
      metadataWrites: t.metadataWrites.map((m) => [m.key, m.entries.map((e) => [e.name, b64(e.value)])]),
      event: t.event ? [t.event.name, b64(t.event.payload)] : null,
    }),
    'utf8',
  );
}

/** Builds an endorsed transaction from its data. */
export function newTransaction(d: TransactionData): EndorsedTransaction {
  // Copies and sorts what a caller could otherwise mutate or order differently.
  const data: TransactionData = {
    txId: d.txId,
    timestamp: d.timestamp,
    txName: d.txName,
    args: [...d.args],
    creatorMsp: d.creatorMsp,
    creator: { mspId: d.creator.mspId, certificatePem: d.creator.certificatePem },
    nonce: d.nonce,
    endorsers: [...d.endorsers],
    result: d.result,
    readSet: [...d.readSet].sort(byKey),
    rangeQueries: d.rangeQueries,
    writeSet: [...d.writeSet].sort(byKey),
    metadataWrites: [...d.metadataWrites].sort(byKey),
    ...(d.event ? { event: d.event } : {}),
  };
  // toBytes is not enumerable, so spreading a transaction gives its plain data.
  return Object.defineProperty({ ...data }, 'toBytes', { value: () => encode(data) }) as EndorsedTransaction;
}

/** Thrown by the decoders below; turned into one INVALID_ARGUMENT error by transactionFromBytes. */
class Malformed extends Error {}

const str = (v: unknown): string => {
  if (typeof v !== 'string') throw new Malformed('expected a string');
  return v;
};
const bool = (v: unknown): boolean => {
  if (typeof v !== 'boolean') throw new Malformed('expected a boolean');
  return v;
};
const arr = (v: unknown): unknown[] => {
  if (!Array.isArray(v)) throw new Malformed('expected an array');
  return v as unknown[];
};
const uint = (v: unknown): number => {
  if (typeof v !== 'number' || !Number.isSafeInteger(v) || v < 0) throw new Malformed('expected a count');
  return v;
};
const bytes = (v: unknown): Buffer => {
  const s = str(v);
  if (!/^[A-Za-z0-9+/]*={0,2}$/.test(s)) throw new Malformed('expected base64');
  return Buffer.from(s, 'base64');
};
const tuple = (v: unknown, n: number): unknown[] => {
  const a = arr(v);
  if (a.length !== n) throw new Malformed(`expected ${n} items`);
  return a;
};
const decodeVersion = (v: unknown): KeyVersion | null => {
  if (v === null) return null;
  const [b, t] = tuple(v, 2);
  return { blockNum: uint(b), txNum: uint(t) };
};
const decodeRead = (v: unknown): ReadRecord => {
  const [key, version] = tuple(v, 2);
  return { key: str(key), version: decodeVersion(version) };
};

/** Restores a transaction from toBytes() output; throws LicenceError INVALID_ARGUMENT when malformed. */
export function transactionFromBytes(input: Uint8Array): EndorsedTransaction {
  try {
    const o: unknown = JSON.parse(Buffer.from(input).toString('utf8'));
    if (typeof o !== 'object' || o === null || Array.isArray(o)) throw new Malformed('expected an object');
    const r = o as Record<string, unknown>;
    if (r.format !== FORMAT) throw new Malformed('unknown format');
    const [mspId, certificatePem] = tuple(r.creator, 2).map(str);
    const event = r.event === null ? undefined : tuple(r.event, 2);
    return newTransaction({
      txId: str(r.txId),
      timestamp: str(r.timestamp),
      txName: str(r.txName),
      args: arr(r.args).map(str),
      creatorMsp: str(mspId),
      creator: { mspId: str(mspId), certificatePem: str(certificatePem) },
      nonce: str(r.nonce),
      endorsers: arr(r.endorsers).map(str),
      result: bytes(r.result),
      readSet: arr(r.readSet).map(decodeRead),
      rangeQueries: arr(r.rangeQueries).map((q) => {
        const [startKey, endKey, exhausted, reads] = tuple(q, 4);
        return {
          startKey: str(startKey),
          endKey: str(endKey),
          itrExhausted: bool(exhausted),
          reads: arr(reads).map(decodeRead),
        };
      }),
      writeSet: arr(r.writeSet).map((w) => {
        const [key, isDelete, value] = tuple(w, 3);
        return { key: str(key), isDelete: bool(isDelete), value: bytes(value) };
      }),
      metadataWrites: arr(r.metadataWrites).map((m) => {
        const [key, entries] = tuple(m, 2);
        return {
          key: str(key),
          entries: arr(entries).map((e) => {
            const [name, value] = tuple(e, 2);
            return { name: str(name), value: bytes(value) };
          }),
        };
      }),
      ...(event ? { event: { name: str(event[0]), payload: bytes(event[1]) } } : {}),
    });
  } catch (err) {
    if (err instanceof Malformed || err instanceof SyntaxError) {
      throw new LicenceError('INVALID_ARGUMENT', `not an endorsed transaction: ${err.message}`);
    }
    throw err;
  }
}
