/**
 * The embedded default: PGlite (PostgreSQL compiled to WASM) persisted under the gateway's data
 * directory and served over the Postgres wire protocol on 127.0.0.1, so the same pg code runs as
 * against a real server. PGlite executes one connection's work at a time and interleaves the
 * statements of concurrent connections, so clients must use a single connection (pool max 1).
 */
import { mkdirSync } from 'node:fs';
import { PGlite } from '@electric-sql/pglite';
import { PGLiteSocketServer } from '@electric-sql/pglite-socket';

/** A running embedded Postgres. */
export interface EmbeddedPostgres {
  /** postgres:// URL of the local server. */
  readonly connectionString: string;
  /** The pool size it supports. */
  readonly maxConnections: 1;
  /** Stops the server and closes the database (flushing it to disk). */
  stop(): Promise<void>;
}

/** Starts PGlite with its data in `dataDir` (created if missing) on a free port of 127.0.0.1. */
export async function startEmbeddedPostgres(options: { dataDir: string; port?: number }): Promise<EmbeddedPostgres> {
  mkdirSync(options.dataDir, { recursive: true });
  const db = await PGlite.create(options.dataDir);
  const server = new PGLiteSocketServer({ db, host: '127.0.0.1', port: options.port ?? 0, maxConnections: 1 });
  try {
    await server.start();
  } catch (err) {
    await db.close();
    throw err;
  }
  const conn = server.getServerConn();
  let stopped = false;
  return {
    connectionString: `postgres://postgres@${conn}/postgres?sslmode=disable`,
    maxConnections: 1,
    async stop() {
      if (stopped) return;
      stopped = true;
      await server.stop();
      await db.close();
    },
  };
}
