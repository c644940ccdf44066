/**
 * Issuance (and the other writes that create licences: batch issuance, renewal, amendment), crash
 * safe through an outbox:
 *
 *   1. validate, assign the identifier, salt, commit and sign (no side effects but a serial number);
 *   2. one DB transaction writes the licence rows (pending) and the outbox intent;
 *   3. endorse (prepare) the transaction; 4. store its bytes and txId in the outbox row;
 *   5. submit those bytes; 6. mark the outbox row committed and the licences issued.
 *
 * A crash before 2 leaves nothing behind (an unused serial is harmless). A crash after 2 is finished
 * by {@link IssuanceService.recover} at start-up: an intent is endorsed again (nothing was sent), a
 * prepared row resubmits the same bytes, which the ledger treats idempotently by txId. So a licence
 * is never lost, never issued twice, and never on one side only. A request that fails after 2
 * while the gateway keeps running (the ledger unreachable at submit, say) leaves its row to
 * {@link OutboxRecovery}, which finishes rows that have not moved for longer than any request's
 * deadlines and that no request of this process is still driving.
 */
import { randomUUID } from 'node:crypto';
import {
  LicenceError,
  TX,
  buildLicenceId,
  commit,
  issuanceStatement,
  parseLicenceId,
  saltFields,
  signStatement,
} from '@licence-ledger/domain';
import type {
  ErrorCode,
  IsoDate,
  IssueRequest,
  LicenceRecord,
  LicenceType,
  TxName,
} from '@licence-ledger/domain';
import { isErrorCode } from '@licence-ledger/domain';
import { holderRefOf } from '../auth/holder-ref';
import type { NewLicence, StoredLicence } from '../storage/licences';
import type { OutboxEntry, OutboxIntent, OutboxKind } from '../storage/outbox';
import type { Repositories } from '../storage/store';
import { stillProcessing } from './idempotency';
import type { IdempotencyLink } from './idempotency';
import type { ProvinceContext } from './context';
import { isIsoDate, validateFields } from './field-validation';
import { LicenceTypeCache } from './licence-types';
import { DeliveryWorker } from './delivery';

/** The steps of the crash-safe path, for fault-injection tests. */
export type IssueStep =
  'built' | 'intentRecorded' | 'prepared' | 'preparedStored' | 'submitted' | 'committed';

/** Test hooks: called after each step; throwing simulates a crash there. */
export interface IssuanceHooks {
  after?(step: IssueStep, outboxId: string): void | Promise<void>;
}

/** What an issuer asks for. */
export interface IssueInput {
  readonly typeCode: string;
  readonly fields: unknown;
  readonly validFrom: IsoDate;
  readonly validUntil: IsoDate | null;
}

/** What issuance answers. */
export interface IssueOutcome {
  readonly licence: LicenceRecord;
  readonly txId: string;
  readonly blockNumber: number;
}

/** What batch issuance answers. */
export interface BatchOutcome {
  readonly licences: readonly LicenceRecord[];
  readonly txId: string;
  readonly blockNumber: number;
}

/** Successor of a renewal or amendment. */
export interface SuccessionOutcome {
  readonly predecessor: LicenceRecord;
  readonly successor: LicenceRecord;
  readonly txId: string;
  readonly blockNumber: number;
}

/** How often an MVCC conflict is retried with a fresh endorsement. */
const MVCC_RETRIES = 3;
/** Most unfinished outbox rows one recovery pass reads. */
const RECOVERY_BATCH = 1000;
/** Width of the numeric serial (with room for the year in front). */
const SERIAL_DIGITS = 8;

/** The counter in a serial this gateway builds (year, then SERIAL_DIGITS digits); undefined for any other form. */
export function serialCounter(serial: string): number | undefined {
  const match = new RegExp(`^\\d{4}(\\d{${SERIAL_DIGITS}})$`).exec(serial);
  return match?.[1] === undefined ? undefined : Number(match[1]);
}

interface Prepared {
  readonly row: NewLicence;
  readonly request: IssueRequest;
}

/** Where an outbox row stands on the crash-safe path (the parts `drive` needs). */
type DriveState = Pick<
  OutboxEntry,
  'id' | 'kind' | 'txName' | 'args' | 'agency' | 'endorsingOrgs' | 'state' | 'txId' | 'txBytes'
>;

/** Issuance for one province. */
export class IssuanceService {
  readonly types: LicenceTypeCache;
  /** Outbox rows a request of this process is driving now; recovery leaves them alone. */
  private readonly driving = new Set<string>();

  constructor(
    private readonly ctx: ProvinceContext,
    private readonly hooks: IssuanceHooks = {},
  ) {
    this.types = new LicenceTypeCache(ctx.ledger.admin, ctx.clock);
  }

  /**
   * Issues one licence for `agencyUscc`. `link`: the Idempotency-Key reservation to record the
   * outbox row under (here and in every call below), so a retry resumes it (see resume).
   */
  async issue(agencyUscc: string, input: IssueInput, link?: IdempotencyLink): Promise<IssueOutcome> {
    const prepared = await this.build(agencyUscc, input, 1);
    const { txId, blockNumber } = await this.run(
      'issue',
      TX.IssueLicence,
      agencyUscc,
      [prepared],
      [JSON.stringify(prepared.request)],
      link,
    );
    return { licence: await this.readCommitted(prepared.request.id), txId, blockNumber };
  }

  /** Issues several licences in one ledger transaction, all or none. */
  async issueBatch(
    agencyUscc: string,
    inputs: readonly IssueInput[],
    link?: IdempotencyLink,
  ): Promise<BatchOutcome> {
    if (inputs.length === 0) throw new LicenceError('SCHEMA_VIOLATION', 'a batch needs at least one licence');
    const prepared: Prepared[] = [];
    for (const [i, input] of inputs.entries()) {
      try {
        prepared.push(await this.build(agencyUscc, input, 1));
      } catch (error) {
        if (error instanceof LicenceError) {
          throw new LicenceError(error.code, `item ${i}: ${error.message}`, { ...error.details, item: i });
        }
        throw error;
      }
    }
    const { txId, blockNumber } = await this.run(
      'issueBatch',
      TX.IssueLicenceBatch,
      agencyUscc,
      prepared,
      [JSON.stringify(prepared.map((p) => p.request))],
      link,
    );
    const licences = await Promise.all(prepared.map((p) => this.readCommitted(p.request.id)));
    return { licences, txId, blockNumber };
  }

  /** Renews a licence: same content, a new validity period, a new serial. */
  async renew(
    agencyUscc: string,
    predecessorId: string,
    validity: { readonly validFrom: IsoDate; readonly validUntil: IsoDate | null },
    link?: IdempotencyLink,
  ): Promise<SuccessionOutcome> {
    const old = await this.ownRow(agencyUscc, predecessorId);
    const prepared = await this.build(
      agencyUscc,
      { typeCode: old.typeCode, fields: old.fields, ...validity },
      1,
      predecessorId,
    );
    return this.succeed('renew', TX.RenewLicence, agencyUscc, predecessorId, prepared, link);
  }

  /** Amends a licence: new content, same serial, next version. */
  async amend(
    agencyUscc: string,
    predecessorId: string,
    change: { readonly fields: unknown; readonly validFrom?: IsoDate; readonly validUntil?: IsoDate | null },
    link?: IdempotencyLink,
  ): Promise<SuccessionOutcome> {
    const old = await this.ownRow(agencyUscc, predecessorId);
    const parsed = parseLicenceId(old.id);
    if (parsed.version >= 999)
      throw new LicenceError('CONFLICT', 'this licence has reached its last version');
    const input: IssueInput = {
      typeCode: old.typeCode,
      fields: change.fields,
      validFrom: change.validFrom ?? old.validFrom,
      validUntil: change.validUntil === undefined ? old.validUntil : change.validUntil,
    };
    const prepared = await this.build(agencyUscc, input, parsed.version + 1, predecessorId, parsed.serial);
    return this.succeed('amend', TX.AmendLicence, agencyUscc, predecessorId, prepared, link);
  }

  /**
   * Accepts a licence transferred to this province: the receiving agency issues its own licence
   * (content supplied again, since the sending province keeps its data) as the successor.
   */
  async acceptTransfer(
    agencyUscc: string,
    predecessorId: string,
    input: IssueInput,
    link?: IdempotencyLink,
  ): Promise<SuccessionOutcome> {
    const old = await this.ctx.ledger.admin.readLicence(predecessorId);
    if (old === null)
      throw new LicenceError('NOT_FOUND', 'no licence with this identifier', { id: predecessorId });
    if (old.transfer?.toMsp !== this.ctx.msp || old.transfer.state !== 'pending') {
      throw new LicenceError(
        'ILLEGAL_TRANSITION',
        'the licence is not in a pending transfer to this province',
        {
          id: predecessorId,
        },
      );
    }
    if (input.typeCode !== old.typeCode) {
      throw new LicenceError('INVALID_ARGUMENT', 'a transferred licence keeps its type', {
        id: predecessorId,
      });
    }
    const prepared = await this.build(agencyUscc, input, 1, predecessorId);
    // No endorsers are named: the predecessor's key-level policy (its issuing province) and the channel's
    // majority for the successor are planned by the ledger itself. On Fabric the endorsing peer reports the
    // policies of the keys it writes and the peer gateway adds the issuing province to a majority; naming
    // [old, new] instead would fail once the consortium has four or more provinces (a majority is then three).
    return this.succeed('acceptTransfer', TX.AcceptTransfer, agencyUscc, predecessorId, prepared, link);
  }

  /**
   * Run at start-up: for each agency whose serials this database has never handed out (a new database, or one
   * restored from before the agency issued), continues after the highest serial the ledger holds for it, so the
   * gateway never builds an identifier the ledger already has. Returns how many agencies were read.
   */
  async reconcileSerials(agencies: readonly string[]): Promise<number> {
    let read = 0;
    for (const agency of agencies) {
      if (await this.ctx.store.licences.hasSerials(agency)) continue;
      read++;
      const highest = new Map<string, number>();
      let bookmark = '';
      do {
        const page = await this.ctx.ledger.admin.listLicencesByAgency(agency, { pageSize: 500, bookmark });
        for (const licence of page.items) {
          const counter = serialCounter(parseLicenceId(licence.id).serial);
          if (counter !== undefined)
            highest.set(licence.typeCode, Math.max(highest.get(licence.typeCode) ?? 0, counter));
        }
        bookmark = page.items.length === 0 ? '' : page.bookmark;
      } while (bookmark !== '');
      for (const [typeCode, used] of highest)
        await this.ctx.store.licences.raiseSerial(agency, typeCode, used);
    }
    return read;
  }

  /**
   * Finishes every unfinished outbox row (run at start-up, before serving). Returns how many rows
   * were committed and how many failed for good.
   */
  async recover(): Promise<{ committed: number; failed: number }> {
    let committed = 0;
    let failed = 0;
    for (const row of await this.ctx.store.outbox.listPending(RECOVERY_BATCH)) {
      // Nothing is in flight before the gateway serves, so no row is skipped here.
      const outcome = await this.finish(row);
      if (outcome === 'committed') committed++;
      if (outcome === 'failed') failed++;
    }
    return { committed, failed };
  }

  /**
   * Finishes one outbox row found unfinished while the gateway runs (see OutboxRecovery): 'committed'
   * or 'failed' for good, or 'skipped' when a request of this process is driving it right now.
   * Other errors (the ledger still unreachable) propagate; the row is tried again later.
   */
  async finish(row: OutboxEntry): Promise<'committed' | 'failed' | 'skipped'> {
    if (this.driving.has(row.id)) return 'skipped';
    this.driving.add(row.id);
    try {
      await this.drive(row);
      return 'committed';
    } catch (error) {
      if ((await this.ctx.store.outbox.get(row.id))?.state === 'failed') return 'failed';
      throw error;
    } finally {
      this.driving.delete(row.id);
    }
  }

  // ------------------------------------------------------------------ building

  private async build(
    agencyUscc: string,
    input: IssueInput,
    version: number,
    predecessor: string | null = null,
    serial?: string,
  ): Promise<Prepared> {
    const type: LicenceType = await this.types.get(input.typeCode);
    const now = this.ctx.clock();
    const { fields, holderId } = validateFields(type, input.fields, now);
    if (!isIsoDate(input.validFrom)) {
      throw new LicenceError('SCHEMA_VIOLATION', 'validFrom is not a calendar date', { path: '/validFrom' });
    }
    if (input.validUntil !== null && !isIsoDate(input.validUntil)) {
      throw new LicenceError('SCHEMA_VIOLATION', 'validUntil is not a calendar date', {
        path: '/validUntil',
      });
    }
    if (input.validUntil !== null && input.validUntil < input.validFrom) {
      throw new LicenceError('SCHEMA_VIOLATION', 'validUntil is before validFrom', { path: '/validUntil' });
    }
    // Before a serial is spent: the chaincode would refuse anyway, but the caller gets a clear answer.
    const key = this.ctx.keys.active(agencyUscc);
    const serialText =
      serial ??
      `${now.getUTCFullYear()}${String(await this.ctx.store.licences.nextSerial(agencyUscc, type.code)).padStart(SERIAL_DIGITS, '0')}`;
    const id = buildLicenceId({ typeCode: type.code, issuerUscc: agencyUscc, serial: serialText, version });
    const salts = saltFields(fields);
    const commitment = commit(fields, salts);
    const unsigned = {
      id,
      typeCode: type.code,
      issuerUscc: agencyUscc,
      kid: key.kid,
      commitment,
      validFrom: input.validFrom,
      validUntil: input.validUntil,
    };
    const signature = signStatement(issuanceStatement(unsigned), key.privateKey);
    const request: IssueRequest = { ...unsigned, signature };
    const row: NewLicence = {
      id,
      typeCode: type.code,
      agency: agencyUscc,
      holderRef:
        holderId === undefined
          ? holderRefOf(this.ctx.holderSecret, 'organisation', agencyUscc)
          : holderRefOf(this.ctx.holderSecret, type.holderKind, holderId),
      fields: fields,
      salts,
      kid: key.kid,
      validFrom: input.validFrom,
      validUntil: input.validUntil,
      predecessor,
      state: 'pending',
      outboxId: null,
      record: null,
    };
    return { row, request };
  }

  private async ownRow(agencyUscc: string, id: string): Promise<StoredLicence> {
    const row = await this.ctx.store.licences.get(id);
    if (row === undefined || row.state !== 'issued') {
      throw new LicenceError('NOT_FOUND', 'this province issued no licence with this identifier', { id });
    }
    if (row.agency !== agencyUscc) {
      throw new LicenceError('ACCESS_DENIED', 'the licence belongs to another agency', { id });
    }
    return row;
  }

  private async succeed(
    kind: OutboxKind,
    tx: TxName,
    agencyUscc: string,
    predecessorId: string,
    prepared: Prepared,
    link: IdempotencyLink | undefined,
  ): Promise<SuccessionOutcome> {
    const args = [JSON.stringify({ predecessorId, licence: prepared.request })];
    const { txId, blockNumber } = await this.run(kind, tx, agencyUscc, [prepared], args, link);
    return this.succession(predecessorId, prepared.request.id, txId, blockNumber);
  }

  private async succession(
    predecessorId: string,
    successorId: string,
    txId: string,
    blockNumber: number,
  ): Promise<SuccessionOutcome> {
    const [predecessor, successor] = await Promise.all([
      this.readCommitted(predecessorId),
      this.readCommitted(successorId),
    ]);
    return { predecessor, successor, txId, blockNumber };
  }

  /**
   * What a cut-short request whose outbox row is `outboxId` comes to, answered as the request
   * would have been: the row is finished first when it is not yet (an error when the ledger still
   * cannot be reached; CONFLICT while a request of this process drives it). Undefined when the row
   * failed for good: nothing of it reached the ledger, so the request may run afresh.
   */
  async resume(outboxId: string): Promise<IssueOutcome | BatchOutcome | SuccessionOutcome | undefined> {
    let row = await this.ctx.store.outbox.get(outboxId);
    if (row !== undefined && row.state !== 'committed' && row.state !== 'failed') {
      if ((await this.finish(row)) === 'skipped') throw stillProcessing();
      row = await this.ctx.store.outbox.get(outboxId);
    }
    if (row?.state !== 'committed' || row.txId === null || row.blockNumber === null) return undefined;
    const { txId, blockNumber } = row;
    switch (row.kind) {
      case 'issue':
        return { licence: await this.readCommitted(row.licenceIds[0] ?? ''), txId, blockNumber };
      case 'issueBatch': {
        const licences = await Promise.all(row.licenceIds.map((id) => this.readCommitted(id)));
        return { licences, txId, blockNumber };
      }
      default: {
        const { predecessorId } = JSON.parse(row.args[0] ?? '{}') as { predecessorId: string };
        return this.succession(predecessorId, row.licenceIds[0] ?? '', txId, blockNumber);
      }
    }
  }

  // ------------------------------------------------------------------ the crash-safe path

  private async run(
    kind: OutboxKind,
    tx: TxName,
    agencyUscc: string,
    prepared: readonly Prepared[],
    args: string[],
    link: IdempotencyLink | undefined,
  ): Promise<{ txId: string; blockNumber: number }> {
    // Fail fast, before anything is written, when the gateway cannot act for the agency.
    this.ctx.ledger.issuerIdentity(agencyUscc);
    const intent: OutboxIntent = {
      id: randomUUID(),
      kind,
      txName: tx,
      args,
      agency: agencyUscc,
      licenceIds: prepared.map((p) => p.request.id),
      // The ledger plans endorsers itself; rows written by older gateways may still name them (drive honours that).
      endorsingOrgs: [],
    };
    this.driving.add(intent.id);
    try {
      await this.step('built', intent.id);
      // The pending licence rows, the intent and the request's link to it exist together or not at all.
      await this.ctx.store.transaction(async (db) => {
        await db.outbox.create(intent);
        await db.licences.insert(prepared.map((p) => ({ ...p.row, outboxId: intent.id })));
        if (link !== undefined) await db.idempotency.setResource(link.caller, link.key, intent.id);
      });
      await this.step('intentRecorded', intent.id);
      return await this.drive({ ...intent, endorsingOrgs: [], state: 'intent', txId: null, txBytes: null });
    } finally {
      this.driving.delete(intent.id);
    }
  }

  /** Takes an outbox row from wherever it stands to committed (or failed, rethrowing the cause). */
  private async drive(row: DriveState): Promise<{ txId: string; blockNumber: number }> {
    const log = this.ctx.logger.child({ outbox: row.id, kind: row.kind });
    const outbox = this.ctx.store.outbox;
    let current = row;
    for (let attempt = 0; ; attempt++) {
      // A submitted row is resumed exactly like a prepared one: the same bytes are sent again.
      const sent = current.state === 'prepared' || current.state === 'submitted';
      if (sent && current.txBytes !== null && current.txId !== null) {
        const known = await this.ctx.ledger.port.transactionStatus(current.txId);
        const outcome = known ?? (await this.ctx.ledger.port.submitPrepared(current.txBytes));
        await this.step('submitted', current.id);
        if (outcome.code === 'VALID') {
          await this.settle(current.id, 'issued', (db) =>
            db.outbox.markCommitted(current.id, outcome.blockNumber),
          );
          await this.step('committed', current.id);
          log.info({ txId: current.txId, blockNumber: outcome.blockNumber }, 'ledger write committed');
          return { txId: current.txId, blockNumber: outcome.blockNumber };
        }
        if (outcome.code !== 'MVCC_READ_CONFLICT' || attempt >= MVCC_RETRIES) {
          const code: ErrorCode = isErrorCode(outcome.code) ? outcome.code : 'CONFLICT';
          await this.fail(current.id, outcome.code, 'the ledger invalidated the transaction');
          log.warn({ txId: current.txId, code: outcome.code }, 'ledger write invalidated');
          throw new LicenceError(code, `the ledger did not accept the transaction (${outcome.code})`);
        }
        log.info({ txId: current.txId }, 'MVCC conflict, endorsing again');
        await outbox.resetToIntent(current.id, {
          code: outcome.code,
          message: 'the transaction was invalidated; endorsing again',
        });
        current = { ...current, state: 'intent', txId: null, txBytes: null };
      }
      let prepared;
      try {
        prepared = await this.ctx.ledger.port.prepare(
          this.ctx.ledger.issuerIdentity(current.agency ?? ''),
          current.txName,
          [...current.args],
          current.endorsingOrgs.length === 0 ? undefined : { endorsingOrgs: [...current.endorsingOrgs] },
        );
      } catch (error) {
        // The chaincode refused during endorsement: nothing reached the ledger, so the intent is void.
        if (
          error instanceof LicenceError &&
          error.code !== 'LEDGER_UNAVAILABLE' &&
          error.code !== 'INTERNAL'
        ) {
          await this.fail(current.id, error.code, error.message);
        }
        throw error;
      }
      await this.step('prepared', current.id);
      await outbox.markPrepared(current.id, { txId: prepared.txId, bytes: prepared.bytes });
      await this.step('preparedStored', current.id);
      current = { ...current, state: 'prepared', txId: prepared.txId, txBytes: prepared.bytes };
    }
  }

  /** Records a definitive failure of an outbox row and its licences, in one transaction. */
  private fail(outboxId: string, code: string, message: string): Promise<void> {
    return this.settle(outboxId, 'failed', (db) => db.outbox.markFailed(outboxId, { code, message }));
  }

  /** Moves an outbox row to its final state and its licences to `state`, in one transaction. */
  private async settle(
    outboxId: string,
    state: 'issued' | 'failed',
    move: (db: Repositories) => Promise<OutboxEntry>,
  ): Promise<void> {
    await this.ctx.store.transaction(async (db) => {
      const entry = await move(db);
      await db.licences.setState(entry.licenceIds, state);
    });
  }

  private async step(step: IssueStep, outboxId: string): Promise<void> {
    await this.hooks.after?.(step, outboxId);
  }

  private async readCommitted(id: string): Promise<LicenceRecord> {
    const record = await this.ctx.ledger.admin.readLicence(id);
    if (record === null) throw new LicenceError('INTERNAL', 'a committed licence is missing from the ledger');
    return record;
  }
}

/** How many stale rows one recovery pass takes on. */
const RECOVERY_PASS_ROWS = 20;

/**
 * The periodic recovery pass: every `intervalMs` it claims outbox rows that have not moved for
 * `staleAfterMs` and finishes each (see {@link IssuanceService.finish}). A row that still cannot be
 * finished is logged and claimed again once it is stale again.
 */
export class OutboxRecovery extends DeliveryWorker<OutboxEntry> {
  constructor(
    private readonly ctx: ProvinceContext,
    private readonly issuance: IssuanceService,
  ) {
    super(ctx.config.outboxRecovery.intervalMs, (error) =>
      ctx.logger.warn({ err: error }, 'outbox recovery pass failed'),
    );
  }

  protected claim(limit: number): Promise<OutboxEntry[]> {
    return this.ctx.store.outbox.claimStale({
      now: this.ctx.clock(),
      staleAfterMs: this.ctx.config.outboxRecovery.staleAfterMs,
      limit: Math.min(limit, RECOVERY_PASS_ROWS),
    });
  }

  protected async attempt(row: OutboxEntry): Promise<boolean> {
    const log = { outbox: row.id, kind: row.kind, state: row.state };
    try {
      const outcome = await this.issuance.finish(row);
      if (outcome !== 'skipped')
        this.ctx.logger.info({ ...log, outcome }, 'finished an unfinished ledger write');
      return outcome === 'committed';
    } catch (error) {
      this.ctx.logger.warn({ ...log, err: error }, 'an unfinished ledger write could not be finished yet');
      return false;
    }
  }
}
