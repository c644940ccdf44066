/**
 * Issuance survives the gateway process being killed for real (SIGKILL: no handler runs, nothing is
 * flushed on the way out) while issuing requests are in flight. The demo runs as a child process
 * over a data directory, exactly as `npm start` runs it; it is killed in the middle of a load of
 * issuing requests and started again over the same directory, and every request that got no answer
 * is sent again with the same Idempotency-Key, as a client would. Then:
 *   - every request, answered before the kill or retried after it, has exactly one licence;
 *   - the ledger and Guangdong's database hold the same licences, and no others: none lost, none
 *     duplicated, none on one side only; no outbox entry is left unfinished;
 *   - every licence is in the status projection (the event listener resumed from its checkpoint).
 * Two kills take the gateway process alone (its embedded databases notice and close on their own);
 * one takes the whole process group at once, the embedded databases with it, so their own crash
 * recovery is exercised too.
 *
 * The child runs the built CLI (gateway/dist/cli.js); `tsc -b` brings the build up to date first.
 */
import { execFileSync, spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { startCluster } from '../demo/cluster';
import { defaultPkiConfigPath } from '../demo/material';
import { GD, agencyLicences, drivingLicence } from './test-support';

jest.setTimeout(600_000);

const REPO_ROOT = resolve(__dirname, '..', '..', '..');
const CLI = join(REPO_ROOT, 'gateway', 'dist', 'cli.js');
/** Concurrent issuing clients. */
const CLIENTS = 6;

/** A demo process started by the test. */
interface Demo {
  readonly child: ChildProcess;
  readonly gd: string;
  readonly issuerBearer: string;
  readonly exited: Promise<number | null>;
  /** Everything it printed, for the failure message. */
  output(): string;
}

/** One issuing request: its key and body, and the licence id once an answer named one. */
interface Attempt {
  readonly key: string;
  readonly body: Record<string, unknown>;
  id?: string;
}

describe('issuance survives SIGKILL of the gateway process', () => {
  let dir: string;
  /** The demo process running now, if any (killed with its group should the test fail). */
  let running: Demo | undefined;

  beforeAll(async () => {
    execFileSync(process.execPath, [require.resolve('typescript/bin/tsc'), '-b'], {
      cwd: REPO_ROOT,
      stdio: 'inherit',
    });
    dir = await mkdtemp(join(tmpdir(), 'll-kill-'));
  });
  afterAll(async () => {
    if (running !== undefined && running.child.exitCode === null && running.child.signalCode === null) {
      process.kill(-running.child.pid!, 'SIGKILL');
      await running.exited;
      // Its embedded databases close once they notice; the directory goes after them.
      await new Promise((r) => setTimeout(r, 3000));
    }
    if (dir !== undefined) await rm(dir, { recursive: true, force: true });
  });

  /** Starts the demo over `dir` (in its own process group) and waits until it is ready. */
  async function startDemo(): Promise<Demo> {
    const child = spawn(
      process.execPath,
      [CLI, 'demo', '--ports', '0,0,0', '--data-dir', dir, '--log-level', 'error'],
      { cwd: REPO_ROOT, detached: true, stdio: ['ignore', 'pipe', 'pipe'] },
    );
    let text = '';
    child.stdout?.on('data', (b: Buffer) => (text += b.toString()));
    child.stderr?.on('data', (b: Buffer) => (text += b.toString()));
    const exited = new Promise<number | null>((done) => child.once('exit', (code) => done(code)));
    await new Promise<void>((ready, fail) => {
      const timer = setInterval(() => {
        if (text.includes('\nready in ')) {
          clearInterval(timer);
          ready();
        }
      }, 50);
      void exited.then((code) => {
        clearInterval(timer);
        fail(new Error(`the demo exited (code ${String(code)}) before it was ready:\n${text}`));
      });
    });
    const tokens = JSON.parse(await readFile(join(dir, 'demo', 'tokens.json'), 'utf8')) as {
      gateways: Record<string, string>;
      tokens: Record<string, { token: string }>;
    };
    running = {
      child,
      gd: tokens.gateways[GD]!,
      issuerBearer: `Bearer ${tokens.tokens['gd-issuer']!.token}`,
      exited,
      output: () => text,
    };
    return running;
  }

  /** Sends one attempt; the licence id of a 200/201 answer, or undefined when no answer came. */
  async function send(demo: Demo, attempt: Attempt): Promise<string | undefined> {
    let res: Response;
    try {
      res = await fetch(`${demo.gd}/api/v1/licences`, {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          authorization: demo.issuerBearer,
          'idempotency-key': attempt.key,
        },
        body: JSON.stringify(attempt.body),
      });
    } catch {
      return undefined; // the process died with the request in flight
    }
    const body = (await res.json().catch(() => ({}))) as { licence?: { id?: string } };
    if ((res.status !== 200 && res.status !== 201) || typeof body.licence?.id !== 'string') {
      throw new Error(`issuing answered ${res.status}: ${JSON.stringify(body)}`);
    }
    return body.licence.id;
  }

  /**
   * Issues from CLIENTS concurrent clients until the process dies; kills it (`group`: the whole
   * process group) `afterMs` after the first answer.
   */
  async function issueUntilKilled(demo: Demo, attempts: Attempt[], afterMs: number, group: boolean) {
    let dead = false;
    let answered!: () => void;
    const firstAnswer = new Promise<void>((r) => (answered = r));
    const client = async (): Promise<void> => {
      while (!dead) {
        const attempt: Attempt = { key: randomUUID(), body: drivingLicence() };
        attempts.push(attempt);
        const id = await send(demo, attempt);
        if (id === undefined) return;
        attempt.id = id;
        answered();
      }
    };
    const clients = Array.from({ length: CLIENTS }, () => client());
    await firstAnswer;
    await new Promise((r) => setTimeout(r, afterMs));
    dead = true;
    process.kill(group ? -demo.child.pid! : demo.child.pid!, 'SIGKILL');
    await demo.exited;
    await Promise.all(clients);
  }

  it('loses and duplicates nothing across kills, and ledger and database agree', async () => {
    const attempts: Attempt[] = [];
    const kills: readonly { afterMs: number; group: boolean }[] = [
      { afterMs: 150, group: false },
      { afterMs: 400, group: true },
      { afterMs: 250, group: false },
    ];
    let retried = 0;
    let demo = await startDemo();
    for (const kill of kills) {
      await issueUntilKilled(demo, attempts, kill.afterMs, kill.group);
      // Restarted at once over the same directory, as a supervisor would.
      demo = await startDemo();
      for (const attempt of attempts.filter((a) => a.id === undefined)) {
        retried++;
        const id = await send(demo, attempt);
        if (id === undefined) throw new Error(`no answer after the restart:\n${demo.output()}`);
        attempt.id = id;
      }
    }
    // Each retried key answers its own licence again (the Idempotency-Key's record).
    const replayed = attempts[attempts.length - 1]!;
    expect(await send(demo, replayed)).toBe(replayed.id);
    demo.child.kill('SIGTERM');
    expect(await demo.exited).toBe(0);

    const ids = attempts.map((a) => a.id!);
    expect(attempts.length).toBeGreaterThan(kills.length * CLIENTS);
    // Requests were in flight at the kills (each client had one), so retries were exercised.
    expect(retried).toBeGreaterThanOrEqual(kills.length);
    expect(new Set(ids).size).toBe(ids.length);

    // The data as the next start sees it, opened in this process.
    const cluster = await startCluster({
      dataDir: join(dir, 'demo'),
      cryptoDir: join(dir, 'crypto'),
      pkiConfigPath: defaultPkiConfigPath(REPO_ROOT),
      logLevel: 'silent',
    });
    try {
      const gd = cluster.province(GD).runtime.services;
      const agency = (await gd.ctx.store.licences.get(ids[0]!))?.agency;
      expect(agency).toBeDefined();
      const { local, ledger } = await agencyLicences(gd, agency!);
      expect([...local.keys()].sort()).toEqual([...ids].sort());
      expect([...local.values()].every((s) => s === 'issued')).toBe(true);
      expect([...ledger].sort()).toEqual([...ids].sort());
      expect(await gd.ctx.store.outbox.listPending()).toEqual([]);
      await gd.projection.caughtUp((await cluster.port.chainInfo()).height - 1);
      for (const id of ids) expect(await gd.ctx.store.projection.get(id)).not.toBeNull();
    } finally {
      await cluster.close();
    }
  });
});
