/**
 * A licence transferred from Guangdong to Zhejiang on the real network. AcceptTransfer writes the
 * predecessor (key-level policy: Guangdong) and the successor (the channel's majority); the accepting
 * gateway names no endorsers, and Fabric's peer gateway plans a set that satisfies both by itself.
 */
import { rejectionCode } from '@licence-ledger/domain';
import { TRAFFIC_POLICE, fabricNetworkMissing, openFabricNetwork, type FabricTestNetwork } from './support';

const missing = fabricNetworkMissing();
if (missing !== undefined) {
  it.skip(`transfers on real Fabric: skipped, ${missing}`, () => undefined);
} else {
  describe('a transfer between provinces on the real network', () => {
    let net: FabricTestNetwork;
    // Opening may seed a new consortium: about 20 transactions at 0.3-0.5 s each.
    beforeAll(async () => {
      net = await openFabricNetwork();
    }, 180_000);
    afterAll(async () => {
      await net?.close();
    });

    it('is accepted with the endorsers the peer gateway plans, and only with enough of them', async () => {
      const gd = net.province('GuangdongMSP');
      const zj = net.province('ZhejiangMSP');
      const gdIssuer = gd.client(gd.issuer(TRAFFIC_POLICE.GuangdongMSP));
      const zjIssuer = zj.client(zj.issuer(TRAFFIC_POLICE.ZhejiangMSP));

      const original = (await gdIssuer.issueLicence(gd.drivingLicence(TRAFFIC_POLICE.GuangdongMSP))).value;
      await gdIssuer.transferOut({
        id: original.id,
        toMsp: 'ZhejiangMSP',
        reasonCode: 'MOVED',
        reasonText: '迁出',
      });

      // Endorsed by Zhejiang and Beijing alone (a majority, but without the issuing province): refused.
      const successor = zj.drivingLicence(TRAFFIC_POLICE.ZhejiangMSP);
      const narrowed = zjIssuer.acceptTransfer({ predecessorId: original.id, licence: successor }, [
        'ZhejiangMSP',
        'BeijingMSP',
      ]);
      expect(await rejectionCode(narrowed)).toBe('ENDORSEMENT_POLICY_FAILURE');
      expect((await zjIssuer.readLicence(original.id))?.transfer?.state).toBe('pending');

      // No endorsers named: valid.
      const accepted = await zjIssuer.acceptTransfer({ predecessorId: original.id, licence: successor });
      expect(accepted.value.successor).toMatchObject({
        id: successor.id,
        issuerMsp: 'ZhejiangMSP',
        status: '01',
      });
      const old = await gd.client(gd.material.identities.verifier).readLicence(original.id);
      expect(old).toMatchObject({ status: '06', transfer: { state: 'accepted' } });
    }, 60_000);
  });
}
