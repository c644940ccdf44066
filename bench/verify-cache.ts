/**
 * The verifier alone (createVerifier, no HTTP, no database): Zhejiang verifying Guangdong's driving
 * licences against an embedded ledger running the real chaincode, with an in-memory replay guard.
 * Compares a verifier without a RegistryCache (what VerificationService builds until it passes
 * one) with one that has a RegistryCache fed by the ledger's chaincode events. Sequential latency
 * (p50/p99) and throughput with concurrent callers, in one process.
 *
 *   npx tsx bench/verify-cache.ts [--sequential 1000] [--concurrent 3000] [--callers 16]
 */
import './lib/sources';
import { numberArg } from './lib/args';
import { machineInfo, round, runMain, say, writeResult } from './lib/report';
import { summarise, type Summary } from './lib/stats';
import { createReceiptSigner } from '../gateway/src/keys/receipt-key';
import { GD_DRIVING, startConsortium, type TestConsortium } from '../gateway/src/ledger/test-consortium';
import { createPresentation } from '../gateway/src/presentation/create';
import { memoryReplay } from '../gateway/src/verification/fixtures';
import { RegistryCache } from '../gateway/src/verification/registry-cache';
import { createVerifier, type Verifier } from '../gateway/src/verification/verifier';
import type { LedgerEventPayload } from '@licence-ledger/domain';

const SEQUENTIAL = numberArg('sequential', 1000);
const CONCURRENT = numberArg('concurrent', 3000);
const CALLERS = numberArg('callers', 16);
const WARMUP = 200;
const LICENCES = 20;

type Issued = Awaited<ReturnType<TestConsortium['issue']>>;

interface ModeResult {
  readonly sequentialMs: Summary;
  readonly concurrentRps: number;
  readonly concurrentMs: Summary;
  readonly results: Record<string, number>;
  readonly registryStats?: unknown;
}

async function mintAll(c: TestConsortium, issued: readonly Issued[], n: number): Promise<string[]> {
  const key = c.ring.active(GD_DRIVING);
  const licenceType = await c.client(c.issuer).getLicenceType('JSZ');
  if (licenceType === null) throw new Error('no JSZ type');
  const tokens: string[] = [];
  for (let i = 0; i < n; i++) {
    const one = issued.at(i % issued.length);
    if (one === undefined) throw new Error('no licences issued');
    const { token } = await createPresentation({
      ...one,
      licenceType,
      disclose: ['name', 'licenceClass', 'validUntil'],
      key: { kid: key.kid, privateKey: key.privateKey },
      ttlSeconds: 300,
      now: new Date(),
    });
    tokens.push(token);
  }
  return tokens;
}

async function measure(verifier: Verifier, tokens: string[], results: Record<string, number>) {
  const count = (r: string) => (results[r] = (results[r] ?? 0) + 1);
  for (let i = 0; i < WARMUP; i++) count((await verifier.verify({ token: tokens.pop() })).result);
  const sequential: number[] = [];
  for (let i = 0; i < SEQUENTIAL; i++) {
    const token = tokens.pop();
    const t0 = performance.now();
    const r = await verifier.verify({ token, purpose: 'bench' });
    sequential.push(performance.now() - t0);
    count(r.result);
  }
  const concurrent: number[] = [];
  const t0 = performance.now();
  await Promise.all(
    Array.from({ length: CALLERS }, async () => {
      for (let token = tokens.pop(); token !== undefined; token = tokens.pop()) {
        const s = performance.now();
        const r = await verifier.verify({ token, purpose: 'bench' });
        concurrent.push(performance.now() - s);
        count(r.result);
      }
    }),
  );
  const seconds = (performance.now() - t0) / 1000;
  return {
    sequentialMs: summarise(sequential),
    concurrentRps: round(concurrent.length / seconds, 1),
    concurrentMs: summarise(concurrent),
  };
}

runMain(async () => {
  const c = await startConsortium();
  const zj = c.provinces['ZhejiangMSP'];
  if (zj === undefined) throw new Error('no Zhejiang in the consortium');
  try {
    await c.client(zj.admin).publishRecognitionRule({
      typeCode: 'JSZ',
      issuingMsps: ['GuangdongMSP'],
      effectiveFrom: new Date().toISOString(),
    });
    const issued: Issued[] = [];
    for (let i = 0; i < LICENCES; i++) issued.push(await c.issue(`20263${String(i).padStart(5, '0')}`));
    const receiptSigner = await createReceiptSigner();
    const modes: Record<string, ModeResult> = {};
    for (const mode of ['noRegistry', 'registryWithEvents'] as const) {
      const ledger = c.client(zj.verifier);
      const registry = mode === 'noRegistry' ? undefined : new RegistryCache(ledger);
      const events = registry === undefined ? undefined : c.port.chaincodeEvents(c.ledger.height());
      const following = (async () => {
        if (events === undefined || registry === undefined) return;
        for await (const e of events) {
          registry.invalidateEvent(JSON.parse(e.payload.toString('utf8')) as LedgerEventPayload);
        }
      })();
      const verifier = createVerifier({
        ledger,
        ...(registry === undefined ? {} : { registry }),
        replay: memoryReplay(),
        myMsp: 'ZhejiangMSP',
        clock: () => new Date(),
        clockToleranceSeconds: 30,
        maxTokenTtlSeconds: 300,
        receiptSigner,
      });
      const tokens = await mintAll(c, issued, WARMUP + SEQUENTIAL + CONCURRENT);
      const results: Record<string, number> = {};
      const m = await measure(verifier, tokens, results);
      events?.close();
      await following.catch(() => undefined);
      modes[mode] = { ...m, results, ...(registry === undefined ? {} : { registryStats: registry.stats() }) };
      say(
        `${mode.padEnd(20)} sequential p50 ${m.sequentialMs.p50} ms p99 ${m.sequentialMs.p99} ms; ` +
          `${CALLERS} callers ${m.concurrentRps} verifications/s; results ${JSON.stringify(results)}`,
      );
    }
    const file = writeResult('verify-cache', {
      benchmark: 'verify-cache',
      command: `npx tsx bench/verify-cache.ts --sequential ${SEQUENTIAL} --concurrent ${CONCURRENT} --callers ${CALLERS}`,
      machine: machineInfo(),
      setup:
        'createVerifier in-process over an EmbeddedLedger (real chaincode), Zhejiang verifier identity, ' +
        'in-memory replay guard, no HTTP, no database, no verification log',
      modes,
    });
    say(`written ${file}`);
  } finally {
    await c.dispose();
  }
});
