/** Public types of the embedded ledger: what callers pass in and what they get back. */

/** The caller of a transaction: its organisation and its X.509 certificate (PEM), as in a Fabric SerializedIdentity. */
export interface LedgerIdentity {
  mspId: string;
  certificatePem: string;
}

/** A fabric-contract-api Contract subclass. */
export interface ContractClass {
  new (): unknown;
}

/** How to open an embedded ledger. */
export interface EmbeddedLedgerOptions {
  /** Directory for the LevelDB store (created if missing). */
  path: string;
  /** Channel name, e.g. 'licences'. */
  channelId: string;
  /** Chaincode name, e.g. 'licence-ledger'. */
  chaincodeName: string;
  /** The chaincode's contract classes, run through fabric-shim's own router. */
  contracts: ContractClass[];
  /** MSP IDs of the channel's organisations; the chaincode-level policy is a strict MAJORITY of them. */
  members: string[];
  /**
   * Root CA certificates (PEM) of each member's MSP. When given, a creator is accepted only if its
   * certificate was issued by one of its own organisation's roots and is valid at the proposal time,
   * as a peer's MSP checks; without it any well-formed certificate is accepted (ledger unit tests).
   */
  mspRoots?: Record<string, string[]>;
  /** Most transactions in one block (default 100). */
  maxTxPerBlock?: number;
  /** Batch timeout (default 0: a block is cut on the next tick, so concurrent submits share a block). */
  batchTimeoutMs?: number;
}

/** Fabric's transaction validation codes that this ledger can produce. */
export type ValidationCode =
  | 'VALID'
  | 'MVCC_READ_CONFLICT'
  | 'PHANTOM_READ_CONFLICT'
  | 'ENDORSEMENT_POLICY_FAILURE'
  | 'DUPLICATE_TXID'
  | 'BAD_PAYLOAD';

/** A transaction proposal: what a client sends to the endorsing peers. */
export interface Proposal {
  /** Fully qualified transaction name, e.g. 'licence:IssueLicence'. */
  txName: string;
  args: string[];
  identity: LedgerIdentity;
  /** Must equal hex SHA-256(nonce || creator) when given together with `nonce`. */
  txId?: string;
  /** Client-side timestamp (Fabric's channel header); now when absent. */
  timestamp?: Date;
  /** 24 random bytes when absent. */
  nonce?: Buffer;
}

/** The version of a committed key: the block and transaction that last wrote it. */
export interface KeyVersion {
  blockNum: number;
  txNum: number;
}

/** One key read during simulation, with the committed version seen (null: the key did not exist). */
export interface ReadRecord {
  key: string;
  version: KeyVersion | null;
}

/** One range query made during simulation, re-executed at validation to detect phantoms. */
export interface RangeQueryRecord {
  startKey: string;
  /** '' means unbounded. When the iterator was not exhausted this is the last key read (inclusive). */
  endKey: string;
  itrExhausted: boolean;
  reads: ReadRecord[];
}

/** One key written by a transaction; an empty value is a delete, as in Fabric. */
export interface WriteRecord {
  key: string;
  isDelete: boolean;
  value: Buffer;
}

/** One key's metadata replaced by a transaction (no entries: the metadata is removed). */
export interface MetadataWriteRecord {
  key: string;
  entries: { name: string; value: Buffer }[];
}

/** A chaincode event set by a transaction (only the last setEvent counts). */
export interface TxEvent {
  name: string;
  payload: Buffer;
}

/** The result of simulating a proposal: a transaction ready to be ordered. Serialisable with toBytes(). */
export interface EndorsedTransaction {
  readonly txId: string;
  /** ISO-8601 client timestamp. */
  readonly timestamp: string;
  readonly txName: string;
  readonly args: readonly string[];
  readonly creatorMsp: string;
  readonly creator: LedgerIdentity;
  /** Base64 of the proposal nonce; txId = hex SHA-256(nonce || serialized creator). */
  readonly nonce: string;
  readonly endorsers: readonly string[];
  readonly result: Buffer;
  readonly readSet: readonly ReadRecord[];
  readonly rangeQueries: readonly RangeQueryRecord[];
  readonly writeSet: readonly WriteRecord[];
  readonly metadataWrites: readonly MetadataWriteRecord[];
  readonly event?: TxEvent;
  /** Deterministic encoding; EmbeddedLedger.transactionFromBytes(bytes) restores it (for an outbox). */
  toBytes(): Buffer;
}

/** The outcome of one committed transaction. */
export interface CommitResult {
  txId: string;
  code: ValidationCode;
  blockNumber: number;
}

/** A chaincode event of a valid transaction, with where it was committed. */
export interface ChaincodeEventRecord {
  blockNumber: number;
  txId: string;
  eventName: string;
  payload: Buffer;
  /** ISO-8601 transaction timestamp. */
  timestamp: string;
}

/** A live stream of chaincode events that can be stopped. */
export type ChaincodeEventStream = AsyncIterable<ChaincodeEventRecord> & { close(): void };
