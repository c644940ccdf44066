/* eslint-disable @typescript-eslint/no-unsafe-member-access -- supertest types response bodies as any; the assertions check their shape */
/**
 * Guangdong's PostgreSQL server crashes and comes back under a running gateway. The server is a real
 * one of its own (gateway/scripts/postgres.sh with a temporary PG_HOME; `crash` is an immediate
 * shutdown, so the restart runs WAL recovery), never the shared test server. While it is down:
 * issuing answers 503 STORAGE_UNAVAILABLE, readiness answers 503, a verification answers 200
 * STATUS_UNAVAILABLE (its token stays unused), and a revocation made meanwhile by another province
 * reaches the ledger. Once the server is back, with no restart of the gateway: readiness recovers,
 * the projection catches up with the revocation from its checkpoint, what was acknowledged before
 * the crash is still there, the same token verifies VALID, and issuing works again.
 */
import { execFile } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import type { IssueInput } from '../services/issuance';
import { postgresServerMissing } from '../storage/test-backends';
import {
  AGENCY,
  CLUSTER_START_MS,
  GD,
  HOLDER_ID,
  ZJ,
  drivingLicence,
  issueSampleLicence,
  presentation,
  startTestCluster,
} from './test-support';
import type { TestCluster } from './test-support';

jest.setTimeout(300_000);

const run = promisify(execFile);
const SCRIPT = resolve(__dirname, '..', '..', 'scripts', 'postgres.sh');
const PURPOSE = '数据库重启测试 database restart test';

/** Runs postgres.sh `command` for the cluster under `home`; its DATABASE_URL for start. */
async function postgres(home: string, command: 'start' | 'crash' | 'stop'): Promise<string> {
  const { stdout } = await run('bash', [SCRIPT, command], {
    env: { ...process.env, PG_HOME: home, PG_PORT: '' },
  });
  return /^DATABASE_URL=(.+)$/m.exec(stdout)?.[1] ?? '';
}

/** Resolves `p`, or rejects after `ms` naming `what`. */
async function within<T>(ms: number, what: string, p: Promise<T>): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what}: not within ${ms} ms`)), ms);
  });
  try {
    return await Promise.race([p, timeout]);
  } finally {
    clearTimeout(timer);
  }
}

const missing = postgresServerMissing();
if (missing !== undefined) {
  it.skip(`a PostgreSQL server restart under a running gateway: skipped, ${missing}`, () => undefined);
} else {
  describe('the PostgreSQL server crashes and comes back under a running gateway', () => {
    let home: string;
    let t: TestCluster | undefined;

    beforeAll(async () => {
      home = await mkdtemp(join(tmpdir(), 'll-pg-restart-'));
      const url = await postgres(home, 'start');
      t = await startTestCluster({ provinces: [GD, ZJ], databaseUrls: { [GD]: url } });
    }, CLUSTER_START_MS);
    afterAll(async () => {
      await t?.close();
      await postgres(home, 'stop').catch(() => undefined);
      await rm(home, { recursive: true, force: true });
    });

    it('answers honestly while it is down and recovers on its own, losing nothing', async () => {
      const c = t!;
      const gd = c.cluster.province(GD).runtime.services;
      const zj = c.cluster.province(ZJ).runtime.services;
      const { id, issuer } = await issueSampleLicence(c);
      const holder = await c.token({ role: 'holder', province: GD, holderId: HOLDER_ID });
      const presented = await presentation(c, holder, id, ['name', 'class']);
      expect(presented.status).toBe(201);
      const token = presented.body.token as string;
      const verifier = await c.token({ role: 'verifier', province: GD, agency: AGENCY.gdDmv });
      const verify = () =>
        c
          .http(GD)
          .post('/api/v1/verifications')
          .set('authorization', verifier)
          .send({ token, purpose: PURPOSE });
      const zjIssuer = { sub: 'zj-clerk', role: 'issuer' as const, province: ZJ, agency: AGENCY.zjDmv };
      const zjLicence = await zj.issuance.issue(AGENCY.zjDmv, drivingLicence() as unknown as IssueInput);
      const issue = () =>
        c.http(GD).post('/api/v1/licences').set('authorization', issuer).send(drivingLicence());

      await postgres(home, 'crash');

      const refused = await issue();
      expect(refused.status).toBe(503);
      expect(refused.body.code).toBe('STORAGE_UNAVAILABLE');
      expect((await c.http(GD).get('/readyz')).status).toBe(503);
      const during = await verify();
      expect(during.status).toBe(200);
      expect(during.body.result).toBe('STATUS_UNAVAILABLE');
      // Zhejiang's database is up: its revocation reaches the ledger while Guangdong's is down.
      const revocation = await zj.licences.changeStatus(zjIssuer, zjLicence.licence.id, {
        action: 'revoke',
        reasonCode: 'DB_RESTART_TEST',
        reasonText: '',
      });

      await postgres(home, 'start');

      await within(
        60_000,
        'readiness after the restart',
        (async () => {
          while ((await c.http(GD).get('/readyz')).status !== 200)
            await new Promise((r) => setTimeout(r, 200));
        })(),
      );
      await within(
        60_000,
        "the projection catching up with Zhejiang's revocation",
        gd.projection.caughtUp(revocation.blockNumber),
      );
      expect(await gd.ctx.store.projection.get(zjLicence.licence.id)).toMatchObject({
        status: '07',
        reasonCode: 'DB_RESTART_TEST',
      });
      expect(
        (
          await c
            .http(GD)
            .get(`/api/v1/licences/${encodeURIComponent(id)}`)
            .set('authorization', issuer)
        ).status,
      ).toBe(200);
      const after = await verify();
      expect(after.body.result).toBe('VALID');
      expect((await issue()).status).toBe(201);
    });
  });
}
