/**
 * Schema migrations: numbered SQL files applied in order, each inside one transaction together with
 * its row in schema_migrations, under an advisory lock so two gateways starting at once cannot race.
 * A migration that changed after it was applied stops start-up.
 */
import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import type { Pool } from 'pg';
import { LicenceError } from '@licence-ledger/domain';
import { SCHEMA_PATTERN, withTransaction } from './db';

/** One migration file. */
export interface Migration {
  readonly version: number;
  readonly name: string;
  readonly sql: string;
  readonly checksum: string;
}

// Arbitrary but fixed: identifies "the gateway migrator" among advisory locks.
const MIGRATION_LOCK = 7_354_220_100;
const FILE = /^(\d{3})_([a-z0-9_]+)\.sql$/;

/**
 * Where the SQL files are: next to this module when running from sources; from a build (which tsc
 * does not copy .sql into) fall back to the package's src folder.
 */
export function migrationsDir(): string {
  const here = path.join(__dirname, 'migrations');
  if (existsSync(here)) return here;
  return path.resolve(__dirname, '..', '..', 'src', 'storage', 'migrations');
}

/** Reads and orders the migration files in `dir`. */
export function loadMigrations(dir: string = migrationsDir()): Migration[] {
  const out: Migration[] = [];
  for (const file of readdirSync(dir).sort()) {
    const m = FILE.exec(file);
    if (m === null) continue;
    const sql = readFileSync(path.join(dir, file), 'utf8');
    out.push({
      version: Number(m[1]),
      name: m[2] ?? file,
      sql,
      checksum: createHash('sha256').update(sql).digest('hex'),
    });
  }
  out.forEach((mig, i) => {
    if (mig.version !== i + 1)
      throw new Error(`migration versions must run 1, 2, 3…; found ${mig.version} at ${i + 1}`);
  });
  return out;
}

/** Applies pending migrations; returns the versions it applied (empty when up to date). */
export async function migrate(
  pool: Pool,
  options: { schema?: string; migrations?: readonly Migration[] } = {},
): Promise<number[]> {
  const { schema } = options;
  if (schema !== undefined && !SCHEMA_PATTERN.test(schema)) throw new TypeError('bad schema name');
  const migrations = options.migrations ?? loadMigrations();
  return withTransaction(pool, async (tx) => {
    await tx.query('SELECT pg_advisory_xact_lock($1)', [MIGRATION_LOCK]);
    if (schema !== undefined) {
      await tx.query(`CREATE SCHEMA IF NOT EXISTS ${schema}`);
      await tx.query(`SET LOCAL search_path TO ${schema}`);
    }
    await tx.query(`CREATE TABLE IF NOT EXISTS schema_migrations (
      version    integer PRIMARY KEY,
      name       text NOT NULL,
      checksum   text NOT NULL,
      applied_at timestamptz NOT NULL DEFAULT now()
    )`);
    const { rows } = await tx.query<{ version: number; checksum: string }>(
      'SELECT version, checksum FROM schema_migrations ORDER BY version',
    );
    const applied = new Map(rows.map((r) => [r.version, r.checksum]));
    const done: number[] = [];
    for (const m of migrations) {
      const seen = applied.get(m.version);
      if (seen !== undefined) {
        if (seen !== m.checksum) {
          throw new LicenceError(
            'INTERNAL',
            `migration ${m.version} (${m.name}) changed after it was applied`,
          );
        }
        continue;
      }
      await tx.query(m.sql);
      await tx.query('INSERT INTO schema_migrations (version, name, checksum) VALUES ($1, $2, $3)', [
        m.version,
        m.name,
        m.checksum,
      ]);
      done.push(m.version);
    }
    return done;
  });
}
