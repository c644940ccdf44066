/**
 * The real path: the real chaincode in an EmbeddedLedger, a presentation made with Guangdong's key
 * ring, verified by Zhejiang's verifier reading with Zhejiang's own identity.
 */
import { createReceiptSigner, type ReceiptSigner } from '../keys/receipt-key';
import { GD_DRIVING, startConsortium, type TestConsortium } from '../ledger/test-consortium';
import { createPresentation } from '../presentation/create';
import { memoryReplay } from './fixtures';
import { createVerifier, type Verifier } from './verifier';

jest.setTimeout(60_000);

let c: TestConsortium;
let receiptSigner: ReceiptSigner;

beforeAll(async () => {
  c = await startConsortium();
  receiptSigner = await createReceiptSigner();
  await c.client(c.provinces.ZhejiangMSP!.admin).publishRecognitionRule({
    typeCode: 'JSZ',
    issuingMsps: ['GuangdongMSP'],
    effectiveFrom: new Date().toISOString(),
  });
});

afterAll(async () => {
  await c.dispose();
});

function verifierOf(msp: 'ZhejiangMSP' | 'BeijingMSP' | 'GuangdongMSP'): Verifier {
  return createVerifier({
    ledger: c.client(c.provinces[msp]!.verifier),
    replay: memoryReplay(),
    myMsp: msp,
    clock: () => new Date(),
    clockToleranceSeconds: 30,
    maxTokenTtlSeconds: 300,
    receiptSigner,
  });
}

async function present(issued: Awaited<ReturnType<TestConsortium['issue']>>): Promise<string> {
  const key = c.ring.active(GD_DRIVING);
  // The issuing gateway reads the type from the ledger catalogue, as the verifier does.
  const licenceType = await c.client(c.issuer).getLicenceType(issued.licence.typeCode);
  if (licenceType === null) throw new Error('the driving licence type is not in the catalogue');
  const { token } = await createPresentation({
    ...issued,
    licenceType,
    disclose: ['name', 'licenceClass', 'validUntil'],
    key: { kid: key.kid, privateKey: key.privateKey },
    ttlSeconds: 300,
    now: new Date(),
  });
  return token;
}

describe('verification across provinces on the embedded ledger', () => {
  it('is VALID in Zhejiang under its published rule, NOT_RECOGNISED in Beijing, own in Guangdong', async () => {
    const issued = await c.issue('2026100001');
    const token = await present(issued);
    const zj = await verifierOf('ZhejiangMSP').verify({ token, purpose: '租车' });
    expect(zj.result).toBe('VALID');
    expect(zj.recognition).toEqual({ basis: 'rule', ruleVersion: 1 });
    expect(zj.disclosed).toEqual({ name: '张三', licenceClass: 'C1', validUntil: '2032-01-01' });
    expect(zj.ledger?.height).toBe(c.ledger.height());
    expect((await verifierOf('BeijingMSP').verify({ token })).result).toBe('NOT_RECOGNISED');
    expect((await verifierOf('GuangdongMSP').verify({ token })).recognition).toEqual({ basis: 'own' });
  });

  it('is REVOKED with the reason once Guangdong revokes the licence', async () => {
    const issued = await c.issue('2026100002');
    await c.client(c.issuer).changeStatus({
      id: issued.licence.id,
      action: 'revoke',
      reasonCode: 'TRAFFIC_OFFENCE',
      reasonText: '饮酒后驾驶机动车',
    });
    const r = await verifierOf('ZhejiangMSP').verify({ token: await present(issued) });
    expect(r.result).toBe('REVOKED');
    expect(r.reason).toEqual({ code: 'TRAFFIC_OFFENCE', text: '饮酒后驾驶机动车' });
    expect(r.licence?.status).toBe('07');
  });

  it('is STATUS_UNAVAILABLE, then KEY_REVOKED once the key is marked compromised, and STATUS_UNAVAILABLE when closed', async () => {
    const issued = await c.issue('2026100003');
    const kid = c.ring.active(GD_DRIVING).kid;
    await c
      .client(c.provinces.GuangdongMSP!.admin)
      .markKeyCompromised({ kid, compromisedAt: new Date(Date.now() - 1000).toISOString() });
    const compromised = await verifierOf('ZhejiangMSP').verify({ token: await present(issued) });
    expect(compromised.result).toBe('KEY_REVOKED');

    const token = await present(issued);
    await c.port.close();
    const closed = await verifierOf('ZhejiangMSP').verify({ token });
    expect(closed.result).toBe('STATUS_UNAVAILABLE');
  });
});
