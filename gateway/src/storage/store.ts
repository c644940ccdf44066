/**
 * The province database as one object: each repository bound to the pool, a `transaction` that
 * binds them all to one connection, and the atomic "apply ledger events and move the checkpoint".
 */
import path from 'node:path';
import type { Pool } from 'pg';
import { createPool, ping, withTransaction } from './db';
import type { Queryable } from './db';
import { startEmbeddedPostgres } from './embedded-postgres';
import { idempotencyRepo } from './idempotency';
import type { IdempotencyRepo } from './idempotency';
import { licenceRepo } from './licences';
import type { LicenceRepo } from './licences';
import { migrate } from './migrate';
import { outboxRepo } from './outbox';
import type { OutboxRepo } from './outbox';
import { DEFAULT_STREAM, projectionRepo } from './projection';
import type { Checkpoint, ProjectionItem, ProjectionRepo } from './projection';
import { replayRepo } from './replay';
import type { ReplayRepo } from './replay';
import { trailRepo } from './trail';
import type { TrailRepo } from './trail';
import { verificationLogRepo } from './verification-log';
import type { VerificationLogRepo } from './verification-log';
import { webhookRepo } from './webhooks';
import type { WebhookRepo } from './webhooks';

/** Every repository, bound to one Queryable. */
export interface Repositories {
  readonly licences: LicenceRepo;
  readonly outbox: OutboxRepo;
  readonly idempotency: IdempotencyRepo;
  readonly projection: ProjectionRepo;
  readonly verifications: VerificationLogRepo;
  readonly replay: ReplayRepo;
  readonly webhooks: WebhookRepo;
  readonly trail: TrailRepo;
}

/** Options of {@link Store.applyLedgerEvents}. */
export interface LedgerEventOptions {
  /** The event stream's name (default the licence stream). */
  readonly stream?: string;
  /** Further writes that must commit or fail together with the projection. */
  readonly alongside?: (tx: Repositories) => Promise<void>;
}

/** The province database. */
export interface Store extends Repositories {
  readonly pool: Pool;
  /** Runs `fn` with repositories bound to one transaction (committed when fn resolves). */
  transaction<T>(fn: (tx: Repositories) => Promise<T>): Promise<T>;
  /**
   * Applies event items and moves the checkpoint in one transaction; returns rows changed.
   * `alongside` runs in that same transaction (e.g. to enqueue the notifications the event causes).
   */
  applyLedgerEvents(
    items: readonly ProjectionItem[],
    checkpoint: Checkpoint,
    options?: LedgerEventOptions,
  ): Promise<number>;
  /** Whether the database answers. */
  ping(): Promise<boolean>;
  /** Closes the pool (and the embedded server, when the store started one). */
  close(): Promise<void>;
}

/** Binds every repository to `db`. */
export function repositories(db: Queryable): Repositories {
  return {
    licences: licenceRepo(db),
    outbox: outboxRepo(db),
    idempotency: idempotencyRepo(db),
    projection: projectionRepo(db),
    verifications: verificationLogRepo(db),
    replay: replayRepo(db),
    webhooks: webhookRepo(db),
    trail: trailRepo(db),
  };
}

/** Wraps an existing pool (already migrated) as a Store; `onClose` runs after the pool ends. */
export function createStore(pool: Pool, onClose: () => Promise<void> = () => Promise.resolve()): Store {
  let closed = false;
  return {
    ...repositories(pool),
    pool,
    transaction: (fn) => withTransaction(pool, (client) => fn(repositories(client))),
    applyLedgerEvents: (items, checkpoint, options = {}) =>
      withTransaction(pool, async (client) => {
        const tx = repositories(client);
        const changed = await tx.projection.apply(items);
        await options.alongside?.(tx);
        await tx.projection.saveCheckpoint(checkpoint, options.stream ?? DEFAULT_STREAM);
        return changed;
      }),
    ping: () => ping(pool),
    async close() {
      if (closed) return;
      closed = true;
      await pool.end();
      await onClose();
    },
  };
}

/** Options for {@link openStore}. */
export interface OpenStoreOptions {
  /** A PostgreSQL URL; when absent an embedded PGlite server is started under `dataDir`. */
  readonly databaseUrl: string | undefined;
  /** The gateway's data directory (the embedded database goes in its `postgres` folder). */
  readonly dataDir: string;
  /** Schema for this province's tables on a shared server. */
  readonly schema?: string;
}

/** Opens (starting the embedded server if needed) and migrates the province database. */
export async function openStore(options: OpenStoreOptions): Promise<Store> {
  if (options.databaseUrl !== undefined) {
    const pool = createPool({ connectionString: options.databaseUrl, schema: options.schema });
    try {
      await migrate(pool, { schema: options.schema });
    } catch (err) {
      await pool.end();
      throw err;
    }
    return createStore(pool);
  }
  const embedded = await startEmbeddedPostgres({ dataDir: path.join(options.dataDir, 'postgres') });
  const pool = createPool({ connectionString: embedded.connectionString, max: embedded.maxConnections });
  try {
    await migrate(pool);
  } catch (err) {
    await pool.end();
    await embedded.stop();
    throw err;
  }
  return createStore(pool, () => embedded.stop());
}
