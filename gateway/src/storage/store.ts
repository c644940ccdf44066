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
import type { ContentCipher } from './content-cipher';
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

/** Binds every repository to `db`; licence content is sealed with `cipher`. */
export function repositories(db: Queryable, cipher: ContentCipher): Repositories {
  return {
    licences: licenceRepo(db, cipher),
    outbox: outboxRepo(db),
    idempotency: idempotencyRepo(db),
    projection: projectionRepo(db),
    verifications: verificationLogRepo(db),
    replay: replayRepo(db),
    webhooks: webhookRepo(db),
    trail: trailRepo(db),
  };
}

/**
 * Wraps an existing pool (already migrated) as a Store sealing licence content with `cipher`;
 * `onClose` runs after the pool ends.
 */
export function createStore(
  pool: Pool,
  cipher: ContentCipher,
  onClose: () => Promise<void> = () => Promise.resolve(),
): Store {
  let closed = false;
  return {
    ...repositories(pool, cipher),
    pool,
    transaction: (fn) => withTransaction(pool, (client) => fn(repositories(client, cipher))),
    applyLedgerEvents: (items, checkpoint, options = {}) =>
      withTransaction(pool, async (client) => {
        const tx = repositories(client, cipher);
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
  /** Seals and opens licence content (the province's content key). */
  readonly cipher: ContentCipher;
}

/**
 * Opens (starting the embedded server if needed) and migrates the province database, then seals any
 * licence content still stored in plaintext.
 */
export async function openStore(options: OpenStoreOptions): Promise<Store> {
  if (options.databaseUrl !== undefined) {
    const pool = createPool({ connectionString: options.databaseUrl, schema: options.schema });
    return prepared(pool, options, { schema: options.schema }, () => Promise.resolve());
  }
  const embedded = await startEmbeddedPostgres({ dataDir: path.join(options.dataDir, 'postgres') });
  const pool = createPool({ connectionString: embedded.connectionString, max: embedded.maxConnections });
  return prepared(pool, options, {}, () => embedded.stop());
}

/** Migrates, seals plaintext content and wraps `pool`; on failure ends the pool and runs `onClose`. */
async function prepared(
  pool: Pool,
  options: OpenStoreOptions,
  migration: { schema?: string | undefined },
  onClose: () => Promise<void>,
): Promise<Store> {
  try {
    await migrate(pool, migration);
    const store = createStore(pool, options.cipher, onClose);
    await store.licences.sealPlaintext();
    return store;
  } catch (err) {
    await pool.end();
    await onClose();
    throw err;
  }
}
