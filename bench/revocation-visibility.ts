/**
 * Time from a revocation submitted to Guangdong's gateway (POST /api/v1/licences/{id}/status) until
 * Zhejiang's gateway sees the new status, N samples one after another, on the embedded set-up:
 *   ack:        Guangdong's HTTP answer (the transaction is committed when it answers);
 *   ledger:     Zhejiang's own ledger read (ReadLicence with its verifier identity: what its
 *               verification path reads) returns status 07;
 *   projection: Zhejiang's status_projection row (fed by its chaincode-event listener, checkpoint
 *               in the same DB transaction) shows status 07;
 *   verification: the licence read Zhejiang's verification makes (through its status cache, which
 *               holds the record from a read just before the revocation, as after a verification;
 *               the chaincode event drops it) shows status 07.
 * All provinces share ONE embedded ledger in this process, so this measures block cutting, commit,
 * event delivery and the projection's DB write, not network propagation between peers; Zhejiang is
 * polled every `--poll-ms` (default 2 ms), which bounds the resolution.
 * Writes bench/results/revocation-visibility.json.
 *
 *   npx tsx bench/revocation-visibility.ts [--samples 200] [--poll-ms 2]
 */
import './lib/sources';
import { setTimeout as sleep } from 'node:timers/promises';
import type { Server } from 'node:http';
import { closeServer, listen } from '../gateway/src/main';
import { numberArg } from './lib/args';
import { GD, GD_DMV, ZJ, issueInGuangdong, startBenchCluster } from './lib/cluster';
import { FABRIC_UNAVAILABLE, machineInfo, runMain, say, writeResult } from './lib/report';
import { summarise } from './lib/stats';

const REVOKED = '07';
const GIVE_UP_MS = 10_000;

/** Polls `read` every `pollMs` until it is true; resolves with the time (performance.now()) it was first seen. */
async function firstSeen(read: () => Promise<boolean>, pollMs: number): Promise<number> {
  const limit = performance.now() + GIVE_UP_MS;
  while (performance.now() < limit) {
    if (await read()) return performance.now();
    await sleep(pollMs);
  }
  throw new Error(`not visible within ${GIVE_UP_MS} ms`);
}

/** Runs the benchmark and returns the result document. */
export async function revocationVisibility(
  argv: readonly string[] = process.argv,
): Promise<Record<string, unknown>> {
  const samples = numberArg('samples', 200, argv);
  const pollMs = numberArg('poll-ms', 2, argv);
  const machine = machineInfo();
  say(`revocation-visibility: starting the embedded three-province set-up (${samples} samples)`);
  const bc = await startBenchCluster();
  let server: Server | undefined;
  try {
    const ids = await issueInGuangdong(bc, samples);
    server = await listen(bc.cluster.province(GD).runtime.app, 0, '127.0.0.1');
    const address = server.address();
    const url = `http://127.0.0.1:${typeof address === 'object' && address !== null ? address.port : 0}`;
    const issuer = await bc.bearer('issuer', GD, GD_DMV);
    const zj = bc.cluster.province(ZJ).runtime.services;
    // Zhejiang's projection must have caught up with the issuance before the clock starts.
    await zj.projection.caughtUp((await bc.cluster.port.chainInfo()).height - 1);

    const ack: number[] = [];
    const ledger: number[] = [];
    const projection: number[] = [];
    const verification: number[] = [];
    for (const id of ids) {
      // As after a verification of this licence: Zhejiang's status cache holds the record.
      await zj.verification.registry.licence(id);
      const t0 = performance.now();
      const verificationSeen = firstSeen(
        async () => (await zj.verification.registry.licence(id)).record?.status === REVOKED,
        pollMs,
      );
      const ledgerSeen = firstSeen(
        async () => (await zj.ctx.ledger.verifier.readLicence(id))?.status === REVOKED,
        pollMs,
      );
      const projectionSeen = firstSeen(
        async () => (await zj.ctx.store.projection.get(id))?.status === REVOKED,
        pollMs,
      );
      const res = await fetch(`${url}/api/v1/licences/${id}/status`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: issuer },
        body: JSON.stringify({ action: 'revoke', reasonCode: 'BENCH', reasonText: 'benchmark revocation' }),
      });
      const tAck = performance.now();
      if (res.status !== 200) throw new Error(`revocation answered HTTP ${res.status}: ${await res.text()}`);
      await res.arrayBuffer();
      ack.push(tAck - t0);
      ledger.push((await ledgerSeen) - t0);
      projection.push((await projectionSeen) - t0);
      verification.push((await verificationSeen) - t0);
    }
    const figures = {
      ackMs: summarise(ack),
      zhejiangLedgerReadMs: summarise(ledger),
      zhejiangProjectionMs: summarise(projection),
      zhejiangVerificationReadMs: summarise(verification),
    };
    const doc = {
      benchmark: 'revocation-visibility',
      command: 'npx tsx bench/revocation-visibility.ts',
      machine,
      setup: {
        ledger:
          'ONE embedded ledger shared by the three province gateways in one process: the figures are block cut + commit + chaincode-event delivery + projection DB write, not network propagation between peers',
        fabric: FABRIC_UNAVAILABLE,
        revocation:
          "POST /api/v1/licences/{id}/status {action: 'revoke'} on Guangdong's gateway over 127.0.0.1 (client in the same process)",
        zhejiangReads: {
          ledger: "Zhejiang's verifier identity's ReadLicence (what its verification path reads)",
          projection:
            "Zhejiang's status_projection row in its own embedded Postgres (fed by its event listener)",
          verification: `the licence read of Zhejiang's verification, through its status cache (STATUS_CACHE_TTL_MS ${zj.ctx.config.statusCacheTtlMs} ms), warmed just before the revocation; the block's chaincode event drops the record`,
        },
        pollMs,
        samples,
        sequential: true,
        clockStartsAt: 'just before the HTTP request is sent',
      },
      figures,
    };
    const file = writeResult('revocation-visibility', doc);
    say('revocation-visibility results (ms from submission; embedded ledger, one shared ledger):');
    for (const [name, s] of Object.entries(figures)) {
      say(`  ${name.padEnd(22)} p50 ${s.p50}  p90 ${s.p90}  p99 ${s.p99}  max ${s.max}  (n=${s.n})`);
    }
    say(`  Fabric: ${FABRIC_UNAVAILABLE}`);
    say(`  written to ${file}`);
    return doc;
  } finally {
    if (server !== undefined) await closeServer(server);
    await bc.close();
  }
}

if (require.main === module) runMain(() => revocationVisibility());
