/**
 * Licence rules: issuance checks (caller, agency rights, key validity, commitment, signature),
 * status transitions by the domain table, succession (renew, amend) and transfers between provinces.
 */
import type { Context } from 'fabric-contract-api';
import {
  fail,
  issuanceStatement,
  nextStatus,
  parseLicenceId,
  verifyCommitmentRoot,
  verifyStatement,
} from '@licence-ledger/domain';
import type {
  IssueRequest,
  LicenceRecord,
  StatusAction,
  StatusChangeRequest,
  TransferOutRequest,
} from '@licence-ledger/domain';
import { actorOf, requireActsFor, requireRole } from './access';
import type { MemberCaller } from './access';
import { txTime } from './clock';
import type { Store } from './store';

/** Actions that have their own transactions and are refused by ChangeStatus. */
const DEDICATED_ACTIONS: readonly StatusAction[] = ['transferOut', 'cancelTransfer', 'supersede'];

/** A licence by id, or NOT_FOUND. */
export async function existingLicence(store: Store, id: string): Promise<LicenceRecord> {
  const record = await store.getLicence(id);
  if (record === undefined) fail('NOT_FOUND', 'no licence with this identifier', { id });
  return record;
}

/**
 * Runs every issuance check for `req` on behalf of `caller` and returns the record to store
 * (not yet written). `links` carries the predecessor of a renewal, amendment or transfer.
 */
export async function prepareIssue(
  ctx: Context,
  store: Store,
  caller: MemberCaller,
  req: IssueRequest,
  links: { predecessor?: string } = {},
): Promise<LicenceRecord> {
  requireRole(caller, 'issuer');
  if (caller.agency !== req.issuerUscc) {
    fail('ACCESS_DENIED', 'an issuer issues only for its own agency', { issuerUscc: req.issuerUscc });
  }
  const agency = await store.getAgency(req.issuerUscc);
  if (agency === undefined)
    fail('NOT_FOUND', 'the issuing agency is not registered', { uscc: req.issuerUscc });
  if (agency.provinceMsp !== caller.mspId) {
    fail('ACCESS_DENIED', 'the agency belongs to another province', { uscc: req.issuerUscc });
  }
  if (agency.status !== 'active')
    fail('AGENCY_NOT_ACTIVE', 'the agency is retired', { uscc: req.issuerUscc });
  if ((await store.getLicenceType(req.typeCode)) === undefined) {
    fail('LICENCE_TYPE_UNKNOWN', 'the licence type is not in the catalogue', { typeCode: req.typeCode });
  }
  if (!agency.licenceTypes.includes(req.typeCode)) {
    fail('AGENCY_NOT_AUTHORISED', 'the agency may not issue this licence type', { typeCode: req.typeCode });
  }
  const parsed = parseLicenceId(req.id);
  if (parsed.typeCode !== req.typeCode || parsed.issuerUscc !== req.issuerUscc) {
    fail('INVALID_IDENTIFIER', "the identifier's type code or issuer differs from the request", {
      id: req.id,
    });
  }
  if ((await store.getLicence(req.id)) !== undefined) {
    fail('ALREADY_EXISTS', 'a licence with this identifier is already on the ledger', { id: req.id });
  }
  const key = await store.getSigningKey(req.kid);
  if (key === undefined || key.agencyUscc !== req.issuerUscc) {
    fail('KEY_UNKNOWN', 'the agency has no signing key with this kid', { kid: req.kid });
  }
  const at = txTime(ctx);
  if (key.status !== 'active')
    fail('KEY_NOT_ACTIVE', 'the signing key is not active', { kid: req.kid, status: key.status });
  if (at < key.notBefore || at > key.notAfter) {
    fail('KEY_NOT_ACTIVE', 'the signing key is outside its validity period', { kid: req.kid });
  }
  if (!verifyCommitmentRoot(req.commitment)) {
    fail('INVALID_ARGUMENT', 'the commitment root does not match its digests', { id: req.id });
  }
  if (!verifyStatement(issuanceStatement(req), req.signature, key.certificatePem)) {
    fail('INVALID_SIGNATURE', "the agency's signature does not verify", { id: req.id, kid: req.kid });
  }
  return {
    docType: 'licence',
    id: req.id,
    typeCode: req.typeCode,
    issuerUscc: req.issuerUscc,
    issuerMsp: caller.mspId,
    provinceCode: caller.memberProvince.code,
    kid: req.kid,
    commitment: req.commitment,
    signature: req.signature,
    validFrom: req.validFrom,
    validUntil: req.validUntil,
    status: '01',
    statusReasonCode: 'ISSUED',
    statusReasonText: '',
    statusAt: at,
    statusBy: actorOf(caller),
    issuedAt: at,
    ...(links.predecessor === undefined ? {} : { predecessor: links.predecessor }),
    revision: 1,
    lastTxId: ctx.stub.getTxID(),
  };
}

/** Issues every request or none: the first failing check aborts the whole transaction. */
export async function issueAll(
  ctx: Context,
  store: Store,
  caller: MemberCaller,
  requests: readonly IssueRequest[],
): Promise<LicenceRecord[]> {
  const records: LicenceRecord[] = [];
  for (const req of requests) {
    const record = await prepareIssue(ctx, store, caller, req);
    // Fabric reads never see the transaction's own writes; parseIssueBatch already refused repeated ids.
    await store.createLicence(record);
    records.push(record);
  }
  return records;
}

function changed(
  ctx: Context,
  caller: MemberCaller,
  record: LicenceRecord,
  patch: Partial<LicenceRecord>,
): LicenceRecord {
  return {
    ...record,
    ...patch,
    statusAt: txTime(ctx),
    statusBy: actorOf(caller),
    revision: record.revision + 1,
    lastTxId: ctx.stub.getTxID(),
  };
}

/** Applies a status change from the transition table, for the issuing province only. */
export async function changeStatus(
  ctx: Context,
  store: Store,
  caller: MemberCaller,
  req: StatusChangeRequest,
): Promise<LicenceRecord> {
  const record = await existingLicence(store, req.id);
  requireActsFor(caller, record.issuerMsp, record.issuerUscc, true);
  if (DEDICATED_ACTIONS.includes(req.action)) {
    fail('ILLEGAL_TRANSITION', `'${req.action}' has its own transaction`, { action: req.action });
  }
  const status = nextStatus(record.status, req.action);
  const updated = changed(ctx, caller, record, {
    status,
    statusReasonCode: req.reasonCode,
    statusReasonText: req.reasonText,
  });
  await store.putLicence(updated);
  return updated;
}

/**
 * Renewal or amendment: issues `successor` and cancels the predecessor (status 04) with a link both
 * ways. An amendment keeps the serial and raises the version.
 */
export async function supersede(
  ctx: Context,
  store: Store,
  caller: MemberCaller,
  predecessorId: string,
  successor: IssueRequest,
  kind: 'renew' | 'amend',
): Promise<{ predecessor: LicenceRecord; successor: LicenceRecord }> {
  const old = await existingLicence(store, predecessorId);
  requireActsFor(caller, old.issuerMsp, old.issuerUscc, false);
  if (successor.typeCode !== old.typeCode || successor.issuerUscc !== old.issuerUscc) {
    fail('INVALID_ARGUMENT', 'a successor keeps the type and issuing agency', { predecessorId });
  }
  if (kind === 'amend') {
    const a = parseLicenceId(old.id);
    const b = parseLicenceId(successor.id);
    if (a.serial !== b.serial || b.version <= a.version) {
      fail('INVALID_IDENTIFIER', 'an amendment keeps the serial and raises the version', { predecessorId });
    }
  }
  const status = nextStatus(old.status, 'supersede');
  const created = await prepareIssue(ctx, store, caller, successor, { predecessor: old.id });
  await store.createLicence(created);
  const updated = changed(ctx, caller, old, {
    status,
    statusReasonCode: kind === 'renew' ? 'RENEWED' : 'AMENDED',
    statusReasonText: '',
    successor: created.id,
  });
  await store.putLicence(updated);
  return { predecessor: updated, successor: created };
}

/** Starts a transfer to another member province (status 06, pending). */
export async function transferOut(
  ctx: Context,
  store: Store,
  caller: MemberCaller,
  req: TransferOutRequest,
): Promise<LicenceRecord> {
  const record = await existingLicence(store, req.id);
  requireActsFor(caller, record.issuerMsp, record.issuerUscc, true);
  if (req.toMsp === record.issuerMsp) fail('INVALID_ARGUMENT', 'a licence cannot move to its own province');
  if ((await store.getProvince(req.toMsp)) === undefined) {
    fail('NOT_FOUND', 'the receiving province is not a member', { mspId: req.toMsp });
  }
  const status = nextStatus(record.status, 'transferOut');
  const updated = changed(ctx, caller, record, {
    status,
    statusReasonCode: req.reasonCode,
    statusReasonText: req.reasonText,
    transfer: { toMsp: req.toMsp, state: 'pending', at: txTime(ctx) },
  });
  await store.putLicence(updated);
  return updated;
}

/** Withdraws a pending transfer; once accepted, 06 is final. */
export async function cancelTransfer(
  ctx: Context,
  store: Store,
  caller: MemberCaller,
  id: string,
): Promise<LicenceRecord> {
  const record = await existingLicence(store, id);
  requireActsFor(caller, record.issuerMsp, record.issuerUscc, true);
  if (record.transfer?.state === 'accepted') {
    fail('TERMINAL_STATE', 'the receiving province has already accepted the transfer', { id });
  }
  const status = nextStatus(record.status, 'cancelTransfer');
  const { transfer: _dropped, ...rest } = record;
  const updated = changed(ctx, caller, rest, {
    status,
    statusReasonCode: 'TRANSFER_CANCELLED',
    statusReasonText: '',
  });
  await store.putLicence(updated);
  return updated;
}

/**
 * The receiving province issues its own record for a licence in pending transfer to it and closes
 * the transfer on the old record. The old record's key-level policy names the old province, so on
 * Fabric this transaction needs endorsements from both provinces.
 */
export async function acceptTransfer(
  ctx: Context,
  store: Store,
  caller: MemberCaller,
  predecessorId: string,
  successor: IssueRequest,
): Promise<{ predecessor: LicenceRecord; successor: LicenceRecord }> {
  const old = await existingLicence(store, predecessorId);
  requireRole(caller, 'issuer');
  if (old.status !== '06' || old.transfer === undefined || old.transfer.state !== 'pending') {
    fail('ILLEGAL_TRANSITION', 'the licence is not in a pending transfer', { id: predecessorId });
  }
  if (old.transfer.toMsp !== caller.mspId) {
    fail('ACCESS_DENIED', 'the transfer is addressed to another province', { id: predecessorId });
  }
  if (successor.typeCode !== old.typeCode) {
    fail('INVALID_ARGUMENT', 'a transferred licence keeps its type', { predecessorId });
  }
  const created = await prepareIssue(ctx, store, caller, successor, { predecessor: old.id });
  await store.createLicence(created);
  const at = txTime(ctx);
  const updated: LicenceRecord = {
    ...old,
    successor: created.id,
    transfer: { ...old.transfer, state: 'accepted', at, successor: created.id },
    revision: old.revision + 1,
    lastTxId: ctx.stub.getTxID(),
  };
  await store.putLicence(updated);
  return { predecessor: updated, successor: created };
}
