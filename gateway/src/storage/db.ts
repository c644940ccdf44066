/**
 * PostgreSQL access through pg: one Pool per province database, and transactions that always end
 * in COMMIT or ROLLBACK. Repositories accept a `Queryable` so the same code runs on the pool or
 * inside a transaction.
 */
import { Client, Pool } from 'pg';
import type { PoolClient, QueryResultRow } from 'pg';

/** Anything repositories can run SQL on: the pool or a client inside a transaction. */
export interface Queryable {
  query<R extends QueryResultRow = QueryResultRow>(
    text: string,
    values?: unknown[],
  ): Promise<{ rows: R[]; rowCount: number | null }>;
}

/** Options for {@link createPool}. */
export interface PoolOptions {
  readonly connectionString: string;
  /** Most connections. PGlite serves one connection at a time, so the embedded server needs 1. */
  readonly max?: number;
  /** Schema for this province's tables (created by `migrate`); 'public' when omitted. */
  readonly schema?: string;
  /** Milliseconds to wait for a connection before failing. */
  readonly connectionTimeoutMs?: number;
  /** Milliseconds a statement may run. */
  readonly statementTimeoutMs?: number;
}

/** Schema names we create and put in search_path: plain identifiers only, so quoting is not needed. */
export const SCHEMA_PATTERN = /^[a-z_][a-z0-9_]{0,62}$/;

/** Creates a pg Pool; every new connection gets the province schema on its search_path. */
export function createPool(options: PoolOptions): Pool {
  const schema = options.schema;
  if (schema !== undefined && !SCHEMA_PATTERN.test(schema)) {
    throw new TypeError('schema must be a lower-case SQL identifier');
  }
  const max = options.max ?? 10;
  const pool = new Pool({
    connectionString: options.connectionString,
    max,
    connectionTimeoutMillis: options.connectionTimeoutMs ?? 10_000,
    // A single-connection pool (PGlite) keeps its connection rather than reconnecting when idle.
    idleTimeoutMillis: max === 1 ? 0 : 30_000,
    ...(options.statementTimeoutMs === undefined ? {} : { statement_timeout: options.statementTimeoutMs }),
    // Set at connection start-up, so no query can ever run against another province's tables.
    ...(schema === undefined ? {} : { options: `-c search_path=${schema}` }),
  });
  // An idle client losing its server must not crash the process; the pool replaces it.
  pool.on('error', () => undefined);
  return pool;
}

/**
 * Runs `fn` inside BEGIN … COMMIT on one connection; rolls back and rethrows on any error. A client
 * whose rollback failed is discarded rather than returned to the pool in an unknown state.
 */
export async function withTransaction<T>(pool: Pool, fn: (tx: PoolClient) => Promise<T>): Promise<T> {
  const client = await pool.connect();
  let broken: Error | undefined;
  try {
    await client.query('BEGIN');
    const result = await fn(client);
    await client.query('COMMIT');
    return result;
  } catch (err) {
    try {
      await client.query('ROLLBACK');
    } catch (rollbackError) {
      broken = rollbackError instanceof Error ? rollbackError : new Error('rollback failed');
    }
    throw err;
  } finally {
    client.release(broken);
  }
}

/** Checks the database answers (for /readyz). */
export async function ping(db: Queryable): Promise<boolean> {
  try {
    await db.query('SELECT 1');
    return true;
  } catch {
    return false;
  }
}

/**
 * Runs one statement on its own connection to `url`, outside any pool; for statements that cannot
 * run in a transaction or on the province's own database, such as CREATE DATABASE.
 */
export async function runOnServer(url: string, sql: string): Promise<void> {
  const client = new Client({ connectionString: url });
  await client.connect();
  try {
    await client.query(sql);
  } finally {
    await client.end();
  }
}
