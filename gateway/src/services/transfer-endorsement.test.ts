/* eslint-disable @typescript-eslint/no-unsafe-member-access -- supertest types response bodies as any; the assertions check their shape */
/**
 * AcceptTransfer writes the predecessor (key-level policy: the issuing province) and the successor,
 * so both provinces must endorse it. The accepting gateway names no endorsers, also when recovery
 * finishes an accept interrupted by a crash: the ledger plans them from the keys' policies (on real
 * Fabric, network/src/fabric/transfer.fabric.test.ts shows the peer gateway doing so).
 */
import request from 'supertest';
import { TX } from '@licence-ledger/domain';
import type { ProvinceRuntime } from '../main';
import type { LedgerPort } from '../ledger/port';
import {
  AGENCY,
  CLUSTER_START_MS,
  GD,
  ZJ,
  crashSwitch,
  drivingLicence,
  restartProvince,
  startTestCluster,
} from '../routes/test-support';
import type { TestCluster } from '../routes/test-support';

jest.setTimeout(120_000);

describe('accepting a transfer is endorsed by both provinces', () => {
  let t: TestCluster;
  let zj: ProvinceRuntime;
  const crash = crashSwitch();

  beforeAll(async () => {
    t = await startTestCluster({ provinces: [GD, ZJ], provinceOptions: { hooks: crash.hooks } });
    zj = t.cluster.province(ZJ).runtime;
  }, CLUSTER_START_MS);
  afterAll(async () => {
    await zj?.close();
    await t?.close();
  });
  afterEach(() => jest.restoreAllMocks());

  /** Issues a licence in Guangdong and starts its transfer to Zhejiang; returns its id. */
  async function pendingTransfer(): Promise<string> {
    const gdIssuer = await t.token({ role: 'issuer', province: GD, agency: AGENCY.gdDmv });
    const issued = await t
      .http(GD)
      .post('/api/v1/licences')
      .set('authorization', gdIssuer)
      .send(drivingLicence());
    const id = issued.body.licence.id as string;
    const out = await t
      .http(GD)
      .post(`/api/v1/licences/${id}/transfer`)
      .set('authorization', gdIssuer)
      .send({ toMsp: ZJ, reasonCode: 'MOVED', reasonText: 'moved' });
    expect(out.status).toBe(200);
    return id;
  }

  async function accept(predecessorId: string): Promise<request.Response> {
    const zjIssuer = await t.token({ role: 'issuer', province: ZJ, agency: AGENCY.zjDmv });
    return request(zj.app)
      .post('/api/v1/transfers/accept')
      .set('authorization', zjIssuer)
      .send({ predecessorId, ...drivingLicence() });
  }

  /** The endorsement options of every AcceptTransfer the port was asked to prepare. */
  const acceptEndorsements = (
    spy: jest.SpyInstance<ReturnType<LedgerPort['prepare']>, Parameters<LedgerPort['prepare']>>,
  ): unknown[] => spy.mock.calls.filter((call) => call[1] === TX.AcceptTransfer).map((call) => call[3]);

  it('leaves the endorsers to the ledger, which has both provinces endorse', async () => {
    const id = await pendingTransfer();
    const prepare = jest.spyOn(t.cluster.port, 'prepare');
    const res = await accept(id);
    expect(res.status).toBe(201);
    expect(acceptEndorsements(prepare)).toEqual([undefined]);
    const record = await zj.services.ctx.ledger.admin.readLicence(id);
    expect(record?.transfer?.state).toBe('accepted');
  });

  it('recovery after a crash endorses the same way', async () => {
    const id = await pendingTransfer();
    crash.crashAt = 'intentRecorded';
    expect((await accept(id)).status).toBe(500);
    crash.crashAt = undefined;
    const prepare = jest.spyOn(t.cluster.port, 'prepare');
    zj = await restartProvince(t, ZJ, zj, crash.hooks);
    expect(zj.recovered).toEqual({ committed: 1, failed: 0 });
    expect(acceptEndorsements(prepare)).toEqual([undefined]);
    const record = await zj.services.ctx.ledger.admin.readLicence(id);
    expect(record?.transfer?.state).toBe('accepted');
  });

  it('is refused by the ledger when only the accepting province endorses', async () => {
    const id = await pendingTransfer();
    const zjIssuer = await t.token({ role: 'issuer', province: ZJ, agency: AGENCY.zjDmv });
    // What a gateway that does not name the issuing province would send.
    const real = t.cluster.port.prepare.bind(t.cluster.port);
    const narrowed = jest
      .spyOn(t.cluster.port, 'prepare')
      .mockImplementation((identity, tx, args) => real(identity, tx, args, { endorsingOrgs: [ZJ] }));
    const res = await request(zj.app)
      .post('/api/v1/transfers/accept')
      .set('authorization', zjIssuer)
      .send({ predecessorId: id, ...drivingLicence() });
    expect(narrowed).toHaveBeenCalled();
    expect(res.body.code).toBe('ENDORSEMENT_POLICY_FAILURE');
    expect((await zj.services.ctx.ledger.admin.readLicence(id))?.transfer?.state).toBe('pending');
  });
});
