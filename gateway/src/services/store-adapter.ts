/**
 * The services' database ports over the gateway's repositories (storage/). Nothing here decides
 * anything; it only maps rows and groups repository calls into the transactions the services'
 * crash-safety argument relies on.
 */
import type { Store } from '../storage/store';
import type { StoredLicence } from '../storage/licences';
import type { OutboxEntry } from '../storage/outbox';
import type { KeysetPage, Paged } from '../storage/rows';
import type {
  Checkpoint,
  IdempotencyRecord,
  IdempotencyStore,
  IssuanceStore,
  LicenceFilter,
  LicenceReadStore,
  LicenceRow,
  OutboxKind,
  OutboxRow,
  ProjectedStatus,
  ProjectionStore,
} from './ports';

function toRow(l: StoredLicence): LicenceRow {
  return {
    id: l.id,
    typeCode: l.typeCode,
    issuerUscc: l.agency,
    holderRef: l.holderRef,
    fields: l.fields,
    salts: l.salts,
    kid: l.kid,
    validFrom: l.validFrom,
    validUntil: l.validUntil,
    predecessor: l.predecessor,
    state: l.state,
    createdAt: l.createdAt,
    status: l.status,
  };
}

function toOutbox(e: OutboxEntry): OutboxRow {
  return {
    id: e.id,
    kind: e.kind as OutboxKind,
    tx: e.txName,
    args: e.args,
    agencyUscc: e.agency ?? '',
    licenceIds: e.licenceIds,
    // A submitted entry is resumed exactly like a prepared one: the same bytes are sent again.
    state: e.state === 'submitted' ? 'prepared' : e.state,
    txId: e.txId,
    txBytes: e.txBytes,
    blockNumber: e.blockNumber,
    error: e.errorCode,
    createdAt: e.createdAt,
  };
}

const paged = (p: Paged<StoredLicence>): Paged<LicenceRow> => ({ items: p.items.map(toRow), next: p.next });

/** The services' ports over one province Store. */
export class ServiceStore implements IssuanceStore, LicenceReadStore, IdempotencyStore, ProjectionStore {
  constructor(readonly db: Store) {}

  // ------------------------------------------------------------------ issuance

  nextSerial(agencyUscc: string, typeCode: string): Promise<number> {
    return this.db.licences.nextSerial(agencyUscc, typeCode);
  }

  async recordIntent(licences: readonly LicenceRow[], outbox: OutboxRow): Promise<void> {
    await this.db.transaction(async (tx) => {
      await tx.outbox.create({
        id: outbox.id,
        kind: outbox.kind,
        txName: outbox.tx,
        args: outbox.args,
        agency: outbox.agencyUscc,
        licenceIds: outbox.licenceIds,
      });
      await tx.licences.insert(
        licences.map((l) => ({
          id: l.id,
          typeCode: l.typeCode,
          agency: l.issuerUscc,
          holderRef: l.holderRef,
          fields: l.fields,
          salts: l.salts,
          kid: l.kid,
          validFrom: l.validFrom,
          validUntil: l.validUntil,
          predecessor: l.predecessor,
          state: 'pending',
          outboxId: outbox.id,
          record: null,
        })),
      );
    });
  }

  async markPrepared(outboxId: string, txId: string, bytes: Buffer): Promise<void> {
    await this.db.outbox.markPrepared(outboxId, { txId, bytes });
  }

  async resetToIntent(outboxId: string, code: string): Promise<void> {
    await this.db.outbox.resetToIntent(outboxId, {
      code,
      message: 'the transaction was invalidated; endorsing again',
    });
  }

  async markCommitted(outboxId: string, blockNumber: number): Promise<void> {
    await this.db.transaction(async (tx) => {
      const entry = await tx.outbox.markCommitted(outboxId, blockNumber);
      await tx.licences.setState(entry.licenceIds, 'issued');
    });
  }

  async markFailed(outboxId: string, code: string, message: string): Promise<void> {
    await this.db.transaction(async (tx) => {
      const entry = await tx.outbox.markFailed(outboxId, { code, message });
      await tx.licences.setState(entry.licenceIds, 'failed');
    });
  }

  async unfinished(): Promise<OutboxRow[]> {
    return (await this.db.outbox.listPending(1000)).map(toOutbox);
  }

  async outbox(id: string): Promise<OutboxRow | undefined> {
    const entry = await this.db.outbox.get(id);
    return entry === undefined ? undefined : toOutbox(entry);
  }

  // ------------------------------------------------------------------ licences

  async licence(id: string): Promise<LicenceRow | undefined> {
    const l = await this.db.licences.get(id);
    return l === undefined ? undefined : toRow(l);
  }

  async byAgency(agencyUscc: string, page: KeysetPage, filter?: LicenceFilter): Promise<Paged<LicenceRow>> {
    return paged(await this.db.licences.listByAgency(agencyUscc, page, filter));
  }

  async byHolder(holderRef: string, page: KeysetPage): Promise<Paged<LicenceRow>> {
    return paged(await this.db.licences.listByHolder(holderRef, page));
  }

  // ------------------------------------------------------------------ idempotency

  async claim(caller: string, key: string, requestHash: string): Promise<IdempotencyRecord | undefined> {
    const r = await this.db.idempotency.reserve(caller, key, requestHash);
    if (r.outcome === 'reserved') return undefined;
    if (r.outcome === 'in_progress') return { status: null, body: null };
    return { status: r.status, body: r.body };
  }

  complete(caller: string, key: string, status: number, body: unknown): Promise<void> {
    return this.db.idempotency.complete(caller, key, status, body);
  }

  release(caller: string, key: string): Promise<void> {
    return this.db.idempotency.release(caller, key);
  }

  // ------------------------------------------------------------------ projection

  checkpoint(): Promise<Checkpoint | undefined> {
    return this.db.projection.checkpoint();
  }

  async applyEvent(
    statuses: readonly ProjectedStatus[],
    checkpoint: Checkpoint,
    notifications: readonly { readonly licenceId: string; readonly payload: string }[],
  ): Promise<void> {
    await this.db.transaction(async (tx) => {
      await tx.projection.apply(statuses);
      if (notifications.length > 0) {
        const watchers = await tx.webhooks.subscribersOf(notifications.map((n) => n.licenceId));
        for (const { subscription, licenceIds } of watchers) {
          for (const n of notifications) {
            if (!licenceIds.includes(n.licenceId)) continue;
            // The event key makes a replayed event enqueue nothing new.
            await tx.webhooks.enqueue({
              subscriptionId: subscription.id,
              eventKey: `${checkpoint.txId ?? ''}:${n.licenceId}`,
              payload: n.payload,
            });
          }
        }
      }
      await tx.projection.saveCheckpoint(checkpoint);
    });
  }
}
