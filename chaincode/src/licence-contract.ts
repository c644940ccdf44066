/**
 * The 'licence' contract: issuance, status changes, succession, transfers, reads and listings.
 * Licence records hold no personal data, so any member province's identity may read them.
 */
import { Context, Info, Returns, Transaction } from 'fabric-contract-api';
import {
  CONTRACT,
  EVENT,
  canonicalize,
  parseBookmark,
  parseIssueBatch,
  parseIssueRequest,
  parseLicenceIdArg,
  parsePageSize,
  parseStatusChangeRequest,
  parseSuccessionRequest,
  parseTransferOutRequest,
  parseTypeCodeArg,
  parseUsccArg,
} from '@licence-ledger/domain';
import { requireMember } from './access';
import { BaseContract } from './base-contract';
import { emitEvent, licenceItem } from './events';
import {
  acceptTransfer,
  cancelTransfer,
  changeStatus,
  existingLicence,
  issueAll,
  supersede,
  transferOut,
} from './licences';
import { Store } from './store';

/** Licence lifecycle. */
@Info({ title: 'licence', description: 'Electronic licence issuance, status and transfer' })
export class LicenceContract extends BaseContract {
  constructor() {
    super(CONTRACT.licence);
  }

  /** Issues one licence signed by the caller's agency. */
  @Transaction()
  @Returns('string')
  async IssueLicence(ctx: Context, json: string): Promise<string> {
    const request = parseIssueRequest(json);
    const store = new Store(ctx);
    const caller = await requireMember(ctx, store);
    const [record] = await issueAll(ctx, store, caller, [request]);
    emitEvent(ctx, EVENT.LicenceIssued, [licenceItem(record!, 'issue')]);
    return canonicalize(record);
  }

  /** Issues up to MAX_BATCH_SIZE licences, all or none. */
  @Transaction()
  @Returns('string')
  async IssueLicenceBatch(ctx: Context, json: string): Promise<string> {
    const requests = parseIssueBatch(json);
    const store = new Store(ctx);
    const caller = await requireMember(ctx, store);
    const records = await issueAll(ctx, store, caller, requests);
    emitEvent(
      ctx,
      EVENT.LicenceIssued,
      records.map((r) => licenceItem(r, 'issue')),
    );
    return canonicalize(records);
  }

  /** Suspends, reinstates, annuls, cancels, revokes, expires or sets 99 by the transition table. */
  @Transaction()
  @Returns('string')
  async ChangeStatus(ctx: Context, json: string): Promise<string> {
    const request = parseStatusChangeRequest(json);
    const store = new Store(ctx);
    const caller = await requireMember(ctx, store);
    const record = await changeStatus(ctx, store, caller, request);
    emitEvent(ctx, EVENT.LicenceStatusChanged, [licenceItem(record, request.action)]);
    return canonicalize(record);
  }

  /** Issues a renewed licence and cancels its predecessor. */
  @Transaction()
  @Returns('string')
  async RenewLicence(ctx: Context, json: string): Promise<string> {
    return this.succeed(ctx, json, 'renew');
  }

  /** Issues an amended licence (same serial, higher version) and cancels its predecessor. */
  @Transaction()
  @Returns('string')
  async AmendLicence(ctx: Context, json: string): Promise<string> {
    return this.succeed(ctx, json, 'amend');
  }

  private async succeed(ctx: Context, json: string, kind: 'renew' | 'amend'): Promise<string> {
    const request = parseSuccessionRequest(json);
    const store = new Store(ctx);
    const caller = await requireMember(ctx, store);
    const result = await supersede(ctx, store, caller, request.predecessorId, request.licence, kind);
    emitEvent(ctx, EVENT.LicenceSuperseded, [
      licenceItem(result.predecessor, 'supersede'),
      licenceItem(result.successor, kind),
    ]);
    return canonicalize(result);
  }

  /** Starts a transfer of a licence to another province. */
  @Transaction()
  @Returns('string')
  async TransferOut(ctx: Context, json: string): Promise<string> {
    const request = parseTransferOutRequest(json);
    const store = new Store(ctx);
    const caller = await requireMember(ctx, store);
    const record = await transferOut(ctx, store, caller, request);
    emitEvent(ctx, EVENT.LicenceTransferred, [licenceItem(record, 'transferOut')]);
    return canonicalize(record);
  }

  /** Withdraws a pending transfer. */
  @Transaction()
  @Returns('string')
  async CancelTransfer(ctx: Context, id: string): Promise<string> {
    const licenceId = parseLicenceIdArg(id);
    const store = new Store(ctx);
    const caller = await requireMember(ctx, store);
    const record = await cancelTransfer(ctx, store, caller, licenceId);
    emitEvent(ctx, EVENT.LicenceTransferred, [licenceItem(record, 'cancelTransfer')]);
    return canonicalize(record);
  }

  /** The receiving province issues its record for a licence transferred to it. */
  @Transaction()
  @Returns('string')
  async AcceptTransfer(ctx: Context, json: string): Promise<string> {
    const request = parseSuccessionRequest(json);
    const store = new Store(ctx);
    const caller = await requireMember(ctx, store);
    const result = await acceptTransfer(ctx, store, caller, request.predecessorId, request.licence);
    emitEvent(ctx, EVENT.LicenceTransferred, [
      licenceItem(result.predecessor, 'acceptTransfer'),
      licenceItem(result.successor, 'transferIn'),
    ]);
    return canonicalize(result);
  }

  /** A licence record. */
  @Transaction(false)
  @Returns('string')
  async ReadLicence(ctx: Context, id: string): Promise<string> {
    const licenceId = parseLicenceIdArg(id);
    const store = new Store(ctx);
    await requireMember(ctx, store);
    return canonicalize(await existingLicence(store, licenceId));
  }

  /** Every committed version of a licence record. */
  @Transaction(false)
  @Returns('string')
  async GetLicenceHistory(ctx: Context, id: string): Promise<string> {
    const licenceId = parseLicenceIdArg(id);
    const store = new Store(ctx);
    await requireMember(ctx, store);
    await existingLicence(store, licenceId);
    return canonicalize(await store.licenceHistory(licenceId));
  }

  /** A page of licences issued by one agency. */
  @Transaction(false)
  @Returns('string')
  async ListLicencesByAgency(
    ctx: Context,
    uscc: string,
    pageSize: string,
    bookmark: string,
  ): Promise<string> {
    const [code, size, mark] = [parseUsccArg(uscc), parsePageSize(pageSize), parseBookmark(bookmark)];
    const store = new Store(ctx);
    await requireMember(ctx, store);
    return canonicalize(await store.listLicencesByAgency(code, size, mark));
  }

  /** A page of licences of one type. */
  @Transaction(false)
  @Returns('string')
  async ListLicencesByType(
    ctx: Context,
    typeCode: string,
    pageSize: string,
    bookmark: string,
  ): Promise<string> {
    const [code, size, mark] = [parseTypeCodeArg(typeCode), parsePageSize(pageSize), parseBookmark(bookmark)];
    const store = new Store(ctx);
    await requireMember(ctx, store);
    return canonicalize(await store.listLicencesByType(code, size, mark));
  }
}
