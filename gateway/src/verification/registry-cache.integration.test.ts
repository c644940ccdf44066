/**
 * The RegistryCache on the real chaincode in an EmbeddedLedger: local rule evaluation agrees with
 * GetEffectiveRecognition, a licence's status is never cached, and the ledger's own RegistryChanged
 * events make a compromised key KEY_REVOKED on the next verification.
 */
import { EVENT, effectiveRule, type LedgerEventPayload } from '@licence-ledger/domain';
import { createReceiptSigner, type ReceiptSigner } from '../keys/receipt-key';
import { GD_DRIVING, startConsortium, type TestConsortium } from '../ledger/test-consortium';
import { createPresentation } from '../presentation/create';
import { memoryReplay } from './fixtures';
import { RegistryCache } from './registry-cache';
import { createVerifier, type Verifier } from './verifier';

jest.setTimeout(60_000);

const DAY = 86_400_000;
let c: TestConsortium;
let receiptSigner: ReceiptSigner;

beforeAll(async () => {
  c = await startConsortium();
  receiptSigner = await createReceiptSigner();
});

afterAll(async () => {
  await c.dispose();
});

/** Zhejiang's verifier with a cache that, left alone, would keep keys for an hour. */
function cachedVerifier(): { verifier: Verifier; registry: RegistryCache } {
  const ledger = c.client(c.provinces.ZhejiangMSP!.verifier);
  const registry = new RegistryCache(ledger, { ttlMs: 3_600_000 });
  const verifier = createVerifier({
    ledger,
    registry,
    replay: memoryReplay(),
    myMsp: 'ZhejiangMSP',
    clock: () => new Date(),
    clockToleranceSeconds: 30,
    maxTokenTtlSeconds: 300,
    receiptSigner,
  });
  return { verifier, registry };
}

async function present(issued: Awaited<ReturnType<TestConsortium['issue']>>): Promise<string> {
  const key = c.ring.active(GD_DRIVING);
  const licenceType = await c.client(c.issuer).getLicenceType(issued.licence.typeCode);
  if (licenceType === null) throw new Error('the driving licence type is not in the catalogue');
  const { token } = await createPresentation({
    ...issued,
    licenceType,
    disclose: ['licenceClass'],
    key: { kid: key.kid, privateKey: key.privateKey },
    ttlSeconds: 300,
    now: new Date(),
  });
  return token;
}

describe('RegistryCache on the embedded ledger', () => {
  it("evaluates recognition over the rule history exactly as the chaincode's GetEffectiveRecognition", async () => {
    const bj = c.client(c.provinces.BeijingMSP!.admin);
    const t0 = Date.now() + 60_000;
    const iso = (ms: number) => new Date(ms).toISOString();
    await bj.publishRecognitionRule({
      typeCode: 'JSZ',
      issuingMsps: ['GuangdongMSP'],
      effectiveFrom: iso(t0),
    });
    await bj.publishRecognitionRule({
      typeCode: 'JSZ',
      issuingMsps: ['*'],
      effectiveFrom: iso(t0 + 2 * DAY),
    });
    await bj.publishRecognitionRule({
      typeCode: 'JSZ',
      issuingMsps: ['ZhejiangMSP'],
      effectiveFrom: iso(t0 + 3 * DAY),
      effectiveTo: iso(t0 + 5 * DAY),
    });
    const reader = c.client(c.provinces.BeijingMSP!.verifier);
    const history = await reader.getRecognitionRuleHistory('BeijingMSP', 'JSZ');
    expect(history).toHaveLength(3);
    const edges = [t0, t0 + 2 * DAY, t0 + 3 * DAY, t0 + 5 * DAY].flatMap((t) => [t - 1, t, t + 1]);
    const times = [t0 - DAY, ...edges, t0 + DAY, t0 + 4 * DAY, t0 + 9 * DAY];
    let recognised = 0;
    for (const t of times) {
      for (const issuer of ['GuangdongMSP', 'ZhejiangMSP']) {
        const onChain = await reader.getEffectiveRecognition('BeijingMSP', 'JSZ', issuer, iso(t));
        const local = effectiveRule(history, issuer, iso(t));
        expect(local?.version ?? null).toBe(onChain?.version ?? null);
        if (local !== null) recognised++;
      }
    }
    expect(recognised).toBeGreaterThan(0);
    expect(recognised).toBeLessThan(times.length * 2);
  });

  it('reads the licence status live: a revocation shows on the next verification without any event', async () => {
    await c.client(c.provinces.ZhejiangMSP!.admin).publishRecognitionRule({
      typeCode: 'JSZ',
      issuingMsps: ['GuangdongMSP'],
      effectiveFrom: new Date().toISOString(),
    });
    const { verifier, registry } = cachedVerifier();
    const issued = await c.issue('2026200001');
    expect((await verifier.verify({ token: await present(issued) })).result).toBe('VALID');
    await c.client(c.issuer).changeStatus({
      id: issued.licence.id,
      action: 'suspend',
      reasonCode: 'POINTS',
      reasonText: '记满12分',
    });
    expect((await verifier.verify({ token: await present(issued) })).result).toBe('SUSPENDED');
    expect(registry.stats().keys.hits).toBeGreaterThan(0);
  });

  it('turns a key marked compromised into KEY_REVOKED on the next verification, through the ledger events', async () => {
    const { verifier, registry } = cachedVerifier();
    const issued = await c.issue('2026200002');
    expect((await verifier.verify({ token: await present(issued) })).result).toBe('VALID');
    expect((await verifier.verify({ token: await present(issued) })).result).toBe('VALID');
    const keyReads = registry.stats().keys.misses;

    const events = c.port.chaincodeEvents(c.ledger.height());
    const token = await present(issued);
    await c
      .client(c.provinces.GuangdongMSP!.admin)
      .markKeyCompromised({ kid: c.ring.active(GD_DRIVING).kid, compromisedAt: new Date().toISOString() });
    // Without the event the cached key (an hour's TTL) would still say active.
    expect((await verifier.verify({ token: await present(issued) })).result).toBe('VALID');
    // What the gateway's event listener does with each event it receives.
    for await (const event of events) {
      const payload = JSON.parse(event.payload.toString('utf8')) as LedgerEventPayload;
      registry.invalidateEvent(payload);
      if (event.eventName === EVENT.RegistryChanged) break;
    }
    events.close();
    const r = await verifier.verify({ token });
    expect(r.result).toBe('KEY_REVOKED');
    expect(registry.stats().keys.misses).toBe(keyReads + 1);
  });
});
