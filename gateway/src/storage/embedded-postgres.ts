/**
 * The embedded default: PGlite (PostgreSQL compiled to WASM) persisted under the gateway's data
 * directory and served over the Postgres wire protocol on 127.0.0.1, so the same pg code runs as
 * against a real server.
 *
 * PGlite runs in a child process. Its queries execute synchronously inside WASM, so in-process they
 * would stall the gateway's event loop (and every concurrent request) for the length of each
 * query; in a child they do not. The child also owns the data directory exclusively (a pid lock,
 * waited for while an earlier owner is still closing) and closes the database cleanly when the
 * gateway stops or dies (its IPC channel closes).
 *
 * PGlite executes one connection's work at a time and interleaves the statements of concurrent
 * connections, so clients must use a single connection (pool max 1). The server still accepts a
 * few sockets: pg's Pool discards a connection after a query error and opens the next one while the
 * old socket is still closing, and a one-socket limit would reset that new connection.
 */
import { spawn } from 'node:child_process';
import { mkdirSync } from 'node:fs';

/** A running embedded Postgres. */
export interface EmbeddedPostgres {
  /** postgres:// URL of the local server. */
  readonly connectionString: string;
  /** The pool size it supports. */
  readonly maxConnections: 1;
  /** Stops the server and closes the database (flushing it to disk). */
  stop(): Promise<void>;
}

/** Longest wait for PGlite to open its data directory and listen. */
const START_TIMEOUT_MS = 120_000;
/**
 * Longest wait for an earlier owner of the data directory to let go. A gateway killed outright
 * leaves its database child closing the database for a moment; a restart at once (a supervisor's)
 * waits for that instead of failing. A directory held for longer is in use by another gateway.
 */
const LOCK_WAIT_MS = 20_000;

// The child's program. Plain CommonJS passed with `node -e`, so it runs the same from sources (tests)
// and from a build; module paths are resolved by the parent and passed as arguments.
const CHILD = String.raw`
const fs = require('node:fs');
const path = require('node:path');
const [pglitePath, socketPath, dataDir, port, lockWait] = process.argv.slice(1);
const lock = path.join(dataDir, 'embedded.pid');
const lockWaitMs = Number(lockWait);
// The process holding the lock, if it is alive.
function holder() {
  try {
    const pid = Number(fs.readFileSync(lock, 'utf8'));
    if (!(pid > 0) || pid === process.pid) return 0;
    try { process.kill(pid, 0); return pid; } catch (e) { if (e.code === 'ESRCH') return 0; throw e; }
  } catch (e) { if (e.code === 'ENOENT') return 0; throw e; }
}
async function takeLock() {
  const until = Date.now() + lockWaitMs;
  for (let pid = holder(); pid !== 0; pid = holder()) {
    if (Date.now() >= until)
      throw new Error('the embedded database in ' + dataDir + ' is in use by process ' + pid +
        ' (still, after ' + Math.round(lockWaitMs / 1000) + ' s)');
    await new Promise((r) => setTimeout(r, 100));
  }
  fs.writeFileSync(lock, String(process.pid));
}
(async () => {
  await takeLock();
  const { PGlite } = require(pglitePath);
  const { PGLiteSocketServer } = require(socketPath);
  const db = await PGlite.create(path.join(dataDir, 'pgdata'));
  const server = new PGLiteSocketServer({ db, host: '127.0.0.1', port: Number(port), maxConnections: 8 });
  await server.start();
  let stopping = false;
  const stop = async () => {
    if (stopping) return;
    stopping = true;
    let code = 0;
    try { await server.stop(); await db.close(); } catch { code = 1; }
    try { fs.unlinkSync(lock); } catch {}
    process.exit(code);
  };
  process.on('message', (m) => { if (m && m.cmd === 'stop') void stop(); });
  process.on('disconnect', () => void stop());
  process.on('SIGTERM', () => void stop());
  process.on('SIGINT', () => void stop());
  process.send({ listening: server.getServerConn() });
})().catch((err) => {
  try { process.send({ error: String((err && err.message) || err) }); } catch {}
  process.exit(1);
});
`;

/** Starts PGlite with its data in `dataDir` (created if missing) on a free port of 127.0.0.1. */
export async function startEmbeddedPostgres(options: {
  dataDir: string;
  port?: number;
}): Promise<EmbeddedPostgres> {
  mkdirSync(options.dataDir, { recursive: true });
  const child = spawn(
    process.execPath,
    [
      '-e',
      CHILD,
      require.resolve('@electric-sql/pglite'),
      require.resolve('@electric-sql/pglite-socket'),
      options.dataDir,
      String(options.port ?? 0),
      String(LOCK_WAIT_MS),
    ],
    { stdio: ['ignore', 'ignore', 'inherit', 'ipc'] },
  );
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));

  const conn = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error('the embedded database did not start in time'));
    }, START_TIMEOUT_MS);
    child.on('message', (m: { listening?: string; error?: string }) => {
      clearTimeout(timer);
      if (typeof m.listening === 'string') resolve(m.listening);
      else reject(new Error(`the embedded database did not start: ${m.error ?? 'unknown error'}`));
    });
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`the embedded database exited during start-up (code ${String(code)})`));
    });
    child.once('error', (err) => {
      clearTimeout(timer);
      reject(err);
    });
  });

  let stopping: Promise<void> | undefined;
  return {
    connectionString: `postgres://postgres@${conn}/postgres?sslmode=disable`,
    maxConnections: 1,
    stop() {
      stopping ??= (async () => {
        if (child.exitCode === null && child.connected) child.send({ cmd: 'stop' });
        const code = await exited;
        if (code !== 0 && code !== null) throw new Error(`the embedded database stopped with code ${code}`);
      })();
      return stopping;
    },
  };
}
