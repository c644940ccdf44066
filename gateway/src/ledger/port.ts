/**
 * The one interface through which the gateway talks to a ledger. Two adapters implement it: the
 * embedded ledger (same chaincode in-process) and Fabric through @hyperledger/fabric-gateway.
 * Chaincode errors reach callers as LicenceError; adapters parse them in exactly one place.
 */
import type { TxName } from '@licence-ledger/domain';

/** A Fabric client identity (from crypto-config's manifest). */
export interface Identity {
  readonly mspId: string;
  readonly certificatePem: string;
  readonly privateKeyPem: string;
}

/** One chaincode event as the gateway consumes it. */
export interface LedgerEvent {
  readonly blockNumber: number;
  readonly txId: string;
  readonly eventName: string;
  readonly payload: Buffer;
  /** ISO time of the transaction (on Fabric, from its block); '' only when the block does not hold it. */
  readonly timestamp: string;
}

/** A stream of chaincode events that the consumer must close. */
export type LedgerEventStream = AsyncIterable<LedgerEvent> & { close(): void };

/** The result of a committed submit. */
export interface SubmitResult {
  readonly result: Buffer;
  readonly txId: string;
  readonly blockNumber: number;
}

/** An endorsed, signed transaction not yet sent for ordering (kept in the outbox). */
export interface PreparedTransaction {
  readonly txId: string;
  readonly bytes: Buffer;
}

/** The validation outcome of a transaction ('VALID' or a Fabric validation code name). */
export interface TransactionStatus {
  readonly code: string;
  readonly blockNumber: number;
}

/**
 * Options for a submit or prepare. Normally none: Fabric's peer gateway (v2.4 and later) plans endorsers
 * from the chaincode policy together with the key-level policies of the keys the transaction writes, as
 * the embedded ledger does by asking every member. Naming organisations narrows the plan (fault and
 * policy tests use it to send a transaction endorsed by too few).
 */
export interface SubmitOptions {
  /** MSP IDs whose peers must endorse (defaults to the chaincode's policy). */
  readonly endorsingOrgs?: string[];
}

/** The ledger as the gateway sees it. */
export interface LedgerPort {
  /** Runs a query transaction on the peer; nothing is written. */
  evaluate(identity: Identity, tx: TxName, args: string[]): Promise<Buffer>;
  /** Endorses, orders and waits for the commit; throws LicenceError unless the transaction is VALID. */
  submit(identity: Identity, tx: TxName, args: string[], opts?: SubmitOptions): Promise<SubmitResult>;
  /** Endorses and signs a transaction without sending it. */
  prepare(identity: Identity, tx: TxName, args: string[], opts?: SubmitOptions): Promise<PreparedTransaction>;
  /** Sends a prepared transaction and waits for its status; an already committed txId reports its original status. */
  submitPrepared(bytes: Buffer): Promise<{ txId: string; code: string; blockNumber: number }>;
  /** The status of a transaction, or undefined when the ledger does not know it. */
  transactionStatus(txId: string): Promise<TransactionStatus | undefined>;
  /** Chaincode events from `startBlock` on, in ledger order. */
  chaincodeEvents(startBlock: number): LedgerEventStream;
  /** Height and the time of the last block (its latest transaction's time; null for an empty ledger). */
  chainInfo(): Promise<{ height: number; time: string | null }>;
  /** Releases connections. */
  close(): Promise<void>;
}
