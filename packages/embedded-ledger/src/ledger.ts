/** The embedded ledger: endorse (simulate), order into blocks, validate and commit, replay events. */
import { createHash, randomBytes, X509Certificate } from 'node:crypto';
import { mkdir } from 'node:fs/promises';
import { LicenceError, type ErrorCode } from '@licence-ledger/domain';
import { BlockCutter } from './block-cutter';
import { Chaincode } from './chaincode';
import { computeTxId, serializeIdentity } from './identity';
import { dbKey, encodeHistory, encodeState, Store, type BlockRecord, type StoreOp } from './store';
import { newTransaction, transactionFromBytes } from './transaction';
import { BlockValidator } from './validator';
import type {
  ChaincodeEventRecord,
  ChaincodeEventStream,
  CommitResult,
  EmbeddedLedgerOptions,
  EndorsedTransaction,
  LedgerIdentity,
  Proposal,
  ValidationCode,
} from './types';

const DEFAULT_MAX_TX_PER_BLOCK = 100;
const NONCE_BYTES = 24;

interface PendingCommit {
  tx: EndorsedTransaction;
  bytes: Buffer;
  resolve(result: CommitResult): void;
  reject(error: unknown): void;
}

/** The LicenceError code a client sees for a transaction that was ordered but not valid. */
const INVALID_TX_ERROR: Record<Exclude<ValidationCode, 'VALID'>, ErrorCode> = {
  MVCC_READ_CONFLICT: 'MVCC_READ_CONFLICT',
  PHANTOM_READ_CONFLICT: 'MVCC_READ_CONFLICT',
  ENDORSEMENT_POLICY_FAILURE: 'ENDORSEMENT_POLICY_FAILURE',
  DUPLICATE_TXID: 'CONFLICT',
  BAD_PAYLOAD: 'INVALID_ARGUMENT',
};

/** Chaincode errors carry a wire-form LicenceError when the chaincode threw one; anything else is INTERNAL. */
function chaincodeError(message: string): LicenceError {
  return (
    LicenceError.fromWire(message) ?? new LicenceError('INTERNAL', message || 'chaincode returned an error')
  );
}

function blockHash(b: Pick<BlockRecord, 'number' | 'previousHash' | 'dataHash'>): string {
  return createHash('sha256').update(`${b.number}:${b.previousHash}:${b.dataHash}`).digest('hex');
}

function checkOptions(opts: EmbeddedLedgerOptions): void {
  const bad = (what: string) => new LicenceError('INVALID_ARGUMENT', `embedded ledger: ${what}`);
  if (!opts.path) throw bad('path is required');
  if (!opts.channelId) throw bad('channelId is required');
  if (!opts.chaincodeName) throw bad('chaincodeName is required');
  if (opts.contracts.length === 0) throw bad('at least one contract class is required');
  if (opts.members.length === 0 || opts.members.some((m) => !m))
    throw bad('members must be non-empty MSP IDs');
  const max = opts.maxTxPerBlock ?? DEFAULT_MAX_TX_PER_BLOCK;
  if (!Number.isInteger(max) || max < 1) throw bad('maxTxPerBlock must be a positive integer');
  const timeout = opts.batchTimeoutMs ?? 0;
  if (!Number.isFinite(timeout) || timeout < 0) throw bad('batchTimeoutMs must be zero or more');
}

/** What is known about a creator certificate, independent of the proposal time. */
type CreatorVerdict = 'unparseable' | { chained: boolean; notBefore: number; notAfter: number };
/** Bound on remembered creator certificates (a gateway uses a handful). */
const MAX_CACHED_CREATORS = 1024;

/** An in-process ledger with Hyperledger Fabric's transaction semantics, persisted in LevelDB. */
export class EmbeddedLedger {
  private readonly cutter: BlockCutter<PendingCommit>;
  private readonly members: readonly string[];
  /** Verdicts on creator certificates already seen (see creatorVerdict). */
  private readonly creators = new Map<string, CreatorVerdict>();
  /** Trust anchors per MSP ID, when the creator's certificate chain is checked. */
  private readonly roots: ReadonlyMap<string, readonly X509Certificate[]> | undefined;
  private readonly blockListeners = new Set<() => void>();
  private readonly streams = new Set<{ close(): void }>();
  /** Simulations under way; close() waits for them so none reads a closed store. */
  private readonly simulations = new Set<Promise<unknown>>();
  private closed = false;

  private constructor(
    private readonly store: Store,
    private readonly chaincode: Chaincode,
    opts: EmbeddedLedgerOptions,
    private blockCount: number,
    private lastBlock: BlockRecord,
  ) {
    this.members = [...new Set(opts.members)];
    this.roots = opts.mspRoots
      ? new Map(
          Object.entries(opts.mspRoots).map(([msp, pems]) => [
            msp,
            pems.map((pem) => new X509Certificate(pem)),
          ]),
        )
      : undefined;
    this.cutter = new BlockCutter(
      opts.maxTxPerBlock ?? DEFAULT_MAX_TX_PER_BLOCK,
      opts.batchTimeoutMs ?? 0,
      (items) => this.writeBlock(items),
    );
  }

  /** Opens the ledger in `opts.path`, creating it (with a genesis block) when new. */
  static async open(opts: EmbeddedLedgerOptions): Promise<EmbeddedLedger> {
    checkOptions(opts);
    await mkdir(opts.path, { recursive: true });
    const store = await Store.open(opts.path);
    try {
      const config = await store.config();
      if (!config) {
        await EmbeddedLedger.writeGenesis(store, opts);
      } else if (config.channelId !== opts.channelId || config.chaincodeName !== opts.chaincodeName) {
        throw new LicenceError(
          'INVALID_ARGUMENT',
          'embedded ledger: the store belongs to another channel or chaincode',
          {
            channelId: config.channelId,
            chaincodeName: config.chaincodeName,
          },
        );
      }
      const height = await store.height();
      const last = await store.block(height - 1);
      if (!last)
        throw new LicenceError('LEDGER_UNAVAILABLE', `embedded ledger: block ${height - 1} is missing`);
      const chaincode = new Chaincode(opts.contracts, store, opts.channelId, opts.chaincodeName);
      return new EmbeddedLedger(store, chaincode, opts, height, last);
    } catch (err) {
      await store.close();
      throw err;
    }
  }

  private static async writeGenesis(store: Store, opts: EmbeddedLedgerOptions): Promise<void> {
    const config = { channelId: opts.channelId, chaincodeName: opts.chaincodeName };
    const genesis: BlockRecord = {
      number: 0,
      previousHash: '',
      dataHash: createHash('sha256').update(JSON.stringify(config)).digest('hex'),
      time: new Date().toISOString(),
      txs: [],
    };
    await store.writeBatch([
      { type: 'put', key: dbKey.config, value: JSON.stringify(config) },
      { type: 'put', key: dbKey.block(0), value: JSON.stringify(genesis) },
      { type: 'put', key: dbKey.height, value: '1' },
    ]);
  }

  /** Restores a transaction serialised with toBytes() (e.g. from an outbox). */
  static transactionFromBytes(bytes: Buffer): EndorsedTransaction {
    return transactionFromBytes(bytes);
  }

  /** Number of blocks, the genesis block included. */
  height(): number {
    return this.blockCount;
  }

  /** When the last block was cut (ISO-8601). */
  lastBlockTime(): string | undefined {
    return this.lastBlock.time;
  }

  /** Runs a transaction on the caller's own organisation's peer and returns its result; nothing is committed. */
  async evaluate(identity: LedgerIdentity, txName: string, args: string[]): Promise<Buffer> {
    this.checkOpen();
    this.checkCreator(identity, new Date());
    const nonce = randomBytes(NONCE_BYTES);
    const invocation = await this.chaincode.invoke(
      {
        txId: computeTxId(nonce, identity),
        timestamp: new Date(),
        nonce,
        creator: serializeIdentity(identity),
        args: [txName, ...args],
      },
      identity.mspId,
    );
    if (invocation.status >= 400) throw chaincodeError(invocation.message);
    return invocation.payload;
  }

  /**
   * Simulates a proposal and returns the endorsed transaction. The chaincode is deterministic, so it
   * runs once, on the first endorsing organisation's peer, and every listed organisation endorses it.
   */
  async endorse(proposal: Proposal, endorsingOrgs?: string[]): Promise<EndorsedTransaction> {
    this.checkOpen();
    const identity = proposal.identity;
    const timestamp = proposal.timestamp ?? new Date();
    if (Number.isNaN(timestamp.getTime()))
      throw new LicenceError('INVALID_ARGUMENT', 'proposal timestamp is not a valid date');
    this.checkCreator(identity, timestamp);
    const endorsers = this.checkEndorsers(endorsingOrgs ?? [...this.members]);
    const { txId, nonce } = this.bindTxId(proposal);
    const invocation = await this.chaincode.invoke(
      {
        txId,
        timestamp,
        nonce,
        creator: serializeIdentity(identity),
        args: [proposal.txName, ...proposal.args],
      },
      endorsers[0] as string,
    );
    if (invocation.status >= 400) throw chaincodeError(invocation.message);
    return newTransaction({
      txId,
      timestamp: timestamp.toISOString(),
      txName: proposal.txName,
      args: proposal.args,
      creatorMsp: identity.mspId,
      creator: { mspId: identity.mspId, certificatePem: identity.certificatePem },
      nonce: Buffer.from(nonce).toString('base64'),
      endorsers,
      result: invocation.payload,
      ...invocation.sets,
      ...(invocation.event ? { event: invocation.event } : {}),
    });
  }

  /** Orders the transaction into the next block; resolves with its validation code once the block is durable. */
  commit(tx: EndorsedTransaction): Promise<CommitResult> {
    let bytes: Buffer;
    let copy: EndorsedTransaction;
    try {
      this.checkOpen();
      // The round trip freezes what is committed and rejects anything that is not a transaction.
      bytes = tx.toBytes();
      copy = transactionFromBytes(bytes);
    } catch (err) {
      if (err instanceof LicenceError) return Promise.reject(err);
      return Promise.reject(new LicenceError('INVALID_ARGUMENT', 'not an endorsed transaction'));
    }
    return new Promise<CommitResult>((resolve, reject) =>
      this.cutter.add({ tx: copy, bytes, resolve, reject }),
    );
  }

  /** Endorses and commits; throws a LicenceError when the transaction is not VALID. */
  async submit(proposal: Proposal, endorsingOrgs?: string[]): Promise<{ result: Buffer } & CommitResult> {
    const tx = await this.endorse(proposal, endorsingOrgs);
    const status = await this.commit(tx);
    if (status.code !== 'VALID') {
      throw new LicenceError(
        INVALID_TX_ERROR[status.code],
        `transaction ${status.txId} was invalidated: ${status.code}`,
        {
          txId: status.txId,
          validationCode: status.code,
          blockNumber: status.blockNumber,
        },
      );
    }
    return { result: tx.result, ...status };
  }

  /** The committed status of a transaction ID (its first occurrence), or undefined when never committed. */
  async getTransactionStatus(txId: string): Promise<CommitResult | undefined> {
    this.checkOpen();
    const found = await this.store.txIndex(txId);
    return found ? { txId, code: found.code, blockNumber: found.blockNumber } : undefined;
  }

  /** Events of valid transactions from `startBlock` (default: the next block) on: persisted blocks first, then live. */
  chaincodeEvents(opts: { startBlock?: number } = {}): ChaincodeEventStream {
    this.checkOpen();
    const start = opts.startBlock ?? this.blockCount;
    if (!Number.isInteger(start) || start < 0)
      throw new LicenceError('INVALID_ARGUMENT', 'startBlock must be a block number');
    let stopped = false;
    let wake: (() => void) | undefined;
    const stream = {
      close: () => {
        stopped = true;
        this.streams.delete(stream);
        wake?.();
      },
    };
    this.streams.add(stream);
    const events = async function* (ledger: EmbeddedLedger): AsyncGenerator<ChaincodeEventRecord> {
      let next = start;
      try {
        while (!stopped) {
          if (next >= ledger.blockCount) {
            await new Promise<void>((resolve) => {
              wake = resolve;
              ledger.blockListeners.add(resolve);
            });
            ledger.blockListeners.delete(wake as () => void);
            continue;
          }
          let events: ChaincodeEventRecord[];
          try {
            events = await ledger.blockEvents(next);
          } catch (err) {
            // A stream ended by close() may be half-way through reading a block: end quietly.
            if (stopped || ledger.closed) return;
            throw err;
          }
          for (const event of events) {
            if (stopped) return;
            yield event;
          }
          next++;
        }
      } finally {
        stream.close();
      }
    };
    return Object.assign(stream, { [Symbol.asyncIterator]: () => events(this) });
  }

  /** Finishes running simulations, writes every pending block, ends event streams and closes the store. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await Promise.allSettled([...this.simulations]);
    await this.cutter.flush();
    this.cutter.dispose();
    for (const s of [...this.streams]) s.close();
    await this.store.close();
  }

  private simulate(...args: Parameters<Chaincode['invoke']>): ReturnType<Chaincode['invoke']> {
    const running = this.chaincode.invoke(...args);
    this.simulations.add(running);
    const forget = () => this.simulations.delete(running);
    running.then(forget, forget);
    return running;
  }

  private async blockEvents(n: number): Promise<ChaincodeEventRecord[]> {
    const block = await this.store.block(n);
    if (!block) throw new LicenceError('LEDGER_UNAVAILABLE', `block ${n} is missing`);
    const out: ChaincodeEventRecord[] = [];
    for (const entry of block.txs) {
      if (entry.code !== 'VALID') continue;
      const tx = transactionFromBytes(Buffer.from(entry.tx, 'base64'));
      if (!tx.event) continue;
      out.push({
        blockNumber: n,
        txId: tx.txId,
        eventName: tx.event.name,
        payload: tx.event.payload,
        timestamp: tx.timestamp,
      });
    }
    return out;
  }

  /** Validates a block's transactions in order and writes the block in one synced batch. */
  private async writeBlock(items: PendingCommit[]): Promise<void> {
    try {
      const number = this.blockCount;
      const validator = new BlockValidator(this.store, number, this.members);
      const codes: ValidationCode[] = [];
      for (const [i, item] of items.entries()) codes.push(await validator.validateAndApply(item.tx, i));

      const ops: StoreOp[] = [];
      for (const { key, record } of validator.stateUpdates()) {
        ops.push(
          record
            ? { type: 'put', key: dbKey.state(key), value: encodeState(record) }
            : { type: 'del', key: dbKey.state(key) },
        );
      }
      for (const h of validator.history)
        ops.push({ type: 'put', key: dbKey.history(h.key, h.version), value: encodeHistory(h) });
      items.forEach((item, txNum) => {
        const code = codes[txNum] as ValidationCode;
        // The index keeps a transaction ID's first occurrence; a rejected copy or a bad payload never claims it.
        if (code === 'DUPLICATE_TXID' || code === 'BAD_PAYLOAD') return;
        ops.push({
          type: 'put',
          key: dbKey.tx(item.tx.txId),
          value: JSON.stringify({ blockNumber: number, txNum, code }),
        });
      });
      const dataHash = createHash('sha256');
      for (const item of items) dataHash.update(createHash('sha256').update(item.bytes).digest());
      const block: BlockRecord = {
        number,
        previousHash: blockHash(this.lastBlock),
        dataHash: dataHash.digest('hex'),
        time: new Date().toISOString(),
        txs: items.map((item, i) => ({
          code: codes[i] as ValidationCode,
          tx: item.bytes.toString('base64'),
        })),
      };
      ops.push({ type: 'put', key: dbKey.block(number), value: JSON.stringify(block) });
      ops.push({ type: 'put', key: dbKey.height, value: String(number + 1) });
      await this.store.writeBatch(ops);

      this.blockCount = number + 1;
      this.lastBlock = block;
      items.forEach((item, i) =>
        item.resolve({ txId: item.tx.txId, code: codes[i] as ValidationCode, blockNumber: number }),
      );
      const listeners = [...this.blockListeners];
      this.blockListeners.clear();
      for (const notify of listeners) notify();
    } catch (err) {
      const error = new LicenceError(
        'LEDGER_UNAVAILABLE',
        `block could not be written: ${(err as Error).message}`,
      );
      for (const item of items) item.reject(error);
    }
  }

  private checkOpen(): void {
    if (this.closed) throw new LicenceError('LEDGER_UNAVAILABLE', 'the embedded ledger is closed');
  }

  /** Like a peer's channel Writers policy: the creator must belong to a channel member and carry a certificate. */
  private checkCreator(identity: LedgerIdentity, at: Date): void {
    if (!this.members.includes(identity.mspId)) {
      throw new LicenceError(
        'ACCESS_DENIED',
        `organisation ${identity.mspId} is not a member of the channel`,
      );
    }
    const verdict = this.creatorVerdict(identity);
    if (verdict === 'unparseable') {
      throw new LicenceError(
        'UNAUTHENTICATED',
        'the caller identity does not carry a valid X.509 certificate',
      );
    }
    if (this.roots === undefined) return;
    if (!verdict.chained) {
      throw new LicenceError(
        'UNAUTHENTICATED',
        `the caller's certificate was not issued by a root CA of ${identity.mspId}`,
      );
    }
    const time = at.getTime();
    if (time < verdict.notBefore || time > verdict.notAfter) {
      throw new LicenceError('UNAUTHENTICATED', "the caller's certificate is not valid at the proposal time");
    }
  }

  /**
   * Parsing a certificate and checking its CA signature cost more than the rest of a read, and a
   * gateway calls with the same few identities again and again; the verdict depends only on the
   * certificate and the fixed roots, so it is kept (the validity window is still checked per call).
   */
  private creatorVerdict(identity: LedgerIdentity): CreatorVerdict {
    const key = `${identity.mspId}\n${identity.certificatePem}`;
    const known = this.creators.get(key);
    if (known !== undefined) return known;
    let verdict: CreatorVerdict;
    try {
      const cert = new X509Certificate(identity.certificatePem);
      const anchors = this.roots?.get(identity.mspId) ?? [];
      verdict = {
        chained: anchors.some((root) => cert.checkIssued(root) && cert.verify(root.publicKey)),
        notBefore: Date.parse(cert.validFrom),
        notAfter: Date.parse(cert.validTo),
      };
    } catch {
      verdict = 'unparseable';
    }
    if (this.creators.size >= MAX_CACHED_CREATORS) this.creators.clear();
    this.creators.set(key, verdict);
    return verdict;
  }

  private checkEndorsers(orgs: string[]): string[] {
    const unique = [...new Set(orgs)];
    if (unique.length === 0)
      throw new LicenceError('INVALID_ARGUMENT', 'at least one endorsing organisation is required');
    const stranger = unique.find((o) => !this.members.includes(o));
    if (stranger !== undefined)
      throw new LicenceError('INVALID_ARGUMENT', `no peer of organisation ${stranger} on this channel`);
    return unique;
  }

  /** Fabric binds the transaction ID to the nonce and creator; a caller-chosen ID must match them. */
  private bindTxId(proposal: Proposal): { txId: string; nonce: Uint8Array } {
    if (proposal.nonce) {
      const txId = computeTxId(proposal.nonce, proposal.identity);
      if (proposal.txId !== undefined && proposal.txId !== txId) {
        throw new LicenceError('INVALID_ARGUMENT', 'txId does not match SHA-256(nonce || creator)');
      }
      return { txId, nonce: proposal.nonce };
    }
    if (proposal.txId !== undefined) {
      if (!/^[0-9a-f]{64}$/.test(proposal.txId))
        throw new LicenceError('INVALID_ARGUMENT', 'txId must be 64 lowercase hex digits');
      return { txId: proposal.txId, nonce: new Uint8Array(0) };
    }
    const nonce = randomBytes(NONCE_BYTES);
    return { txId: computeTxId(nonce, proposal.identity), nonce };
  }
}
