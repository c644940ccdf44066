/**
 * Process supervision for the network's nodes: each process is started detached (it outlives the shell and
 * the command that started it), writes to its own log file, and is recorded by PID with the executable it
 * must be. Processes are stopped by that PID, never by name, and only when /proc still shows the same
 * executable (a recycled PID is left alone).
 */
import { spawn } from 'node:child_process';
import { closeSync, existsSync, mkdirSync, openSync, readFileSync } from 'node:fs';
import { request } from 'node:http';
import { connect } from 'node:net';
import { join } from 'node:path';

/** A process the network started. */
export interface ProcessRecord {
  /** Stable name: the node's host, or `chaincode.<msp>.<slot>`. */
  readonly name: string;
  readonly pid: number;
  /** The executable, checked against /proc/<pid>/cmdline before any signal is sent. */
  readonly executable: string;
  readonly args: readonly string[];
  readonly log: string;
  readonly startedAt: string;
}

/** How to start one process. */
export interface StartSpec {
  readonly name: string;
  readonly executable: string;
  readonly args: readonly string[];
  readonly env: Readonly<Record<string, string>>;
  readonly cwd: string;
  readonly logsDir: string;
}

/** Starts a detached process whose stdout and stderr go to `<logsDir>/<name>.log` (appended). */
export function startProcess(spec: StartSpec): ProcessRecord {
  mkdirSync(spec.logsDir, { recursive: true });
  const log = join(spec.logsDir, `${spec.name}.log`);
  const fd = openSync(log, 'a');
  try {
    const child = spawn(spec.executable, [...spec.args], {
      cwd: spec.cwd,
      env: { ...process.env, ...spec.env },
      detached: true,
      stdio: ['ignore', fd, fd],
    });
    if (child.pid === undefined) throw new Error(`${spec.name}: ${spec.executable} could not be started`);
    child.unref();
    return {
      name: spec.name,
      pid: child.pid,
      executable: spec.executable,
      args: spec.args,
      log,
      startedAt: new Date().toISOString(),
    };
  } finally {
    closeSync(fd);
  }
}

/** Whether the recorded process is alive and still the same program (not a recycled PID). */
export function isRunning(record: ProcessRecord): boolean {
  const cmdline = `/proc/${record.pid}/cmdline`;
  if (!existsSync(cmdline)) return false;
  let text: string;
  try {
    text = readFileSync(cmdline, 'utf8');
    const stat = readFileSync(`/proc/${record.pid}/stat`, 'utf8');
    // A zombie has exited; it only waits for its parent to reap it.
    if (/^\d+ \(.*\) Z /.test(stat)) return false;
  } catch {
    return false;
  }
  return text.split('\0').includes(record.executable);
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Stops a recorded process by PID: SIGTERM, then SIGKILL after `graceMs`. Returns how it ended. */
export async function stopProcess(
  record: ProcessRecord,
  graceMs = 5000,
): Promise<'stopped' | 'killed' | 'not running'> {
  if (!isRunning(record)) return 'not running';
  try {
    process.kill(record.pid, 'SIGTERM');
  } catch {
    return 'not running';
  }
  for (let waited = 0; waited < graceMs; waited += 100) {
    await sleep(100);
    if (!isRunning(record)) return 'stopped';
  }
  try {
    process.kill(record.pid, 'SIGKILL');
  } catch {
    return 'stopped';
  }
  for (let i = 0; i < 50 && isRunning(record); i++) await sleep(100);
  return 'killed';
}

/** Kills a recorded process at once (SIGKILL), for fault tests. */
export function killProcess(record: ProcessRecord): boolean {
  if (!isRunning(record)) return false;
  process.kill(record.pid, 'SIGKILL');
  return true;
}

/** GETs a loopback HTTP URL; resolves with status and body, or undefined when nothing answers. */
export function httpGet(
  url: string,
  timeoutMs = 2000,
): Promise<{ status: number; body: string } | undefined> {
  return new Promise((resolve) => {
    const req = request(url, { timeout: timeoutMs }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => (body += chunk));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
    });
    req.on('timeout', () => req.destroy());
    req.on('error', () => resolve(undefined));
    req.end();
  });
}

/** Whether something accepts TCP connections on 127.0.0.1:port. */
export function portOpen(port: number, timeoutMs = 1000): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect({ host: '127.0.0.1', port });
    const done = (open: boolean) => {
      socket.destroy();
      resolve(open);
    };
    socket.setTimeout(timeoutMs, () => done(false));
    socket.once('connect', () => done(true));
    socket.once('error', () => done(false));
  });
}

/** A readiness check that failed: names what was awaited and where to look. */
export class NotReadyError extends Error {
  constructor(
    readonly what: string,
    readonly log?: string,
  ) {
    super(`${what} was not ready in time${log === undefined ? '' : `; see ${log}`}`);
  }
}

/**
 * Polls `check` until it returns a value other than undefined/false, or `timeoutMs` passes. Readiness is a
 * condition the process reports (a health endpoint, a metric, an open port), never a fixed sleep; the
 * timeout only bounds how long a broken start takes to be reported.
 */
export async function waitFor<T>(
  what: string,
  check: () => Promise<T | undefined | false>,
  timeoutMs: number,
  options: { readonly log?: string; readonly intervalMs?: number; readonly alive?: () => boolean } = {},
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value !== undefined && value !== false) return value;
    if (options.alive !== undefined && !options.alive()) {
      throw new NotReadyError(`${what} (the process exited)`, options.log);
    }
    if (Date.now() > deadline) throw new NotReadyError(what, options.log);
    await sleep(options.intervalMs ?? 200);
  }
}

/** Reads a Prometheus gauge's value (first series whose labels include every given label). */
export function metricValue(
  metrics: string,
  name: string,
  labels: Readonly<Record<string, string>> = {},
): number | undefined {
  for (const line of metrics.split('\n')) {
    if (!line.startsWith(name)) continue;
    const match = /^([a-zA-Z_:][\w:]*)(\{[^}]*\})?\s+(\S+)/.exec(line);
    if (match?.[1] !== name) continue;
    const labelText = match[2] ?? '';
    if (Object.entries(labels).every(([k, v]) => labelText.includes(`${k}="${v}"`))) return Number(match[3]);
  }
  return undefined;
}
