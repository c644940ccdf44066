/**
 * Authority on the real Fabric network: a province cannot change another province's licences, agencies,
 * signing keys or recognition rules. Twice over: the chaincode refuses a foreign caller at endorsement, and
 * the peers' validation refuses a transaction that lacks the endorsements the owner's policy needs.
 */
import { randomBytes, randomInt } from 'node:crypto';
import { issueAgencySigningKey } from '@licence-ledger/crypto-config';
import {
  TX,
  rejectionCode,
  usccCheckChar,
  type Agency,
  type LicenceRecord,
  type SigningKey,
  type StatusChangeRequest,
  type TxName,
} from '@licence-ledger/domain';
import type { Identity } from '../../../gateway/src/ledger/port';
import { endorsingMsps } from './endorsements';
import { waitForAllPeers, waitForBlock } from './ledger-wait';
import {
  TRAFFIC_POLICE,
  fabricNetworkMissing,
  openFabricNetwork,
  type FabricProvince,
  type FabricTestNetwork,
} from './support';

/** Characters of a USCC's organisation code (GB 32100: no I, O, S, V, Z). */
const USCC_CHARS = '0123456789ABCDEFGHJKLMNPQRTUWXY';

/** A valid USCC no other run has used, of an agency registered in Guangzhou (division 440100). */
function freshGuangdongUscc(): string {
  let code = '';
  for (let i = 0; i < 9; i++) code += USCC_CHARS.charAt(randomInt(USCC_CHARS.length));
  const body = `11440100${code}`;
  return body + usccCheckChar(body);
}

/** A type code no other run has used: the catalogue stays on the ledger between runs. */
const freshTypeCode = (): string => `T${randomBytes(6).toString('hex').toUpperCase()}`;

/** A Guangdong agency besides the traffic police, seeded from crypto-config. */
const GD_OTHER_AGENCY = '11440100MB2D15098D';

const suspension = (id: string): StatusChangeRequest => ({
  id,
  action: 'suspend',
  reasonCode: 'TRAFFIC_POINTS',
  reasonText: 'twelve points',
});

// A few transactions at 0.3-0.5 s each, plus room for one Raft leader election (about 7.5 s).
const TEST_MS = 60_000;

const missing = fabricNetworkMissing();
if (missing !== undefined) {
  // Shown as a skipped test, so a run without the network says so instead of passing quietly.
  it.skip(`authority on real Fabric: skipped, ${missing}`, () => undefined);
} else {
  describe("authority on real Fabric: a province cannot change another province's records", () => {
    let net: FabricTestNetwork;
    let gd: FabricProvince;
    let zj: FabricProvince;
    let bj: FabricProvince;

    beforeAll(async () => {
      net = await openFabricNetwork();
      gd = net.province('GuangdongMSP');
      zj = net.province('ZhejiangMSP');
      bj = net.province('BeijingMSP');
    }, 180_000); // seeds the consortium when the ledger is new: about 20 transactions at 0.3-0.5 s each

    afterAll(async () => {
      await net?.close();
    });

    const gdReader = () => gd.client(gd.material.identities.verifier);
    const bjReader = () => bj.client(bj.material.identities.verifier);
    const gdIssuerIdentity = (): Identity => gd.issuer(TRAFFIC_POLICE.GuangdongMSP);

    /** A fresh Guangdong licence, on every peer. */
    async function issueGuangdongLicence(): Promise<LicenceRecord> {
      const issued = await gd
        .client(gdIssuerIdentity())
        .issueLicence(gd.drivingLicence(TRAFFIC_POLICE.GuangdongMSP));
      await waitForAllPeers(net, issued.blockNumber);
      return issued.value;
    }

    /** A fresh active Guangdong agency, on every peer. */
    async function registerGuangdongAgency(): Promise<Agency> {
      const registered = await gd.client().registerAgency({
        uscc: freshGuangdongUscc(),
        name: '测试发证机关',
        licenceTypes: ['JDCJSZ'],
      });
      await waitForAllPeers(net, registered.blockNumber);
      return registered.value;
    }

    /** A fresh active signing key of a Guangdong agency, certified by Guangdong's CA, on every peer. */
    async function registerGuangdongKey(agency: Agency): Promise<SigningKey> {
      const key = await issueAgencySigningKey(gd.material.ca, {
        agencyUscc: agency.uscc,
        agencyName: agency.name,
        provinceCode: gd.material.code,
      });
      const registered = await gd
        .client()
        .registerSigningKey({ agencyUscc: agency.uscc, certificatePem: key.certPem });
      await waitForAllPeers(net, registered.blockNumber);
      return registered.value;
    }

    /**
     * Sends `tx` as `identity` endorsed only by the peers of `orgs`, through Guangdong's gateway, and returns
     * its validation code as the committed block on Beijing's peer records it.
     */
    async function endorsedOnlyBy(
      orgs: string[],
      identity: Identity,
      tx: TxName,
      args: string[],
    ): Promise<{ code: string; blockNumber: number }> {
      const prepared = await gd.port.prepare(identity, tx, args, { endorsingOrgs: orgs });
      // The premise: the transaction carries the endorsements of exactly these provinces' peers.
      expect(endorsingMsps(prepared.bytes)).toEqual([...orgs].sort());
      const sent = await gd.port.submitPrepared(prepared.bytes);
      expect(sent.txId).toBe(prepared.txId);
      await waitForBlock(bj.port, sent.blockNumber, 'BeijingMSP');
      const recorded = await bj.port.transactionStatus(prepared.txId);
      expect(recorded).toEqual({ code: sent.code, blockNumber: sent.blockNumber });
      // Every peer has the block before the caller reads the state it left.
      await waitForAllPeers(net, sent.blockNumber);
      return { code: sent.code, blockNumber: sent.blockNumber };
    }

    describe("the chaincode refuses another province's identities", () => {
      it(
        "refuses Zhejiang's issuer and admin a status change of a Guangdong licence",
        async () => {
          const licence = await issueGuangdongLicence();
          const request = suspension(licence.id);
          const zjIssuer = zj.client(zj.issuer(TRAFFIC_POLICE.ZhejiangMSP));
          expect(await rejectionCode(zjIssuer.changeStatus(request))).toBe('ACCESS_DENIED');
          expect(await rejectionCode(zj.client().changeStatus(request))).toBe('ACCESS_DENIED');
          expect(await gdReader().readLicence(licence.id)).toEqual(licence);
          expect(await gdReader().getLicenceHistory(licence.id)).toHaveLength(1);
        },
        TEST_MS,
      );

      it(
        "refuses Zhejiang's admin retiring a Guangdong agency or registering one under its USCC",
        async () => {
          const before = await gdReader().getAgency(GD_OTHER_AGENCY);
          expect(before).toMatchObject({ uscc: GD_OTHER_AGENCY, provinceMsp: 'GuangdongMSP' });
          const zjAdmin = zj.client();
          expect(await rejectionCode(zjAdmin.retireAgency(GD_OTHER_AGENCY))).toBe('ACCESS_DENIED');
          // A Guangdong USCC (region 440100) is Guangdong's to register: refused before it is looked up.
          expect(
            await rejectionCode(
              zjAdmin.registerAgency({ uscc: GD_OTHER_AGENCY, name: '冒名机关', licenceTypes: ['JDCJSZ'] }),
            ),
          ).toBe('ACCESS_DENIED');
          expect(await gdReader().getAgency(GD_OTHER_AGENCY)).toEqual(before);
        },
        TEST_MS,
      );

      it(
        "refuses Zhejiang's admin registering, rotating, retiring or compromising a Guangdong agency's keys",
        async () => {
          const agencyUscc = TRAFFIC_POLICE.GuangdongMSP;
          const keysBefore = (await gdReader().listSigningKeys(agencyUscc, { pageSize: 100 })).items;
          const active = keysBefore.find((k) => k.status === 'active');
          if (active === undefined)
            throw new Error(`Guangdong's traffic police has no active key on the ledger`);
          // A certificate Zhejiang can make: its own CA, naming the Guangdong agency.
          const zjCert = (
            await issueAgencySigningKey(zj.material.ca, {
              agencyUscc,
              agencyName: '冒名机关',
              provinceCode: zj.material.code,
            })
          ).certPem;
          const zjAdmin = zj.client();
          const compromisedAt = new Date(Date.now() - 60_000).toISOString();
          expect(
            await rejectionCode(zjAdmin.registerSigningKey({ agencyUscc, certificatePem: zjCert })),
          ).toBe('ACCESS_DENIED');
          expect(
            await rejectionCode(zjAdmin.rotateSigningKey({ oldKid: active.kid, certificatePem: zjCert })),
          ).toBe('ACCESS_DENIED');
          expect(await rejectionCode(zjAdmin.retireSigningKey(active.kid))).toBe('ACCESS_DENIED');
          expect(await rejectionCode(zjAdmin.markKeyCompromised({ kid: active.kid, compromisedAt }))).toBe(
            'ACCESS_DENIED',
          );
          expect(await gdReader().getSigningKey(active.kid)).toEqual(active);
          expect((await gdReader().listSigningKeys(agencyUscc, { pageSize: 100 })).items).toEqual(keysBefore);
        },
        TEST_MS,
      );

      it(
        "files a rule Zhejiang publishes under Zhejiang and refuses naming another province; Guangdong's rules stay",
        async () => {
          const gdDrivingRules = await gdReader().getRecognitionRuleHistory('GuangdongMSP', 'JDCJSZ');
          // A type of its own, so this suite's rules touch nothing another suite reads.
          const typeCode = freshTypeCode();
          const proposed = await gd.client().proposeLicenceType({
            code: typeCode,
            name: '测试许可证',
            holderKind: 'person',
            nationallyRecognised: false,
            fields: [{ name: 'name', type: 'string', required: true, maxLength: 50, personal: true }],
          });
          await waitForAllPeers(net, proposed.blockNumber);
          const adopted = await zj.client().approveProposal(proposed.value.id);
          expect(adopted.value.state).toBe('adopted');
          await waitForAllPeers(net, adopted.blockNumber);

          const input = {
            typeCode,
            issuingMsps: ['GuangdongMSP'],
            effectiveFrom: new Date().toISOString(),
          };
          // The input has no field that names the recognising province: naming one is refused outright.
          const asGuangdong = JSON.stringify({ ...input, recognisingMsp: 'GuangdongMSP' });
          expect(
            await rejectionCode(
              zj.port.submit(zj.material.identities.admin, TX.PublishRecognitionRule, [asGuangdong]),
            ),
          ).toBe('SCHEMA_VIOLATION');

          const published = await zj.client().publishRecognitionRule(input);
          expect(published.value).toMatchObject({ ...input, recognisingMsp: 'ZhejiangMSP', version: 1 });
          await waitForAllPeers(net, published.blockNumber);
          for (const p of net.provinces) {
            const reader = p.client(p.material.identities.verifier);
            expect(await reader.getRecognitionRuleHistory('GuangdongMSP', typeCode)).toEqual([]);
            expect(await reader.getRecognitionRuleHistory('ZhejiangMSP', typeCode)).toEqual([
              published.value,
            ]);
          }
          expect(await gdReader().getRecognitionRuleHistory('GuangdongMSP', 'JDCJSZ')).toEqual(
            gdDrivingRules,
          );
        },
        TEST_MS,
      );
    });

    describe('the peers refuse a transaction without the endorsements of the owning province', () => {
      it(
        "marks a Guangdong issuer's status change endorsed only by Zhejiang's peer ENDORSEMENT_POLICY_FAILURE",
        async () => {
          const licence = await issueGuangdongLicence();
          const verdict = await endorsedOnlyBy(['ZhejiangMSP'], gdIssuerIdentity(), TX.ChangeStatus, [
            JSON.stringify(suspension(licence.id)),
          ]);
          expect(verdict.code).toBe('ENDORSEMENT_POLICY_FAILURE');
          expect(await bjReader().readLicence(licence.id)).toEqual(licence);
          expect(await gdReader().readLicence(licence.id)).toEqual(licence);
        },
        TEST_MS,
      );

      it(
        'marks it ENDORSEMENT_POLICY_FAILURE when endorsed by Zhejiang and Beijing, a majority without Guangdong',
        async () => {
          const licence = await issueGuangdongLicence();
          const verdict = await endorsedOnlyBy(
            ['ZhejiangMSP', 'BeijingMSP'],
            gdIssuerIdentity(),
            TX.ChangeStatus,
            [JSON.stringify(suspension(licence.id))],
          );
          expect(verdict.code).toBe('ENDORSEMENT_POLICY_FAILURE');
          expect(await bjReader().readLicence(licence.id)).toEqual(licence);
        },
        TEST_MS,
      );

      it(
        "commits the same status change endorsed by Guangdong's peer alone (the licence's key-level policy)",
        async () => {
          const licence = await issueGuangdongLicence();
          const verdict = await endorsedOnlyBy(['GuangdongMSP'], gdIssuerIdentity(), TX.ChangeStatus, [
            JSON.stringify(suspension(licence.id)),
          ]);
          expect(verdict.code).toBe('VALID');
          expect(await bjReader().readLicence(licence.id)).toMatchObject({
            id: licence.id,
            status: '02',
            revision: licence.revision + 1,
          });
        },
        TEST_MS,
      );

      it(
        "refuses a Guangdong admin's RetireAgency endorsed without Guangdong's peer, and takes Guangdong's alone",
        async () => {
          // The agency record carries a key-level policy naming its province: other provinces, even a
          // majority of them, cannot endorse a change to it, and Guangdong alone can.
          const agency = await registerGuangdongAgency();
          const admin = gd.material.identities.admin;
          for (const orgs of [['ZhejiangMSP'], ['ZhejiangMSP', 'BeijingMSP']]) {
            const verdict = await endorsedOnlyBy(orgs, admin, TX.RetireAgency, [agency.uscc]);
            expect({ orgs, code: verdict.code }).toEqual({ orgs, code: 'ENDORSEMENT_POLICY_FAILURE' });
            expect(await bjReader().getAgency(agency.uscc)).toEqual(agency);
          }
          const verdict = await endorsedOnlyBy(['GuangdongMSP'], admin, TX.RetireAgency, [agency.uscc]);
          expect(verdict.code).toBe('VALID');
          expect(await bjReader().getAgency(agency.uscc)).toMatchObject({
            uscc: agency.uscc,
            status: 'retired',
          });
        },
        TEST_MS,
      );

      it(
        "refuses a Guangdong admin's key retirement or compromise endorsed without Guangdong's peer",
        async () => {
          const key = await registerGuangdongKey(await registerGuangdongAgency());
          const admin = gd.material.identities.admin;
          const compromise = JSON.stringify({
            kid: key.kid,
            compromisedAt: new Date(Date.now() - 60_000).toISOString(),
          });
          for (const [tx, args] of [
            [TX.RetireSigningKey, [key.kid]],
            [TX.MarkKeyCompromised, [compromise]],
          ] as const) {
            for (const orgs of [['ZhejiangMSP'], ['ZhejiangMSP', 'BeijingMSP']]) {
              const verdict = await endorsedOnlyBy(orgs, admin, tx, [...args]);
              expect({ tx, orgs, code: verdict.code }).toEqual({
                tx,
                orgs,
                code: 'ENDORSEMENT_POLICY_FAILURE',
              });
              expect(await bjReader().getSigningKey(key.kid)).toEqual(key);
            }
          }
          // Positive control: the key's own province alone.
          const verdict = await endorsedOnlyBy(['GuangdongMSP'], admin, TX.RetireSigningKey, [key.kid]);
          expect(verdict.code).toBe('VALID');
          expect(await bjReader().getSigningKey(key.kid)).toMatchObject({ kid: key.kid, status: 'retired' });
        },
        TEST_MS,
      );
    });
  });
}
