/* eslint-disable @typescript-eslint/no-unsafe-member-access -- supertest types response bodies as any; the assertions check their shape */
/**
 * Regression test for the verifier's registry cache: once Zhejiang's event listener has seen a
 * Guangdong key marked compromised, Zhejiang stops trusting it at once, although the key was cached
 * by an earlier verification and its time limit has not run out.
 */
import {
  AGENCY,
  CLUSTER_START_MS,
  GD,
  HOLDER_ID,
  ZJ,
  issueSampleLicence,
  presentation,
  startTestCluster,
} from './test-support';
import type { TestCluster } from './test-support';

jest.setTimeout(60_000);

describe('a key compromised in the issuing province', () => {
  let t: TestCluster;
  beforeAll(async () => {
    t = await startTestCluster();
  }, CLUSTER_START_MS);
  afterAll(async () => {
    await t?.close();
  });

  it('is refused by another province as soon as its listener has the event, despite a warm cache', async () => {
    const { id } = await issueSampleLicence(t);

    const holder = await t.token({ role: 'holder', province: GD, holderId: HOLDER_ID });
    const present = async (): Promise<string> => {
      const res = await presentation(t, holder, id, ['name']);
      expect(res.status).toBe(201);
      return res.body.token as string;
    };
    const [first, second] = [await present(), await present()];

    const verifier = await t.token({ role: 'verifier', province: ZJ, agency: AGENCY.zjDmv });
    const verify = (token: string) =>
      t
        .http(ZJ)
        .post('/api/v1/verifications')
        .set('authorization', verifier)
        .send({ token, purpose: '核验 check' });
    expect((await verify(first)).body.result).toBe('VALID'); // Zhejiang now holds the key in its cache

    const kid = JSON.parse(Buffer.from(second.split('.')[0]!, 'base64url').toString('utf8')).kid as string;
    const admin = await t.token({ role: 'admin', province: GD });
    const compromised = await t
      .http(GD)
      .post(`/api/v1/admin/keys/${kid}/compromise`)
      .set('authorization', admin)
      .send({});
    expect(compromised.status).toBe(200);

    const { height } = await t.cluster.port.chainInfo();
    await t.cluster.province(ZJ).runtime.services.projection.caughtUp(height - 1);
    const answer = await verify(second);
    expect(answer.status).toBe(200);
    expect(answer.body.result).toBe('KEY_REVOKED');
  });
});
