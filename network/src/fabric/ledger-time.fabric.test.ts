/**
 * Times on the real network: a Fabric block carries no time of its own, so the adapter reads it from the
 * block's transactions. Before, chainInfo().time was null and every event's timestamp '' on Fabric, while the
 * embedded ledger reported both: code that used them worked on one ledger only.
 */
import { TRAFFIC_POLICE, fabricNetworkMissing, openFabricNetwork, type FabricTestNetwork } from './support';

const missing = fabricNetworkMissing();
if (missing !== undefined) {
  it.skip(`ledger times on real Fabric: skipped, ${missing}`, () => undefined);
} else {
  describe('block and event times on the real network', () => {
    let net: FabricTestNetwork;
    // Opening may seed a new consortium: about 20 transactions at 0.3-0.5 s each.
    beforeAll(async () => {
      net = await openFabricNetwork();
    }, 180_000);
    afterAll(async () => {
      await net?.close();
    });

    it('names the time of the last block and of each event: the transaction time the chaincode recorded', async () => {
      const gd = net.province('GuangdongMSP');
      const issuer = gd.client(gd.issuer(TRAFFIC_POLICE.GuangdongMSP));
      const { value, blockNumber, txId } = await issuer.issueLicence(
        gd.drivingLicence(TRAFFIC_POLICE.GuangdongMSP),
      );

      // Guangdong's own peer has committed the block (getStatus waits for that peer alone).
      const info = await gd.port.chainInfo();
      expect(info.height).toBeGreaterThan(blockNumber);
      expect(info.time).not.toBeNull();
      if (info.height === blockNumber + 1) expect(info.time).toBe(value.issuedAt);
      else expect(Date.parse(info.time ?? '')).toBeGreaterThanOrEqual(Date.parse(value.issuedAt));

      const stream = gd.port.chaincodeEvents(blockNumber);
      try {
        for await (const event of stream) {
          if (event.txId !== txId) continue;
          expect(event.blockNumber).toBe(blockNumber);
          expect(event.timestamp).toBe(value.issuedAt);
          break;
        }
      } finally {
        stream.close();
      }
    }, 60_000);
  });
}
