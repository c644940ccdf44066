/**
 * The shared licence lifecycle suite, driven through the gateway's HTTP API over the embedded set-up
 * (embedded ledger, embedded Postgres). Problem answers become LicenceErrors carrying their code.
 */
import { describeLifecycle } from '@licence-ledger/test';
import type { LifecycleDriver } from '@licence-ledger/test';
import type { HistoryEntry, LicenceRecord } from '@licence-ledger/domain';
import { problemToError } from '../demo/api-client';
import { AGENCY, GD, ZJ, drivingLicence, startTestCluster } from './test-support';

async function lifecycleDriver(): Promise<LifecycleDriver> {
  const t = await startTestCluster({ provinces: [GD, ZJ] });
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
    close: () => t.close(),
  };
}

describeLifecycle('gateway HTTP API over the embedded set-up', lifecycleDriver, 120_000);
