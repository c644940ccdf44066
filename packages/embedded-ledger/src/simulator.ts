/**
 * The peer side of the chaincode protocol for one transaction simulation. fabric-shim's own
 * ChaincodeStub calls these `handle*` methods (exactly the calls its gRPC Handler would send to a
 * peer), so the stub, its iterators and its validation are the shim's; only the ledger is ours.
 *
 * Like a Fabric peer's transaction simulator it reads committed state only (a transaction never
 * sees its own writes), records the version of every key read and every range scanned, keeps the
 * last write per key, and refuses writes and paginated queries in the same transaction.
 */
import { ledger, peer } from '@hyperledger/fabric-protos';
import { Timestamp } from 'google-protobuf/google/protobuf/timestamp_pb';
import { HistoryQueryIterator, StateQueryIterator } from 'fabric-shim/lib/iterators';
import type { Snapshot, StateRecord, Store } from './store';
import type { KeyVersion, MetadataWriteRecord, RangeQueryRecord, ReadRecord, WriteRecord } from './types';

/** Results per QueryResponse, like the peer's default maxResultLimit. */
const BATCH_SIZE = 100;
/** Most results one unpaginated range query returns, like the peer's default totalQueryLimit. */
const TOTAL_QUERY_LIMIT = 100_000;

/** The read/write sets a simulation produced. */
export interface SimulationSets {
  readSet: ReadRecord[];
  rangeQueries: RangeQueryRecord[];
  writeSet: WriteRecord[];
  metadataWrites: MetadataWriteRecord[];
}

interface OpenQuery {
  next(): Promise<peer.QueryResponse>;
  close(): Promise<void>;
}

function notSupported(what: string): never {
  throw new Error(`${what} is not supported by the embedded ledger`);
}

function publicOnly(collection: string): void {
  if (collection !== '') notSupported('private data');
}

function checkKey(key: string): void {
  if (typeof key !== 'string' || key === '') throw new Error('key must not be an empty string');
  if (Buffer.from(key, 'utf8').toString('utf8') !== key)
    throw new Error(`invalid key [${JSON.stringify(key)}]: not valid UTF-8`);
}

function timestampOf(iso: string): Timestamp {
  return Timestamp.fromDate(new Date(iso));
}

function queryResponse(
  id: string,
  results: Uint8Array[],
  hasMore: boolean,
  metadata?: peer.QueryResponseMetadata,
) {
  const response = new peer.QueryResponse();
  response.setId(id);
  response.setHasMore(hasMore);
  response.setResultsList(
    results.map((bytes) => {
      const qrb = new peer.QueryResultBytes();
      qrb.setResultbytes(bytes);
      return qrb;
    }),
  );
  if (metadata) response.setMetadata(metadata.serializeBinary());
  return response;
}

/** Peer-side handler for one simulation; pass it to the shim's ChaincodeStub. */
export class TxSimulator {
  private readonly reads = new Map<string, KeyVersion | null>();
  private readonly writes = new Map<string, WriteRecord>();
  private readonly metadata = new Map<string, MetadataWriteRecord>();
  private readonly ranges: RangeQueryRecord[] = [];
  private readonly queries = new Map<string, OpenQuery>();
  private queryCounter = 0;
  private writePerformed = false;
  private paginatedQueryPerformed = false;
  private finished = false;

  constructor(
    private readonly store: Store,
    private readonly snapshot: Snapshot,
    private readonly namespace: string,
    private readonly txId: string,
  ) {}

  /** Ends the simulation: closes open queries and returns what was read and written. */
  async finish(): Promise<SimulationSets> {
    this.finished = true;
    await Promise.all([...this.queries.values()].map((q) => q.close()));
    this.queries.clear();
    return {
      readSet: [...this.reads].map(([key, version]) => ({ key, version })),
      rangeQueries: this.ranges.map((r) => ({ ...r, reads: [...r.reads] })),
      writeSet: [...this.writes.values()],
      metadataWrites: [...this.metadata.values()],
    };
  }

  private live(): void {
    if (this.finished)
      throw new Error(`transaction ${this.txId} has completed; no further ledger calls are allowed`);
  }

  private async read(key: string): Promise<StateRecord | undefined> {
    this.live();
    const record = await this.store.getState(key, this.snapshot);
    // Fabric keeps the version of the first read of a key.
    if (!this.reads.has(key)) this.reads.set(key, record ? record.version : null);
    return record;
  }

  private beforeWrite(key: string): void {
    this.live();
    checkKey(key);
    if (this.paginatedQueryPerformed) {
      throw new Error(
        `txid [${this.txId}]: transaction has already performed a paginated query; writes are not allowed`,
      );
    }
    this.writePerformed = true;
  }

  async handleGetState(collection: string, key: string): Promise<Buffer> {
    publicOnly(collection);
    const record = await this.read(key);
    return record ? Buffer.from(record.value) : Buffer.alloc(0);
  }

  handlePutState(collection: string, key: string, value: Uint8Array): Promise<Buffer> {
    publicOnly(collection);
    this.beforeWrite(key);
    const bytes = Buffer.from(value ?? []);
    // As in Fabric's read-write set builder, an empty value is a delete.
    this.writes.set(key, { key, isDelete: bytes.length === 0, value: bytes });
    return Promise.resolve(Buffer.alloc(0));
  }

  handleDeleteState(collection: string, key: string): Promise<Buffer> {
    publicOnly(collection);
    this.beforeWrite(key);
    this.writes.set(key, { key, isDelete: true, value: Buffer.alloc(0) });
    return Promise.resolve(Buffer.alloc(0));
  }

  handlePurgeState(): Promise<Buffer> {
    notSupported('private data');
  }

  handleGetPrivateDataHash(): Promise<Buffer> {
    notSupported('private data');
  }

  handlePutStateMetadata(
    collection: string,
    key: string,
    metakey: string,
    value: Uint8Array,
  ): Promise<Buffer> {
    publicOnly(collection);
    this.beforeWrite(key);
    // Fabric's PutStateMetadata replaces the key's whole metadata map with this one entry.
    this.metadata.set(key, { key, entries: [{ name: metakey, value: Buffer.from(value ?? []) }] });
    return Promise.resolve(Buffer.alloc(0));
  }

  async handleGetStateMetadata(collection: string, key: string): Promise<Record<string, Buffer>> {
    publicOnly(collection);
    const record = await this.read(key);
    return record ? { ...record.metadata } : {};
  }

  async handleGetStateByRange(
    collection: string,
    startKey: string,
    endKey: string,
    _channelId: string,
    _txId: string,
    metadata?: Uint8Array,
  ): Promise<{ iterator: StateQueryIterator; metadata?: { bookmark: string; fetchedRecordsCount: number } }> {
    publicOnly(collection);
    this.live();
    const id = `${this.txId}-${++this.queryCounter}`;
    const paging = metadata ? peer.QueryMetadata.deserializeBinary(metadata) : undefined;
    if (paging) {
      if (this.writePerformed) {
        throw new Error(
          `txid [${this.txId}]: paginated queries are not supported in a transaction that performs writes`,
        );
      }
      this.paginatedQueryPerformed = true;
      const pageSize = paging.getPagesize();
      if (!Number.isInteger(pageSize) || pageSize <= 0)
        throw new Error('pageSize must be a positive integer');
      const bookmark = paging.getBookmark();
      const page = await this.readPage(bookmark === '' ? startKey : bookmark, endKey, pageSize);
      const meta = new peer.QueryResponseMetadata();
      meta.setBookmark(page.bookmark);
      meta.setFetchedRecordsCount(page.results.length);
      const response = queryResponse(id, page.results, false, meta);
      return {
        iterator: new StateQueryIterator(this, '', this.txId, response),
        metadata: { bookmark: page.bookmark, fetchedRecordsCount: page.results.length },
      };
    }
    const query = this.openRange(startKey, endKey);
    this.queries.set(id, query);
    const first = await query.next();
    first.setId(id);
    return { iterator: new StateQueryIterator(this, '', this.txId, first) };
  }

  async handleQueryStateNext(id: string): Promise<peer.QueryResponse> {
    this.live();
    const query = this.queries.get(id);
    if (!query) throw new Error(`query iterator ${id} not found`);
    const response = await query.next();
    response.setId(id);
    return response;
  }

  async handleQueryStateClose(id: string): Promise<peer.QueryResponse> {
    const query = this.queries.get(id);
    this.queries.delete(id);
    if (query) await query.close();
    return queryResponse(id, [], false);
  }

  handleGetQueryResult(): Promise<never> {
    // A Fabric peer whose state database is LevelDB refuses rich queries the same way.
    notSupported('getQueryResult (rich queries need CouchDB)');
  }

  async handleGetHistoryForKey(key: string): Promise<HistoryQueryIterator> {
    this.live();
    const id = `${this.txId}-${++this.queryCounter}`;
    // History is not part of the read set: Fabric does not validate history reads.
    const entries = (await this.store.history(key, this.snapshot)).map((h) => {
      const km = new ledger.queryresult.KeyModification();
      km.setTxId(h.txId);
      km.setValue(h.value);
      km.setTimestamp(timestampOf(h.timestamp));
      km.setIsDelete(h.isDelete);
      return km.serializeBinary();
    });
    let offset = 0;
    const next = () => {
      const batch = entries.slice(offset, offset + BATCH_SIZE);
      offset += batch.length;
      return Promise.resolve(queryResponse(id, batch, offset < entries.length));
    };
    this.queries.set(id, { next, close: () => Promise.resolve() });
    return new HistoryQueryIterator(this, '', this.txId, await next());
  }

  handleInvokeChaincode(): Promise<never> {
    notSupported('invokeChaincode');
  }

  private kv(key: string, record: StateRecord): Uint8Array {
    const kv = new ledger.queryresult.KV();
    kv.setNamespace(this.namespace);
    kv.setKey(key);
    kv.setValue(record.value);
    return kv.serializeBinary();
  }

  /** Starts a range scan that records every key it reads, for phantom detection at validation. */
  private scan(startKey: string, endKey: string) {
    const record: RangeQueryRecord = { startKey, endKey, itrExhausted: false, reads: [] };
    this.ranges.push(record);
    const source = this.store.range(startKey, endKey, { snapshot: this.snapshot });
    const pull = async (): Promise<[string, StateRecord] | undefined> => {
      const n = await source.next();
      if (n.done) {
        record.itrExhausted = true;
        record.endKey = endKey;
        return undefined;
      }
      const [key, state] = n.value;
      record.reads.push({ key, version: state.version });
      // Until the scan is exhausted, the range known to have been read ends at the last key seen.
      record.endKey = key;
      return n.value;
    };
    const peekKey = async (): Promise<string> => {
      const n = await source.next();
      return n.done ? '' : n.value[0];
    };
    const close = async () => {
      await source.return(undefined);
    };
    return { pull, peekKey, close };
  }

  private async readPage(startKey: string, endKey: string, pageSize: number) {
    const scan = this.scan(startKey, endKey);
    try {
      const results: Uint8Array[] = [];
      while (results.length < pageSize) {
        const item = await scan.pull();
        if (!item) return { results, bookmark: '' };
        results.push(this.kv(...item));
      }
      // Fabric's bookmark is the key the next page starts from, or '' when nothing is left.
      return { results, bookmark: await scan.peekKey() };
    } finally {
      await scan.close();
    }
  }

  private openRange(startKey: string, endKey: string): OpenQuery {
    const scan = this.scan(startKey, endKey);
    let lookahead: [string, StateRecord] | undefined;
    let returned = 0;
    const next = async () => {
      const batch: [string, StateRecord][] = [];
      if (lookahead) batch.push(lookahead);
      lookahead = undefined;
      while (batch.length < BATCH_SIZE && returned + batch.length < TOTAL_QUERY_LIMIT) {
        const item = await scan.pull();
        if (!item) break;
        batch.push(item);
      }
      returned += batch.length;
      // Like the peer, only announce more results when one is known to exist, so the shim's
      // iterator never receives an empty follow-up batch.
      if (batch.length === BATCH_SIZE && returned < TOTAL_QUERY_LIMIT) lookahead = await scan.pull();
      return queryResponse(
        '',
        batch.map((item) => this.kv(...item)),
        lookahead !== undefined,
      );
    };
    return { next, close: scan.close };
  }
}
