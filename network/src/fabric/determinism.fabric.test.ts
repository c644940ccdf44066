/**
 * Determinism on the real Fabric network: the chaincode runs separately on each endorsing peer, and two
 * peers of different provinces sign the very same read-write set for one issuance.
 */
import { X509Certificate, verify } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { TX } from '@licence-ledger/domain';
import { decodePrepared, writesOf } from './endorsements';
import { TRAFFIC_POLICE, fabricNetworkMissing, openFabricNetwork, type FabricTestNetwork } from './support';

const missing = fabricNetworkMissing();
if (missing !== undefined) {
  // Shown as a skipped test, so a run without the network says so instead of passing quietly.
  it.skip(`determinism on real Fabric: skipped, ${missing}`, () => undefined);
} else {
  describe('determinism on real Fabric: two provinces endorse one identical read-write set', () => {
    let net: FabricTestNetwork;

    beforeAll(async () => {
      net = await openFabricNetwork();
    }, 180_000); // seeds the consortium when the ledger is new: about 20 transactions at 0.3-0.5 s each

    afterAll(async () => {
      await net?.close();
    });

    it(
      "carries Guangdong's and Zhejiang's peers' signatures over the same response payload, and commits VALID",
      async () => {
        const gd = net.province('GuangdongMSP');
        const orgs = ['GuangdongMSP', 'ZhejiangMSP'];
        const request = gd.drivingLicence(TRAFFIC_POLICE.GuangdongMSP);
        const prepared = await gd.port.prepare(
          gd.issuer(TRAFFIC_POLICE.GuangdongMSP),
          TX.IssueLicence,
          [JSON.stringify(request)],
          { endorsingOrgs: orgs },
        );

        const { txId, responsePayload, endorsements } = decodePrepared(prepared.bytes);
        expect(txId).toBe(prepared.txId);
        expect(endorsements).toHaveLength(2);
        const endorsers = endorsements.map(({ mspId, certificatePem, endorser, signature }) => {
          const certificate = new X509Certificate(certificatePem);
          // A peer signs the response payload followed by its own serialised identity.
          const signed = Buffer.concat([responsePayload, endorser]);
          return {
            mspId,
            fingerprint: certificate.fingerprint256,
            verified: verify('sha256', signed, certificate.publicKey, signature),
            // One flipped bit of the payload must break the signature, or the check proves nothing.
            verifiesTampered: verify('sha256', tamper(signed), certificate.publicKey, signature),
          };
        });

        // The endorsers are the two provinces' own peers (their enrolment certificates from crypto-config).
        const peerFingerprint = (mspId: string): string =>
          new X509Certificate(
            readFileSync(net.network.material.node(mspId, net.province(mspId).peer.host).signcert),
          ).fingerprint256;
        expect(endorsers.map((e) => e.mspId).sort()).toEqual(orgs);
        for (const e of endorsers) {
          expect(e.fingerprint).toBe(peerFingerprint(e.mspId));
          expect(e.verified).toBe(true);
          expect(e.verifiesTampered).toBe(false);
        }

        // What both signed is the issuance itself: the licence record and its key-level policy.
        const licenceKey = `\u0000ll.licence\u0000${request.id}\u0000`;
        const writes = writesOf(responsePayload, net.network.topology.chaincode);
        expect(writes.keys).toContain(licenceKey);
        expect(writes.metadataKeys).toEqual([licenceKey]);

        const committed = await gd.port.submitPrepared(prepared.bytes);
        expect(committed).toMatchObject({ txId: prepared.txId, code: 'VALID' });
        const record = await gd.client(gd.material.identities.verifier).readLicence(request.id);
        expect(record).toMatchObject({ id: request.id, status: '01', issuerMsp: 'GuangdongMSP' });
      },
      // Endorsing on two peers and committing take about 0.5 s; room for one Raft leader election (~7.5 s).
      60_000,
    );
  });
}

/** `bytes` with the lowest bit of its first byte flipped. */
function tamper(bytes: Buffer): Buffer {
  const copy = Buffer.from(bytes);
  copy[0] = (copy[0] ?? 0) ^ 1;
  return copy;
}
