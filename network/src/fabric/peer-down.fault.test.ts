/* eslint-disable @typescript-eslint/no-unsafe-member-access -- supertest types response bodies as any; the assertions check their shape */
/**
 * Zhejiang's peer killed (kill -9) under running gateways. Zhejiang's gateway, which has no other copy of the
 * ledger, answers writes 503 with Retry-After and verifications STATUS_UNAVAILABLE, never VALID; Guangdong
 * carries on and revokes a licence meanwhile. After the restart the peer catches up from the orderers and
 * Zhejiang's projection, resuming from its checkpoint, equals the ledger: no event lost or applied twice.
 */
import {
  AGENCY,
  GD,
  HOLDER_ID,
  ZJ,
  drivingLicence,
  issueSampleLicence,
  presentation,
} from '../../../gateway/src/routes/test-support';
import type { TestCluster } from '../../../gateway/src/routes/test-support';
import { waitForBlock, withinBudget } from './ledger-wait';
import {
  fabricNetworkMissing,
  openFabricNetwork,
  startFabricGateways,
  type FabricTestNetwork,
} from './support';

const missing = fabricNetworkMissing();
if (missing !== undefined) {
  it.skip(`a peer killed under running gateways on real Fabric: skipped, ${missing}`, () => undefined);
} else {
  describe('Zhejiang’s peer killed under running gateways', () => {
    let net: FabricTestNetwork;
    let t: TestCluster;
    // Opening may seed a consortium (about 20 transactions); the gateways' projections then replay the blocks.
    beforeAll(async () => {
      net = await openFabricNetwork();
      t = await startFabricGateways(net, [GD, ZJ]);
    }, 240_000);
    afterAll(async () => {
      await t?.close();
      await net?.network.up();
      await net?.close();
    }, 180_000);

    it('fails closed while it is down and agrees with the ledger after the restart', async () => {
      const zjPeer = net.network.peerOf(ZJ).host;
      const holder = await t.token({ role: 'holder', province: GD, holderId: HOLDER_ID });
      const verifier = await t.token({ role: 'verifier', province: ZJ, agency: AGENCY.zjDmv });
      const zjIssuer = await t.token({ role: 'issuer', province: ZJ, agency: AGENCY.zjDmv });
      const verify = async () => {
        const token = (await presentation(t, holder, id, ['name', 'class'])).body.token as string;
        return t
          .http(ZJ)
          .post('/api/v1/verifications')
          .set('authorization', verifier)
          .send({ token, purpose: '检查 check' });
      };
      const { id, issuer } = await issueSampleLicence(t);
      const other = await issueSampleLicence(t);

      expect(net.network.kill(zjPeer)).toBe(true);

      const write = await t
        .http(ZJ)
        .post('/api/v1/licences')
        .set('authorization', zjIssuer)
        .send(drivingLicence());
      expect(write.status).toBe(503);
      expect(write.headers['retry-after']).toMatch(/^\d+$/);
      const unavailable = await verify();
      expect(unavailable.status).toBe(200);
      expect(unavailable.body.result).toBe('STATUS_UNAVAILABLE');

      // Guangdong, through its own peer, revokes one licence while Zhejiang's peer is down.
      const revoked = await t
        .http(GD)
        .post(`/api/v1/licences/${encodeURIComponent(id)}/status`)
        .set('authorization', issuer)
        .send({ action: 'revoke', reasonCode: 'FRAUD', reasonText: '骗取' });
      expect(revoked.status).toBe(200);
      const block = revoked.body.blockNumber as number;

      await net.network.up(); // restarts the killed peer only
      const zj = t.cluster.province(ZJ).runtime;
      await waitForBlock(net.province(ZJ).port, block, ZJ, 120_000);
      await withinBudget(
        zj.services.projection.caughtUp(block),
        120_000,
        `Zhejiang's projection did not reach block ${block} after the restart`,
      );

      // The projection equals what Zhejiang's own peer says, for both licences.
      const ledger = net.province(ZJ).client(net.province(ZJ).material.identities.verifier);
      for (const licenceId of [id, other.id]) {
        const onLedger = await ledger.readLicence(licenceId);
        const projected = await zj.services.ctx.store.projection.get(licenceId);
        expect({ licenceId, status: projected?.status, revision: projected?.revision }).toEqual({
          licenceId,
          status: onLedger?.status,
          revision: onLedger?.revision,
        });
      }
      expect((await zj.services.ctx.store.projection.get(id))?.status).toBe('07');

      const after = await verify();
      expect(after.body.result).toBe('REVOKED');
      const writeAgain = await t
        .http(ZJ)
        .post('/api/v1/licences')
        .set('authorization', zjIssuer)
        .send(drivingLicence());
      expect(writeAgain.status).toBe(201);
    }, 300_000);
  });
}
