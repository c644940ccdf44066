/* eslint-disable @typescript-eslint/no-unsafe-member-access, @typescript-eslint/no-unsafe-call -- supertest types response bodies as any; the assertions check their shape */
/**
 * Test support: the README walk-through over HTTP, written once and run on the embedded set-up
 * (walkthrough.test.ts) and on the real Fabric network (network/src/fabric): issue in Guangdong → present →
 * verify in Zhejiang (VALID) → revoke in Guangdong → verify in Zhejiang again (REVOKED with the reason).
 */
import { AGENCY, GD, HOLDER_ID, ZJ, issueSampleLicence, presentation } from './test-support';
import type { TestCluster } from './test-support';

/** Registers the walk-through against the cluster `start` builds. */
export function describeWalkthrough(
  name: string,
  start: () => Promise<TestCluster>,
  timeoutMs = 60_000,
): void {
  describe(`walk-through (${name}): issue in Guangdong, verify in Zhejiang, revoke, verify again`, () => {
    let t: TestCluster;
    beforeAll(async () => {
      t = await start();
    }, timeoutMs);
    // Closing the provinces' databases and the ledger is heavy too: the same budget as starting them.
    afterAll(async () => {
      await t?.close();
    }, timeoutMs);

    it(
      'answers VALID, then REVOKED with the reason',
      async () => {
        const { id, issuer, body: issued } = await issueSampleLicence(t);
        expect(issued).toMatchObject({ licence: { status: '01', issuerMsp: GD, revision: 1 } });

        const holder = await t.token({ role: 'holder', province: GD, holderId: HOLDER_ID });
        const mine = await t.http(GD).get('/api/v1/holder/licences').set('authorization', holder);
        expect(mine.status).toBe(200);
        expect(mine.body.items.map((l: { id: string }) => l.id)).toContain(id);

        const present = async (): Promise<string> => {
          const res = await presentation(t, holder, id, ['name', 'class', 'firstIssued']);
          expect(res.status).toBe(201);
          expect(res.body.qr.png).toMatch(/^data:image\/png;base64,/);
          expect(res.body.qr.svg).toContain('<svg');
          return res.body.token as string;
        };

        const verifier = await t.token({ role: 'verifier', province: ZJ, agency: AGENCY.zjDmv });
        const first = await t
          .http(ZJ)
          .post('/api/v1/verifications')
          .set('authorization', verifier)
          .send({ token: await present(), purpose: '交通违法处理 traffic check' });
        expect(first.status).toBe(200);
        expect(first.body.result).toBe('VALID');
        expect(first.body.disclosed).toEqual({ name: '张三', class: 'C1', firstIssued: '2012-05-04' });
        expect(typeof first.body.receipt).toBe('string');

        const revoked = await t
          .http(GD)
          .post(`/api/v1/licences/${id}/status`)
          .set('authorization', issuer)
          .send({ action: 'revoke', reasonCode: 'DRUNK_DRIVING', reasonText: '醉酒驾驶' });
        expect(revoked.status).toBe(200);
        expect(revoked.body.licence).toMatchObject({ status: '07', statusReasonCode: 'DRUNK_DRIVING' });
        // Zhejiang answers from its own view: it has the revocation once its listener saw the block.
        await t.cluster.province(ZJ).runtime.services.projection.caughtUp(revoked.body.blockNumber as number);

        const second = await t
          .http(ZJ)
          .post('/api/v1/verifications')
          .set('authorization', verifier)
          .send({ token: await present(), purpose: '交通违法处理 traffic check' });
        expect(second.status).toBe(200);
        expect(second.body.result).toBe('REVOKED');
        expect(JSON.stringify(second.body.reason)).toContain('DRUNK_DRIVING');
      },
      timeoutMs,
    );
  });
}
