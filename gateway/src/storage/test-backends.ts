/**
 * The databases storage tests run against: the embedded PGlite server always, and a real
 * PostgreSQL server when TEST_DATABASE_URL is set (each test file in its own throw-away schema).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { randomBytes } from 'node:crypto';
import { createPool } from './db';
import { migrate } from './migrate';
import { createStore, openStore } from './store';
import { createContentCipher, newContentKey } from './content-cipher';
import type { ContentCipher } from './content-cipher';
import type { Store } from './store';

/** A database opened for a test file. */
export interface TestDatabase {
  readonly store: Store;
  /** Empties every table (keeping the schema). */
  reset(): Promise<void>;
  close(): Promise<void>;
}

/** A backend name and how to open a fresh database on it. */
export type Backend = readonly [name: string, open: () => Promise<TestDatabase>];

const TABLES = [
  'trail_outbox',
  'webhook_deliveries',
  'webhook_subscription_licences',
  'webhook_subscriptions',
  'replay',
  'verification_log',
  'ledger_checkpoint',
  'status_projection',
  'idempotency_keys',
  'outbox',
  'licence_serials',
  'licences',
];

const reset = (store: Store) => async () => {
  await store.pool.query(`TRUNCATE ${TABLES.join(', ')}`);
};

/** A content cipher under a fresh random key, for test databases. */
export function testCipher(): ContentCipher {
  return createContentCipher(newContentKey());
}

/** Opens the embedded server on a fresh temporary data directory (content sealed with `cipher`). */
export async function openEmbedded(
  dataDir?: string,
  cipher: ContentCipher = testCipher(),
): Promise<TestDatabase & { dataDir: string }> {
  const dir = dataDir ?? mkdtempSync(path.join(os.tmpdir(), 'll-pglite-'));
  const store = await openStore({ databaseUrl: undefined, dataDir: dir, cipher });
  return {
    store,
    dataDir: dir,
    reset: reset(store),
    close: async () => {
      await store.close();
      if (dataDir === undefined) rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** Opens a fresh schema on the server at `url`. */
export async function openPostgres(url: string): Promise<TestDatabase> {
  const schema = `t_${randomBytes(6).toString('hex')}`;
  const pool = createPool({ connectionString: url, schema, max: 4 });
  await migrate(pool, { schema });
  const store = createStore(pool, testCipher());
  return {
    store,
    reset: reset(store),
    close: async () => {
      await pool.query(`DROP SCHEMA ${schema} CASCADE`);
      await store.close();
    },
  };
}

/**
 * Why the real PostgreSQL server is not tested in this run (undefined when TEST_DATABASE_URL names
 * one). Under CI=true a missing server is an error, so the suite can never shrink silently there.
 */
export function postgresServerMissing(env: NodeJS.ProcessEnv = process.env): string | undefined {
  if (env.TEST_DATABASE_URL !== undefined && env.TEST_DATABASE_URL !== '') return undefined;
  const reason = 'TEST_DATABASE_URL is not set (npm run test:all starts a PostgreSQL server and sets it)';
  if (env.CI === 'true') throw new Error(`the real PostgreSQL suite must run in CI: ${reason}`);
  return reason;
}

/** Every backend available in this environment. */
export function backends(): Backend[] {
  const list: Backend[] = [['embedded PGlite', () => openEmbedded()]];
  const url = process.env.TEST_DATABASE_URL;
  if (postgresServerMissing() === undefined && url !== undefined) {
    list.push(['PostgreSQL server', () => openPostgres(url)]);
  }
  return list;
}
