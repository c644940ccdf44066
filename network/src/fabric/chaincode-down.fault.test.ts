/**
 * A province's chaincode server killed (kill -9) on the real network. The peer gateway endorses with its own
 * peer first and plans the rest from that answer, and a licence's status can be endorsed only by its issuing
 * province, so Guangdong's writes stop while the other provinces carry on; a clear LEDGER_UNAVAILABLE (503 at
 * the gateway) rather than an internal error; and everything works again once the server is back.
 */
import { rejectionCode } from '@licence-ledger/domain';
import type { LicenceError } from '@licence-ledger/domain';
import { TRAFFIC_POLICE, fabricNetworkMissing, openFabricNetwork, type FabricTestNetwork } from './support';

const missing = fabricNetworkMissing();
if (missing !== undefined) {
  it.skip(`a chaincode server killed on real Fabric: skipped, ${missing}`, () => undefined);
} else {
  describe('a province’s chaincode server killed on the real network', () => {
    let net: FabricTestNetwork;
    // Opening may seed a new consortium (about 20 transactions); restarting a server waits for gossip.
    beforeAll(async () => {
      net = await openFabricNetwork();
    }, 180_000);
    afterAll(async () => {
      // Whatever happened, leave every server running for the next suite.
      await net?.network.up();
      await net?.close();
    }, 180_000);

    it('stops Guangdong’s writes with LEDGER_UNAVAILABLE, not others’, and recovers after the restart', async () => {
      const gd = net.province('GuangdongMSP');
      const zj = net.province('ZhejiangMSP');
      const gdIssuer = gd.client(gd.issuer(TRAFFIC_POLICE.GuangdongMSP));
      const zjIssuer = zj.client(zj.issuer(TRAFFIC_POLICE.ZhejiangMSP));
      const before = (await gdIssuer.issueLicence(gd.drivingLicence(TRAFFIC_POLICE.GuangdongMSP))).value;

      expect(net.network.kill(net.network.chaincodeServerName('GuangdongMSP'))).toBe(true);

      // Twice: the first call after the kill may find the peer's open stream to the dead server ("chaincode
      // stream terminated"), the next one finds no server to dial ("connection refused"); both are outages.
      for (let i = 0; i < 2; i++) {
        const failedIssue = gdIssuer.issueLicence(gd.drivingLicence(TRAFFIC_POLICE.GuangdongMSP));
        expect(await rejectionCode(failedIssue)).toBe('LEDGER_UNAVAILABLE');
        const reason = await failedIssue.catch((e: LicenceError) => e.details?.['reason']);
        expect(reason).toBe('chaincode unreachable');
      }
      const suspend = {
        id: before.id,
        action: 'suspend',
        reasonCode: 'TEST',
        reasonText: 'chaincode down',
      } as const;
      expect(await rejectionCode(gdIssuer.changeStatus(suspend))).toBe('LEDGER_UNAVAILABLE');

      // Zhejiang issues through its own peer: its gateway finds a majority without Guangdong.
      const zjLicence = (await zjIssuer.issueLicence(zj.drivingLicence(TRAFFIC_POLICE.ZhejiangMSP))).value;
      expect(zjLicence.status).toBe('01');
      // Zhejiang still reads Guangdong's licence from its own peer.
      expect(await zj.client(zj.material.identities.verifier).readLicence(before.id)).toMatchObject({
        status: '01',
        revision: 1,
      });

      await net.network.up(); // brings back what stopped, nothing else
      const after = (await gdIssuer.changeStatus(suspend)).value;
      expect(after).toMatchObject({ id: before.id, status: '02', revision: 2 });
    }, 180_000);
  });
}
