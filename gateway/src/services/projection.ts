/**
 * The projection listener: reads chaincode events from the last checkpoint and applies each event's
 * licence statuses to status_projection, enqueues webhook notifications and advances the checkpoint,
 * all in one database transaction. After a crash it starts again from the checkpoint block; applying
 * an event twice changes nothing (only newer revisions are written, deliveries are keyed by event).
 */
import { EVENT_NAMES, isErrorCode, parseLicenceId } from '@licence-ledger/domain';
import type { EventItem, LedgerEventPayload, StatusCode } from '@licence-ledger/domain';
import { STATUS_CODES } from '@licence-ledger/domain';
import type { LedgerEvent, LedgerEventStream } from '../ledger/port';
import type { ProvinceContext } from './context';
import type { Checkpoint, ProjectionItem } from '../storage/projection';
import type { Repositories } from '../storage/store';

/** Delay before the listener reconnects after an error. */
const RETRY_MS = 1000;

/** The body of a webhook notification about one licence. */
export interface StatusNotification {
  readonly type: 'licence.status';
  readonly licenceId: string;
  readonly status: StatusCode;
  readonly reasonCode: string | null;
  readonly issuerMsp: string;
  readonly revision: number;
  readonly event: string;
  readonly txId: string;
  readonly blockNumber: number;
  readonly at: string;
}

/** Parses an event payload; undefined for anything that is not one (it is then skipped, and logged). */
export function parseEventPayload(event: LedgerEvent): LedgerEventPayload | undefined {
  if (!(EVENT_NAMES as readonly string[]).includes(event.eventName)) return undefined;
  try {
    const value = JSON.parse(event.payload.toString('utf8')) as Partial<LedgerEventPayload>;
    if (typeof value !== 'object' || value === null || !Array.isArray(value.items)) return undefined;
    return value as LedgerEventPayload;
  } catch {
    return undefined;
  }
}

function statusOf(item: EventItem, event: LedgerEvent, at: string): ProjectionItem | undefined {
  if (item.entity !== 'licence' || item.status === undefined || item.issuerMsp === undefined)
    return undefined;
  if (!STATUS_CODES.includes(item.status) || typeof item.revision !== 'number') return undefined;
  return {
    licenceId: item.key,
    status: item.status,
    issuerMsp: item.issuerMsp,
    revision: item.revision,
    typeCode: typeCodeOf(item.key),
    statusAt: at,
    blockNumber: event.blockNumber,
    txId: event.txId,
    reasonCode: item.reasonCode === undefined || item.reasonCode === '' ? null : item.reasonCode,
  };
}

/** The type code inside a licence id (null when the id does not parse). */
function typeCodeOf(id: string): string | null {
  try {
    return parseLicenceId(id).typeCode;
  } catch {
    return null;
  }
}

/** Enqueues a delivery of each notification for every webhook subscription on its licence. */
async function enqueueNotifications(
  db: Repositories,
  txId: string,
  notifications: readonly { readonly licenceId: string; readonly payload: string }[],
): Promise<void> {
  if (notifications.length === 0) return;
  const watchers = await db.webhooks.subscribersOf(notifications.map((n) => n.licenceId));
  for (const { subscription, licenceIds } of watchers) {
    for (const n of notifications) {
      if (!licenceIds.includes(n.licenceId)) continue;
      // The event key makes a replayed event enqueue nothing new.
      await db.webhooks.enqueue({
        subscriptionId: subscription.id,
        eventKey: `${txId}:${n.licenceId}`,
        payload: n.payload,
      });
    }
  }
}

/** Who wants to hear about changes seen in ledger events. */
export interface RegistryListener {
  /** An item (licence, key, agency, province, type, rule…) changed. */
  changed?(item: EventItem): void;
  /** The listener (re)connected and may have missed events. */
  resync?(): void;
}

/** Follows the ledger's events for one province database. */
export class ProjectionListener {
  private stream: LedgerEventStream | undefined;
  private running = false;
  private loop: Promise<void> | undefined;
  private applied: Checkpoint | undefined;
  private readonly waiters: { block: number; resolve: () => void }[] = [];

  constructor(
    private readonly ctx: ProvinceContext,
    /** Told about every registry change, and when events may have been missed (caches drop entries). */
    private readonly registry: RegistryListener = {},
  ) {}

  /** Starts following events (returns at once). */
  start(): void {
    if (this.running) return;
    this.running = true;
    this.loop = this.follow();
  }

  /** Stops following and waits for the loop to end. */
  async stop(): Promise<void> {
    this.running = false;
    this.stream?.close();
    await this.loop;
    for (const w of this.waiters.splice(0)) w.resolve();
  }

  /** Resolves once every event up to and including `blockNumber` has been applied. */
  caughtUp(blockNumber: number): Promise<void> {
    if (this.applied !== undefined && this.applied.blockNumber >= blockNumber) return Promise.resolve();
    return new Promise((resolve) => this.waiters.push({ block: blockNumber, resolve }));
  }

  /** Applies one event (exported for tests that feed events by hand). */
  async apply(event: LedgerEvent): Promise<void> {
    const payload = parseEventPayload(event);
    const statuses: ProjectionItem[] = [];
    if (payload === undefined) {
      this.ctx.logger.warn(
        { txId: event.txId, event: event.eventName },
        'skipping an unreadable chaincode event',
      );
      // What it changed is unknown: caches start afresh.
      this.registry.resync?.();
    } else {
      for (const item of payload.items) {
        // Caches drop the item before the projection is written, as soon as the change is seen.
        this.registry.changed?.(item);
        const s = statusOf(item, event, event.timestamp !== '' ? event.timestamp : payload.at);
        if (s !== undefined) statuses.push(s);
      }
    }
    const notifications = statuses.map((s) => ({
      licenceId: s.licenceId,
      payload: JSON.stringify({
        type: 'licence.status',
        licenceId: s.licenceId,
        status: s.status,
        reasonCode: s.reasonCode,
        issuerMsp: s.issuerMsp,
        revision: s.revision,
        event: event.eventName,
        txId: event.txId,
        blockNumber: event.blockNumber,
        at: event.timestamp,
      } satisfies StatusNotification),
    }));
    const checkpoint = { blockNumber: event.blockNumber, txId: event.txId };
    await this.ctx.store.applyLedgerEvents(statuses, checkpoint, {
      alongside: (db) => enqueueNotifications(db, event.txId, notifications),
    });
    this.advance(checkpoint);
  }

  private advance(checkpoint: Checkpoint): void {
    this.applied = checkpoint;
    for (let i = this.waiters.length - 1; i >= 0; i--) {
      const w = this.waiters[i];
      if (w !== undefined && w.block <= checkpoint.blockNumber) {
        this.waiters.splice(i, 1);
        w.resolve();
      }
    }
  }

  private async follow(): Promise<void> {
    while (this.running) {
      try {
        const from = await this.ctx.store.projection.checkpoint();
        if (from !== undefined) this.advance(from);
        // Events between a dropped stream and this one may have been missed: caches start afresh.
        this.registry.resync?.();
        // Re-reading the checkpoint block is harmless (idempotent) and simpler than skipping inside it.
        this.stream = this.ctx.ledger.port.chaincodeEvents(from?.blockNumber ?? 0);
        for await (const event of this.stream) {
          if (!this.running) break;
          await this.apply(event);
        }
      } catch (error) {
        if (!this.running) break;
        // Changes made while the stream is down are not seen: drop what caches hold now, and
        // again when the stream is back (above).
        this.registry.resync?.();
        const code =
          error instanceof Error && 'code' in error && isErrorCode(error.code) ? error.code : 'INTERNAL';
        this.ctx.logger.warn({ code }, 'event listener failed; restarting from the checkpoint');
        await new Promise((resolve) => setTimeout(resolve, RETRY_MS));
      } finally {
        this.stream?.close();
        this.stream = undefined;
      }
    }
  }
}
