/**
 * The registry reads the pages use to show names instead of identifiers: a member province by its
 * MSP ID (广东省 for GuangdongMSP), for every role of every province.
 */
import { AGENCY, GD, HOLDER_ID, ZJ, startTestCluster } from './test-support';
import type { TestCluster } from './test-support';

jest.setTimeout(120_000);

describe('registry: provinces', () => {
  let t: TestCluster;

  beforeAll(async () => {
    t = await startTestCluster({ provinces: [GD, ZJ] });
  });

  afterAll(async () => {
    await t?.close();
  });

  it("names a member province for any role, its own or another's (regression: pages showed GuangdongMSP)", async () => {
    const callers = [
      await t.token({ role: 'verifier', province: ZJ, agency: AGENCY.zjDmv }),
      await t.token({ role: 'holder', province: GD, holderId: HOLDER_ID }),
      await t.token({ role: 'issuer', province: GD, agency: AGENCY.gdDmv }),
    ];
    for (const [i, auth] of callers.entries()) {
      const res = await t
        .http(i === 0 ? ZJ : GD)
        .get('/api/v1/registry/provinces/GuangdongMSP')
        .set('authorization', auth);
      expect(res.status).toBe(200);
      expect(res.body).toEqual({
        mspId: 'GuangdongMSP',
        code: '440000',
        name: '广东省',
        status: 'active',
        joinedAt: expect.any(String) as unknown,
      });
    }
  });

  it('is 404 NOT_FOUND for a province that is not a member, 400 for what is not an MSP ID', async () => {
    const auth = await t.token({ role: 'verifier', province: ZJ, agency: AGENCY.zjDmv });
    const missing = await t.http(ZJ).get('/api/v1/registry/provinces/NowhereMSP').set('authorization', auth);
    expect([missing.status, (missing.body as { code: string }).code]).toEqual([404, 'NOT_FOUND']);
    const bad = await t.http(ZJ).get('/api/v1/registry/provinces/9MSP').set('authorization', auth);
    expect([bad.status, (bad.body as { code: string }).code]).toEqual([400, 'INVALID_ARGUMENT']);
  });
});
