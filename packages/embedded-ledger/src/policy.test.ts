import fc from 'fast-check';
import { KeyEndorsementPolicy } from 'fabric-shim';
import { common, msp } from '@hyperledger/fabric-protos';
import { decodeSignaturePolicy, majorityPolicy } from './policy';

const ORGS = ['Org1MSP', 'Org2MSP', 'Org3MSP', 'Org4MSP', 'Org5MSP'];
const subset = fc.subarray(ORGS);

test("fabric-shim's KeyEndorsementPolicy (all listed orgs) is satisfied exactly when every listed org endorses", () => {
  fc.assert(
    fc.property(
      fc.subarray(ORGS, { minLength: 1 }),
      subset,
      fc.constantFrom('MEMBER', 'PEER'),
      (owners, endorsers, role) => {
        const kep = new KeyEndorsementPolicy();
        kep.addOrgs(role, ...owners);
        const expected = owners.every((o) => endorsers.includes(o));
        expect(decodeSignaturePolicy(kep.getPolicy()).evaluate(endorsers)).toBe(expected);
      },
    ),
  );
});

/** Builds an n-out-of policy over ROLE principals of the given role. */
function nOutOf(
  n: number,
  orgs: string[],
  role: msp.MSPRole.MSPRoleTypeMap[keyof msp.MSPRole.MSPRoleTypeMap],
): Uint8Array {
  const spe = new common.SignaturePolicyEnvelope();
  spe.setIdentitiesList(
    orgs.map((org) => {
      const r = new msp.MSPRole();
      r.setMspIdentifier(org);
      r.setRole(role);
      const p = new msp.MSPPrincipal();
      p.setPrincipalClassification(msp.MSPPrincipal.Classification.ROLE);
      p.setPrincipal(r.serializeBinary());
      return p;
    }),
  );
  const rule = new common.SignaturePolicy.NOutOf();
  rule.setN(n);
  rule.setRulesList(
    orgs.map((_, i) => {
      const s = new common.SignaturePolicy();
      s.setSignedBy(i);
      return s;
    }),
  );
  const top = new common.SignaturePolicy();
  top.setNOutOf(rule);
  spe.setRule(top);
  return spe.serializeBinary();
}

test('n-out-of policies count distinct endorsing organisations', () => {
  fc.assert(
    fc.property(fc.subarray(ORGS, { minLength: 1 }), subset, fc.nat(6), (listed, endorsers, n) => {
      const policy = decodeSignaturePolicy(nOutOf(n, listed, msp.MSPRole.MSPRoleType.MEMBER));
      const matching = listed.filter((o) => endorsers.includes(o)).length;
      expect(policy.evaluate(endorsers)).toBe(matching >= n);
    }),
  );
});

test('one endorsement satisfies at most one signed_by of the same organisation', () => {
  const policy = decodeSignaturePolicy(nOutOf(2, ['Org1MSP', 'Org1MSP'], msp.MSPRole.MSPRoleType.PEER));
  expect(policy.evaluate(['Org1MSP'])).toBe(false);
  expect(policy.evaluate(['Org1MSP', 'Org1MSP'])).toBe(false);
});

test('ADMIN principals are never satisfied by a peer endorsement', () => {
  expect(
    decodeSignaturePolicy(nOutOf(1, ['Org1MSP'], msp.MSPRole.MSPRoleType.ADMIN)).evaluate(['Org1MSP']),
  ).toBe(false);
});

test('the chaincode-level policy is a strict majority of distinct members', () => {
  fc.assert(
    fc.property(
      fc.subarray(ORGS, { minLength: 1 }),
      fc.array(fc.constantFrom(...ORGS, 'StrangerMSP')),
      (members, endorsers) => {
        const distinct = new Set(endorsers.filter((e) => members.includes(e))).size;
        expect(majorityPolicy(members).evaluate(endorsers)).toBe(distinct > members.length / 2);
      },
    ),
  );
});
