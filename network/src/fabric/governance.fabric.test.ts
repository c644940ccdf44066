/**
 * Governance on the real Fabric network: a new licence type enters the catalogue only once a majority of
 * the provinces has approved it, each province acting through its own peer.
 */
import { randomBytes } from 'node:crypto';
import { rejectionCode, type LicenceTypeInput } from '@licence-ledger/domain';
import { waitForAllPeers } from './ledger-wait';
import { fabricNetworkMissing, openFabricNetwork, type FabricTestNetwork } from './support';

/** A type code no other run has used: the catalogue stays on the ledger between runs. */
const freshTypeCode = (): string => `T${randomBytes(6).toString('hex').toUpperCase()}`;

/** A small person licence type for the catalogue. */
const licenceType = (code: string): LicenceTypeInput => ({
  code,
  name: '测试许可证',
  holderKind: 'person',
  nationallyRecognised: false,
  fields: [{ name: 'name', type: 'string', required: true, maxLength: 50, personal: true, label: '姓名' }],
});

// A few transactions at 0.3-0.5 s each, plus room for one Raft leader election (about 7.5 s).
const TEST_MS = 60_000;

const missing = fabricNetworkMissing();
if (missing !== undefined) {
  // Shown as a skipped test, so a run without the network says so instead of passing quietly.
  it.skip(`governance on real Fabric: skipped, ${missing}`, () => undefined);
} else {
  describe('governance on real Fabric: a new licence type needs a majority of provinces', () => {
    let net: FabricTestNetwork;

    beforeAll(async () => {
      net = await openFabricNetwork();
    }, 180_000); // seeds the consortium when the ledger is new: about 20 transactions at 0.3-0.5 s each

    afterAll(async () => {
      await net?.close();
    });

    it(
      'adopts a proposed type only after a second province approves, and never twice',
      async () => {
        const gd = net.province('GuangdongMSP');
        const zj = net.province('ZhejiangMSP');
        const bj = net.province('BeijingMSP');
        const gdAdmin = gd.client();
        const zjAdmin = zj.client();
        const bjAdmin = bj.client();
        const code = freshTypeCode();
        const input = licenceType(code);

        // Two of three: the threshold is a strict majority of the provinces active on this ledger.
        const active = (await gdAdmin.listProvinces({ pageSize: 100 })).items.filter(
          (p) => p.status === 'active',
        );
        expect(active.map((p) => p.mspId).sort()).toEqual(net.provinces.map((p) => p.mspId).sort());

        const proposed = await gdAdmin.proposeLicenceType(input);
        const id = proposed.value.id;
        // A proposal's id is the id of the transaction that opened it.
        expect(id).toBe(proposed.txId);
        expect(proposed.value).toMatchObject({
          kind: 'licenceType',
          state: 'open',
          proposedBy: 'GuangdongMSP',
          approvals: ['GuangdongMSP'],
          threshold: 2,
          payload: input,
        });

        // The proposer's approval already counts: approving again is refused and changes nothing.
        expect(await rejectionCode(gdAdmin.approveProposal(id))).toBe('CONFLICT');
        expect(await gdAdmin.getProposal(id)).toEqual(proposed.value);
        expect(await gdAdmin.getLicenceType(code)).toBeNull();

        // Zhejiang's approval is endorsed by its own peer and one other: both must have the proposal's block.
        // Every peer then shows the proposal open and the type absent.
        await waitForAllPeers(net, proposed.blockNumber);
        for (const p of net.provinces) {
          const reader = p.client(p.material.identities.verifier);
          expect(await reader.getProposal(id)).toEqual(proposed.value);
          expect(await reader.getLicenceType(code)).toBeNull();
        }
        const approved = await zjAdmin.approveProposal(id);
        expect(approved.value).toMatchObject({
          id,
          state: 'adopted',
          approvals: ['GuangdongMSP', 'ZhejiangMSP'],
          threshold: 2,
        });

        // Every province's peer sees the adopted type once it has the approval's block.
        await waitForAllPeers(net, approved.blockNumber);
        for (const p of net.provinces) {
          const reader = p.client(p.material.identities.verifier);
          expect(await reader.getLicenceType(code)).toMatchObject({ docType: 'licenceType', ...input });
          expect(await reader.getProposal(id)).toEqual(approved.value);
        }

        // A decided proposal takes no more approvals, and the type cannot be proposed again.
        expect(await rejectionCode(bjAdmin.approveProposal(id))).toBe('PROPOSAL_CLOSED');
        expect(await rejectionCode(zjAdmin.proposeLicenceType(input))).toBe('ALREADY_EXISTS');
        expect(await gdAdmin.getProposal(id)).toEqual(approved.value);
      },
      TEST_MS,
    );
  });
}
