/**
 * What the services need from the province database, as narrow ports. The adapter in
 * store-adapter.ts implements them over the gateway's pg repositories (storage/); each method is
 * one atomic database step, so the crash-safety argument can be read off the call sequence in the
 * services.
 */
import type { FieldValue, IsoDate, IsoTime, StatusCode, TxName } from '@licence-ledger/domain';
import type { Keyset, KeysetPage, Paged } from '../storage/rows';

export type { Keyset, KeysetPage, Paged };

/** Lifecycle of a locally issued licence row. */
export type LicenceRowState = 'pending' | 'issued' | 'failed';

/** A licence this province issued, with its full content (personal data: kept only here). */
export interface LicenceRow {
  readonly id: string;
  readonly typeCode: string;
  readonly issuerUscc: string;
  readonly holderRef: string | null;
  readonly fields: Readonly<Record<string, FieldValue>>;
  readonly salts: Readonly<Record<string, string>>;
  readonly kid: string;
  readonly validFrom: IsoDate;
  readonly validUntil: IsoDate | null;
  readonly predecessor: string | null;
  readonly state: LicenceRowState;
  readonly createdAt: IsoTime;
  /** The latest status known from the ledger projection (null until an event was projected). */
  readonly status: StatusCode | null;
}

/** Kinds of ledger write that go through the outbox. */
export type OutboxKind = 'issue' | 'issueBatch' | 'renew' | 'amend' | 'acceptTransfer';

/** Lifecycle of an outbox row as the services see it ('submitted' reads as 'prepared'). */
export type OutboxState = 'intent' | 'prepared' | 'committed' | 'failed';

/** One crash-safe ledger write. */
export interface OutboxRow {
  readonly id: string;
  readonly kind: OutboxKind;
  readonly tx: TxName;
  readonly args: readonly string[];
  /** The agency whose issuer identity signs the transaction. */
  readonly agencyUscc: string;
  readonly licenceIds: readonly string[];
  readonly state: OutboxState;
  readonly txId: string | null;
  readonly txBytes: Buffer | null;
  readonly blockNumber: number | null;
  readonly error: string | null;
  readonly createdAt: IsoTime;
}

/** Filters for an agency's licence list. */
export interface LicenceFilter {
  readonly typeCode?: string;
  readonly status?: StatusCode;
  /** Licence id prefix. */
  readonly idPrefix?: string;
}

/** Database steps of issuance and recovery. */
export interface IssuanceStore {
  /** The next serial number for (agency, type), starting at 1; never returns the same number twice. */
  nextSerial(agencyUscc: string, typeCode: string): Promise<number>;
  /** Writes the pending licence rows and the outbox intent in one transaction. */
  recordIntent(licences: readonly LicenceRow[], outbox: OutboxRow): Promise<void>;
  /** Keeps the endorsed transaction so a restart resubmits the same bytes. */
  markPrepared(outboxId: string, txId: string, bytes: Buffer): Promise<void>;
  /** Back to intent after an invalidated transaction (e.g. an MVCC conflict), to be endorsed again. */
  resetToIntent(outboxId: string, code: string): Promise<void>;
  /** Records the commit and marks the licences issued, in one transaction. */
  markCommitted(outboxId: string, blockNumber: number): Promise<void>;
  /** Records a definitive failure and marks the licences failed, in one transaction. */
  markFailed(outboxId: string, code: string, message: string): Promise<void>;
  /** Every outbox row not yet committed or failed, oldest first. */
  unfinished(): Promise<OutboxRow[]>;
  /** An outbox row by id. */
  outbox(id: string): Promise<OutboxRow | undefined>;
}

/** Reads of the local licence table. */
export interface LicenceReadStore {
  licence(id: string): Promise<LicenceRow | undefined>;
  byAgency(agencyUscc: string, page: KeysetPage, filter?: LicenceFilter): Promise<Paged<LicenceRow>>;
  byHolder(holderRef: string, page: KeysetPage): Promise<Paged<LicenceRow>>;
}

/** A stored response for an Idempotency-Key. */
export interface IdempotencyRecord {
  /** null while the first request is still running. */
  readonly status: number | null;
  readonly body: unknown;
}

/** Idempotency-Key bookkeeping. */
export interface IdempotencyStore {
  /**
   * Claims (caller, key) for a request hash: undefined when claimed now, the earlier outcome when
   * the same request came before; CONFLICT when the key was used for a different request.
   */
  claim(caller: string, key: string, requestHash: string): Promise<IdempotencyRecord | undefined>;
  /** Stores the response of the claimed request. */
  complete(caller: string, key: string, status: number, body: unknown): Promise<void>;
  /** Drops a claim whose request failed, so a retry can run again. */
  release(caller: string, key: string): Promise<void>;
}

/** One licence status carried by a ledger event. */
export interface ProjectedStatus {
  readonly licenceId: string;
  readonly status: StatusCode;
  readonly issuerMsp: string;
  readonly revision: number;
  readonly reasonCode: string | null;
  readonly typeCode: string | null;
  readonly statusAt: IsoTime;
  readonly blockNumber: number;
  readonly txId: string;
}

/** Where the event listener stands. */
export interface Checkpoint {
  readonly blockNumber: number;
  readonly txId: string | null;
}

/** Database steps of the projection listener. */
export interface ProjectionStore {
  checkpoint(): Promise<Checkpoint | undefined>;
  /**
   * Applies the statuses of one ledger event (newer revisions only), enqueues a delivery of each
   * notification for every webhook subscription on its licence, and advances the checkpoint, all
   * in one transaction.
   */
  applyEvent(
    statuses: readonly ProjectedStatus[],
    checkpoint: Checkpoint,
    notifications: readonly { readonly licenceId: string; readonly payload: string }[],
  ): Promise<void>;
}
