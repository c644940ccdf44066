/**
 * Consortium governance: the one-time bootstrap, and majority approval of new provinces and
 * catalogue entries. A proposal's id is the proposing transaction's id.
 */
import type { Context } from 'fabric-contract-api';
import { fail } from '@licence-ledger/domain';
import type {
  ConsortiumConfig,
  EventItem,
  LicenceType,
  LicenceTypeInput,
  Proposal,
  Province,
  ProvinceInput,
} from '@licence-ledger/domain';
import type { BootstrapInput } from '@licence-ledger/domain';
import { callerOf, requireRole } from './access';
import type { MemberCaller } from './access';
import { txTime } from './clock';
import type { Store } from './store';

/** Approvals needed among `activeProvinces`: a strict majority. */
export function majorityOf(activeProvinces: number): number {
  return Math.floor(activeProvinces / 2) + 1;
}

function provinceRecord(input: ProvinceInput, at: string): Province {
  return { docType: 'province', ...input, status: 'active', joinedAt: at };
}

function licenceTypeRecord(input: LicenceTypeInput, at: string): LicenceType {
  return { docType: 'licenceType', ...input, addedAt: at };
}

/**
 * Creates the consortium. Allowed once, and only for an admin of one of the founding provinces; on
 * a real network the channel's MAJORITY endorsement policy makes most founding peers execute it.
 */
export async function bootstrap(
  ctx: Context,
  store: Store,
  input: BootstrapInput,
): Promise<{ consortium: ConsortiumConfig; items: EventItem[] }> {
  if ((await store.getConsortium()) !== undefined) {
    fail('ALREADY_EXISTS', 'the consortium is already bootstrapped');
  }
  const caller = callerOf(ctx);
  requireRole(caller, 'admin');
  const own = input.provinces.find((p) => p.mspId === caller.mspId);
  if (own === undefined) {
    fail('ACCESS_DENIED', 'only an admin of a founding province may bootstrap', { mspId: caller.mspId });
  }
  if (caller.province !== null && caller.province !== own.code) {
    fail('ACCESS_DENIED', 'the certificate names another province than its MSP', { mspId: caller.mspId });
  }
  const at = txTime(ctx);
  const consortium: ConsortiumConfig = {
    docType: 'consortium',
    recognitionNoticeSeconds: input.recognitionNoticeSeconds,
    bootstrappedAt: at,
    bootstrappedBy: caller.mspId,
  };
  await store.putConsortium(consortium);
  const items: EventItem[] = [{ entity: 'province', key: 'consortium', action: 'bootstrap' }];
  for (const p of [...input.provinces].sort((a, b) => cmp(a.mspId, b.mspId))) {
    await store.putProvince(provinceRecord(p, at));
    items.push({ entity: 'province', key: p.mspId, action: 'join' });
  }
  for (const t of [...input.licenceTypes].sort((a, b) => cmp(a.code, b.code))) {
    await store.putLicenceType(licenceTypeRecord(t, at));
    items.push({ entity: 'licenceType', key: t.code, action: 'add' });
  }
  return { consortium, items };
}

/** Opens a proposal to add a province or a licence type; the proposer's approval counts. */
export async function propose(
  ctx: Context,
  store: Store,
  caller: MemberCaller,
  kind: Proposal['kind'],
  payload: ProvinceInput | LicenceTypeInput,
): Promise<{ proposal: Proposal; items: EventItem[] }> {
  await refuseExisting(store, kind, payload);
  const active = (await store.allProvinces()).filter((p) => p.status === 'active');
  const proposal: Proposal = {
    docType: 'proposal',
    id: ctx.stub.getTxID(),
    kind,
    payload,
    proposedBy: caller.mspId,
    proposedAt: txTime(ctx),
    approvals: [caller.mspId],
    threshold: majorityOf(active.length),
    state: 'open',
  };
  return settle(ctx, store, proposal, 'propose');
}

/** Adds the caller province's approval; adopts the proposal once a majority has approved. */
export async function approve(
  ctx: Context,
  store: Store,
  caller: MemberCaller,
  id: string,
): Promise<{ proposal: Proposal; items: EventItem[] }> {
  const proposal = await store.getProposal(id);
  if (proposal === undefined) fail('NOT_FOUND', 'no such proposal', { id });
  if (proposal.state !== 'open') fail('PROPOSAL_CLOSED', 'the proposal is already decided', { id });
  if (proposal.approvals.includes(caller.mspId)) {
    fail('CONFLICT', 'this province has already approved the proposal', { id, mspId: caller.mspId });
  }
  // The majority is of the provinces active now, so a province that joined since also counts.
  const active = (await store.allProvinces()).filter((p) => p.status === 'active');
  const updated: Proposal = {
    ...proposal,
    approvals: [...proposal.approvals, caller.mspId].sort(),
    threshold: majorityOf(active.length),
  };
  return settle(ctx, store, updated, 'approve');
}

async function settle(
  ctx: Context,
  store: Store,
  proposal: Proposal,
  action: string,
): Promise<{ proposal: Proposal; items: EventItem[] }> {
  const items: EventItem[] = [{ entity: 'proposal', key: proposal.id, action }];
  if (proposal.approvals.length < proposal.threshold) {
    await store.putProposal(proposal);
    return { proposal, items };
  }
  const at = txTime(ctx);
  await refuseExisting(store, proposal.kind, proposal.payload);
  if (proposal.kind === 'province') {
    const input = proposal.payload as ProvinceInput;
    await store.putProvince(provinceRecord(input, at));
    items.push({ entity: 'province', key: input.mspId, action: 'join' });
  } else {
    const input = proposal.payload as LicenceTypeInput;
    await store.putLicenceType(licenceTypeRecord(input, at));
    items.push({ entity: 'licenceType', key: input.code, action: 'add' });
  }
  const adopted: Proposal = { ...proposal, state: 'adopted', adoptedAt: at };
  await store.putProposal(adopted);
  items.push({ entity: 'proposal', key: proposal.id, action: 'adopt' });
  return { proposal: adopted, items };
}

async function refuseExisting(
  store: Store,
  kind: Proposal['kind'],
  payload: ProvinceInput | LicenceTypeInput,
): Promise<void> {
  if (kind === 'province') {
    const input = payload as ProvinceInput;
    if ((await store.getProvince(input.mspId)) !== undefined) {
      fail('ALREADY_EXISTS', 'the province is already a member', { mspId: input.mspId });
    }
    const sameCode = (await store.allProvinces()).find((p) => p.code === input.code);
    if (sameCode !== undefined)
      fail('ALREADY_EXISTS', 'a member already has this province code', { code: input.code });
  } else {
    const input = payload as LicenceTypeInput;
    if ((await store.getLicenceType(input.code)) !== undefined) {
      fail('ALREADY_EXISTS', 'the licence type is already in the catalogue', { code: input.code });
    }
  }
}

function cmp(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
