/**
 * The shared licence lifecycle suite, driven through the gateway's HTTP API: over the embedded set-up
 * (embedded ledger, embedded Postgres), and with each province on its own database of a real
 * PostgreSQL server when TEST_DATABASE_URL names one. Problem answers become LicenceErrors carrying
 * their code.
 */
import { describeLifecycle } from '@licence-ledger/test';
import type { LifecycleDriver } from '@licence-ledger/test';
import type { HistoryEntry, LicenceRecord } from '@licence-ledger/domain';
import { randomBytes } from 'node:crypto';
import { problemToError } from '../demo/api-client';
import { postgresServerMissing } from '../storage/test-backends';
import { AGENCY, GD, ZJ, drivingLicence, startTestCluster } from './test-support';
import type { TestCluster } from './test-support';
import { runOnServer } from '../storage/db';

async function lifecycleDriver(
  start: () => Promise<TestCluster> = () => startTestCluster({ provinces: [GD, ZJ] }),
  cleanUp: () => Promise<void> = () => Promise.resolve(),
): Promise<LifecycleDriver> {
  const t = await start();
  const home = await t.token({ role: 'issuer', province: GD, agency: AGENCY.gdDmv });
  const homeAdmin = await t.token({ role: 'admin', province: GD });
  const foreign = await t.token({ role: 'issuer', province: ZJ, agency: AGENCY.zjDmv });
  const ok = <T>(res: { status: number; body: unknown }): T => {
    if (res.status >= 400) throw problemToError(res.status, res.body);
    return res.body as T;
  };
  return {
    async issue() {
      const res = await t.http(GD).post('/api/v1/licences').set('authorization', home).send(drivingLicence());
      return ok<{ licence: LicenceRecord }>(res).licence.id;
    },
    async read(id) {
      const res = await t
        .http(GD)
        .get(`/api/v1/licences/${encodeURIComponent(id)}`)
        .set('authorization', homeAdmin);
      return ok<{ licence: LicenceRecord }>(res).licence;
    },
    async changeStatus(actor, request) {
      const { id, ...body } = request;
      const [gateway, auth] = actor === 'home' ? [GD, home] : [ZJ, foreign];
      ok(
        await t
          .http(gateway)
          .post(`/api/v1/licences/${encodeURIComponent(id)}/status`)
          .set('authorization', auth)
          .send(body),
      );
    },
    async history(id) {
      const res = await t
        .http(GD)
        .get(`/api/v1/licences/${encodeURIComponent(id)}/history`)
        .set('authorization', homeAdmin);
      return ok<{ items: HistoryEntry<LicenceRecord>[] }>(res).items;
    },
    close: async () => {
      await t.close();
      await cleanUp();
    },
  };
}

describeLifecycle('gateway HTTP API over the embedded set-up', () => lifecycleDriver(), 120_000);

/** Runs `sql` on the server that `url` names (its maintenance connection). */
const serverMissing = postgresServerMissing();
const serverUrl = process.env.TEST_DATABASE_URL;
if (serverMissing !== undefined || serverUrl === undefined) {
  it.skip(`licence lifecycle over HTTP on a PostgreSQL server: skipped, ${serverMissing ?? ''}`, () =>
    undefined);
} else {
  // Each province gets a database of its own on the server, as in a real deployment.
  const names = {
    [GD]: `ll_gd_${randomBytes(4).toString('hex')}`,
    [ZJ]: `ll_zj_${randomBytes(4).toString('hex')}`,
  };
  const urlOf = (db: string): string => {
    const url = new URL(serverUrl);
    url.pathname = `/${db}`;
    return url.toString();
  };
  describeLifecycle(
    'gateway HTTP API, each province on a PostgreSQL server database',
    async () => {
      for (const db of Object.values(names)) await runOnServer(serverUrl, `CREATE DATABASE ${db}`);
      return lifecycleDriver(
        () =>
          startTestCluster({
            provinces: [GD, ZJ],
            databaseUrls: { [GD]: urlOf(names[GD]), [ZJ]: urlOf(names[ZJ]) },
          }),
        async () => {
          for (const db of Object.values(names))
            await runOnServer(serverUrl, `DROP DATABASE ${db} WITH (FORCE)`);
        },
      );
    },
    120_000,
  );
}
