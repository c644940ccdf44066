/**
 * The one event each transaction emits. Fabric keeps only the last setEvent of a transaction, so
 * a transaction collects its facts and emits them together, as canonical JSON.
 */
import type { Context } from 'fabric-contract-api';
import { canonicalBytes } from '@licence-ledger/domain';
import type { EventItem, EventName, LedgerEventPayload, LicenceRecord } from '@licence-ledger/domain';
import { txTime } from './clock';

/** Emits `name` with `items` as the transaction's single chaincode event. */
export function emitEvent(ctx: Context, name: EventName, items: readonly EventItem[]): LedgerEventPayload {
  const payload: LedgerEventPayload = {
    name,
    txId: ctx.stub.getTxID(),
    at: txTime(ctx),
    actorMsp: ctx.clientIdentity.getMSPID(),
    items,
  };
  ctx.stub.setEvent(name, canonicalBytes(payload));
  return payload;
}

/** The event item describing a licence record after `action`. */
export function licenceItem(record: LicenceRecord, action: string): EventItem {
  return {
    entity: 'licence',
    key: record.id,
    action,
    status: record.status,
    issuerMsp: record.issuerMsp,
    revision: record.revision,
    reasonCode: record.statusReasonCode,
  };
}
