/**
 * Test support: the shared licence lifecycle suite's driver over the gateways' HTTP API (used on the embedded
 * set-up in lifecycle.test.ts and on the real Fabric network in network/src/fabric). Problem answers become
 * LicenceErrors carrying their code.
 */
import type { LifecycleDriver } from '@licence-ledger/test';
import type { HistoryEntry, LicenceRecord } from '@licence-ledger/domain';
import { problemToError } from '../demo/api-client';
import { AGENCY, GD, ZJ, drivingLicence } from './test-support';
import type { TestCluster } from './test-support';

/** The lifecycle suite's driver over the gateways' HTTP API: Guangdong issues, Zhejiang is the foreign province. */
export async function lifecycleDriver(
  start: () => Promise<TestCluster>,
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
