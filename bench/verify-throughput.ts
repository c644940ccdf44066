/**
 * Verification throughput and latency, in one run:
 *   (a) bare: a plain node:http endpoint doing one jose ES256 compactVerify with a cached key;
 *   (b) full: Zhejiang's real POST /api/v1/verifications on the embedded set-up (Guangdong issued
 *       the licences), each request with a fresh presentation token (the replay guard answers
 *       VALID once per token), closed loop with 50 connections;
 *   (c) half load: the full path at 50% of (b)'s throughput for p99, once with autocannon's
 *       overallRate (per-second bursts) and once evenly spaced by lib/paced.ts (open loop);
 *   (d) replayed: the full path re-sent already used tokens (REPLAYED answers), for comparison;
 *   (e) hot: (b) and the paced (c) with tokens of only 20 licences, so Zhejiang's status cache
 *       (STATUS_CACHE_TTL_MS) answers most licence reads. (b)–(d) spread their tokens over
 *       DISTINCT_LICENCES licences, so no record is reused within the cache's TTL.
 * Servers run in child processes; autocannon runs here. Writes bench/results/verify-throughput.json,
 * or verify-throughput-postgres.json when BENCH_DATABASE_URL puts the provinces' databases on a
 * PostgreSQL server instead of the embedded PGlite.
 *
 *   npx tsx bench/verify-throughput.ts [--duration 10] [--warmup 3] [--connections 50] [--profile DIR]
 *
 * --profile DIR writes a CPU profile of the gateway process during the primary full-path run to
 * DIR/verify-full.cpuprofile (open it in Chrome DevTools or speedscope).
 */
import './lib/sources';
import { join, resolve } from 'node:path';
import { spawnAgent } from './lib/agent';
import { mkdirSync } from 'node:fs';
import { numberArg, stringArg } from './lib/args';
import { runLoad } from './lib/load';
import type { LoadResult } from './lib/load';
import { runPaced } from './lib/paced';
import type { Summary } from './lib/stats';
import { FABRIC_UNAVAILABLE, machineInfo, round, runMain, say, writeResult } from './lib/report';
import { benchDatabaseServer } from './lib/cluster';
import type { BareAgentReady } from './servers/bare-agent';
import type { GatewayAgentReady, ServerSideStats } from './servers/gateway-agent';

const RATIO_TARGET = 0.6;
const P99_TARGET_MS = 15;
const DISCLOSE = ['name', 'class', 'firstIssued'];
const PURPOSE = '交通违法处理 traffic check (benchmark)';
const MAX_TOKENS = 80_000;
/** Licences of the primary runs: at the full path's rate no record comes round again within the cache TTL. */
const DISTINCT_LICENCES = 6000;

/** Runs the benchmark and returns the result document. */
export async function verifyThroughput(
  argv: readonly string[] = process.argv,
): Promise<Record<string, unknown>> {
  const duration = numberArg('duration', 10, argv);
  const warmup = numberArg('warmup', 3, argv);
  const connections = numberArg('connections', 50, argv);
  const profileDir = stringArg('profile', argv);
  const machine = machineInfo();
  say(
    `verify-throughput: starting the embedded three-province set-up (duration ${duration}s, ${connections} connections)`,
  );
  say(`  issuing ${DISTINCT_LICENCES} licences in Guangdong for the token pools`);
  const gw = await spawnAgent<GatewayAgentReady>(join(__dirname, 'servers', 'gateway-agent.ts'), {
    env: { BENCH_DISTINCT_LICENCES: String(DISTINCT_LICENCES) },
    timeoutMs: 600_000,
  });
  const bare = await spawnAgent<BareAgentReady>(join(__dirname, 'servers', 'bare-agent.ts'), {
    env: { BENCH_BARE_KEY_PEM: gw.ready.presentationKeyPem },
  });
  try {
    const mint = (count: number, pool: 'hot' | 'distinct' = 'distinct'): Promise<string[]> =>
      gw.call<string[]>('mint', { count: Math.min(MAX_TOKENS, Math.ceil(count)), disclose: DISCLOSE, pool });
    // What the gateway process itself saw during a run: its answer times and event-loop stalls.
    const serverSide: Record<string, ServerSideStats> = {};
    const watched = async <R>(name: string, run: () => Promise<R>): Promise<R> => {
      await gw.call('serverSide', { reset: true });
      const result = await run();
      serverSide[name] = await gw.call<ServerSideStats>('serverSide', {});
      return result;
    };
    const common = { bearer: gw.ready.verifierBearer, purpose: PURPOSE, connections };
    const full = { ...common, url: gw.ready.zjUrl, path: '/api/v1/verifications' };

    // Sanity: the full path answers VALID for a fresh token before anything is measured.
    const [probe] = await mint(1);
    const answer = (await (
      await fetch(`${full.url}${full.path}`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: full.bearer },
        body: JSON.stringify({ token: probe, purpose: PURPOSE }),
      })
    ).json()) as { result?: string };
    if (answer.result !== 'VALID')
      throw new Error(`the full path answered ${String(answer.result)} for a fresh token`);

    const barePool = await mint(2000);
    const bareSpec = { ...common, url: bare.ready.url, path: '/', tokens: barePool, cycle: true };
    say('  bare endpoint: warm-up');
    await runLoad({ ...bareSpec, label: 'bare warm-up', durationSeconds: warmup });
    say('  bare endpoint: measuring');
    const bareRun = await runLoad({ ...bareSpec, label: 'bare', durationSeconds: duration });

    say('  full path: minting warm-up tokens');
    const warmTokens = await mint(Math.max(2000, bareRun.throughputRps * warmup * 0.5));
    say('  full path: warm-up');
    const warm = await runLoad({
      ...full,
      label: 'full warm-up',
      tokens: warmTokens,
      durationSeconds: warmup,
    });
    const mainCount = warm.throughputRps * duration * 1.6 + connections * 4 + 500;
    say(`  full path: minting ${Math.min(MAX_TOKENS, Math.ceil(mainCount))} distinct tokens`);
    const mainTokens = await mint(mainCount);
    say('  full path: measuring');
    if (profileDir !== undefined) await gw.call('profile', { start: true });
    const fullRun = await watched('full', () =>
      runLoad({ ...full, label: 'full', tokens: mainTokens, durationSeconds: duration }),
    );
    if (profileDir !== undefined) {
      mkdirSync(profileDir, { recursive: true });
      const file = await gw.call<string>('profile', { file: resolve(profileDir, 'verify-full.cpuprofile') });
      say(`  full path: CPU profile of the gateway process written to ${file}`);
    }

    const halfRate = Math.max(1, Math.floor(fullRun.throughputRps / 2));
    const halfTokens = await mint(halfRate * duration * 1.2 + connections * 4 + 200);
    say(`  full path: half load at ${halfRate} req/s`);
    const halfRun = await watched('halfLoad', () =>
      runLoad({
        ...full,
        label: 'full at half load',
        tokens: halfTokens,
        durationSeconds: duration,
        overallRate: halfRate,
      }),
    );

    const pacedTokens = await mint(halfRate * duration + 100);
    say(`  full path: half load at ${halfRate} req/s, evenly spaced (open loop)`);
    const pacedRun = await watched('halfLoadPaced', () =>
      runPaced({
        ...full,
        tokens: pacedTokens,
        ratePerSecond: halfRate,
        durationSeconds: duration,
        maxSockets: connections,
      }),
    );

    say('  full path: replayed tokens (secondary)');
    const replayRun = await runLoad({
      ...full,
      label: 'full, replayed tokens',
      tokens: mainTokens.slice(0, 2000),
      cycle: true,
      durationSeconds: Math.max(3, Math.round(duration / 2)),
    });

    say(`  full path, hot licences (${gw.ready.licenceIds.length}): measuring`);
    const hotTokens = await mint(mainCount * 2, 'hot');
    const hotRun = await watched('fullHot', () =>
      runLoad({ ...full, label: 'full, hot licences', tokens: hotTokens, durationSeconds: duration }),
    );
    const hotHalfRate = Math.max(1, Math.floor(hotRun.throughputRps / 2));
    say(`  full path, hot licences: half load at ${hotHalfRate} req/s, evenly spaced`);
    const hotPacedRun = await watched('halfLoadPacedHot', async () =>
      runPaced({
        ...full,
        tokens: await mint(hotHalfRate * duration + 100, 'hot'),
        ratePerSecond: hotHalfRate,
        durationSeconds: duration,
        maxSockets: connections,
      }),
    );

    say('  full path: one connection (serial latency) and the per-stage breakdown');
    const serialTokens = await mint(3000);
    const serialRun = await runLoad({
      ...full,
      connections: 1,
      label: 'full, 1 connection',
      tokens: serialTokens,
      durationSeconds: 3,
    });
    const breakdown = await gw.call<Record<string, Summary>>('breakdown', { samples: 200 });

    const valid = (r: LoadResult): number => r.results.VALID ?? 0;
    const ratio = fullRun.throughputRps / Math.max(1, bareRun.throughputRps);
    const figures = {
      bareThroughputRps: bareRun.throughputRps,
      fullThroughputRps: fullRun.throughputRps,
      fullValidShare: round(valid(fullRun) / Math.max(1, fullRun.completed), 4),
      ratioFullToBare: round(ratio, 4),
      ratioTarget: RATIO_TARGET,
      ratioPass: ratio >= RATIO_TARGET,
      halfLoadRateRps: halfRate,
      halfLoadThroughputRps: halfRun.throughputRps,
      halfLoadP99Ms: halfRun.latencyMs.p99,
      p99TargetMs: P99_TARGET_MS,
      p99Pass: halfRun.latencyMs.p99 <= P99_TARGET_MS,
      halfLoadPacedP99Ms: pacedRun.latencyMs.p99,
      halfLoadPacedP50Ms: pacedRun.latencyMs.p50,
      pacedP99Pass: pacedRun.latencyMs.p99 <= P99_TARGET_MS,
      replayedThroughputRps: replayRun.throughputRps,
      hot: {
        note: `tokens of ${gw.ready.licenceIds.length} licences: Zhejiang's status cache (${gw.ready.settings.statusCacheTtlMs} ms) answers most licence reads; the targets above are judged on the distinct-licence runs`,
        throughputRps: hotRun.throughputRps,
        ratioFullToBare: round(hotRun.throughputRps / Math.max(1, bareRun.throughputRps), 4),
        halfLoadRateRps: hotHalfRate,
        halfLoadPacedP99Ms: hotPacedRun.latencyMs.p99,
        halfLoadPacedP50Ms: hotPacedRun.latencyMs.p50,
      },
    };
    const doc = {
      benchmark: 'verify-throughput',
      command:
        benchDatabaseServer() === undefined
          ? 'npx tsx bench/verify-throughput.ts'
          : 'BENCH_DATABASE_URL=<server> npx tsx bench/verify-throughput.ts',
      machine,
      setup: {
        ledger: 'embedded (one in-process ledger shared by three province gateways), not Fabric',
        fabric: FABRIC_UNAVAILABLE,
        loadGenerator:
          'autocannon (programmatic) in the parent process; each server in its own child process; all on 127.0.0.1 on the same cores',
        bare: `node:http, ${bare.ready.check}, cached KeyObject, same request body and headers as the full path, constant JSON answer`,
        full: `POST /api/v1/verifications on Zhejiang's gateway (bearer token of a Zhejiang verifier); tokens signed by Guangdong's agency, ${DISCLOSE.length} disclosed fields, spread over ${gw.ready.distinctLicences} licences (no record comes round again within the status cache's TTL, so every licence read goes to the ledger); each token presented once in the primary run`,
        gatewaySettings: gw.ready.settings,
        connections,
        durationSeconds: duration,
        warmupSeconds: warmup,
        halfLoadRuns:
          "halfLoad is autocannon's overallRate run: each connection sends its per-second quota as soon as its one-second timer fires, so the load arrives as one burst per second, and autocannon's coordinated-omission correction then adds synthetic samples; halfLoadPaced sends the same rate evenly spaced (open loop, latency from each request's due time, sub-ms resolution), which is what 'p99 at half load' usually means",
        latencyUnit:
          'ms (autocannon histogram, 1 ms resolution; coordinated-omission corrected for the fixed-rate run)',
      },
      figures,
      runs: {
        bare: bareRun,
        fullWarmup: warm,
        full: fullRun,
        halfLoad: halfRun,
        halfLoadPaced: { label: 'full at half load, evenly spaced (open loop)', ...pacedRun },
        replayed: replayRun,
        serial: serialRun,
        fullHot: hotRun,
        halfLoadPacedHot: {
          label: 'full, hot licences, at half load, evenly spaced (open loop)',
          ...hotPacedRun,
        },
      },
      serverSide: {
        note: "measured inside the gateway process during the run: each answer's time from the request's arrival at Zhejiang's server to the end of the answer (without the client's and the network's share), and the process's event-loop delay",
        runs: serverSide,
      },
      breakdownMs: {
        note: "each step timed 200 times back to back in Zhejiang's gateway process while idle (no HTTP, no load); a verification makes these ledger reads (GetProvince and the certificate chain check twice when the token and issuance keys are checked) plus one statement that claims the jti and writes the log row, and the receipt signature",
        steps: breakdown,
      },
    };
    const file = writeResult(
      benchDatabaseServer() === undefined ? 'verify-throughput' : 'verify-throughput-postgres',
      doc,
    );
    const line = (r: LoadResult): string =>
      `${r.label.padEnd(22)} ${String(r.throughputRps).padStart(8)} req/s  p50 ${r.latencyMs.p50} ms  p97.5 ${r.latencyMs.p97_5} ms  p99 ${r.latencyMs.p99} ms  errors ${r.errors}  non-2xx ${r.non2xx}  results ${JSON.stringify(r.results)}`;
    say('verify-throughput results (embedded ledger, 127.0.0.1, load generator on the same cores):');
    for (const r of [bareRun, fullRun, halfRun, replayRun, serialRun, hotRun]) say(`  ${line(r)}`);
    for (const [name, st] of Object.entries(serverSide))
      say(
        `  gateway-side ${name.padEnd(14)} answer p50 ${st.answerMs.p50} ms  p99 ${st.answerMs.p99} ms  event-loop delay p99 ${st.eventLoopDelayMs.p99} ms  max ${st.eventLoopDelayMs.max} ms  GC ${st.gc.count} pauses (${st.gc.majorCount} major) ${st.gc.totalMs} ms, longest ${st.gc.maxMs} ms`,
      );
    for (const [step, sum] of Object.entries(breakdown))
      say(`  step ${step.padEnd(44)} p50 ${sum.p50} ms  p99 ${sum.p99} ms`);
    say(
      `  ratio full/bare = ${figures.ratioFullToBare} (target >= ${RATIO_TARGET}: ${figures.ratioPass ? 'PASS' : 'MISS'})`,
    );
    say(
      `  p99 at half load (${halfRate} req/s, autocannon overallRate: one burst per second) = ${figures.halfLoadP99Ms} ms (target <= ${P99_TARGET_MS} ms: ${figures.p99Pass ? 'PASS' : 'MISS'})`,
    );
    say(
      `  p99 at half load, evenly spaced = ${figures.halfLoadPacedP99Ms} ms (p50 ${figures.halfLoadPacedP50Ms} ms; target <= ${P99_TARGET_MS} ms: ${figures.pacedP99Pass ? 'PASS' : 'MISS'}; results ${JSON.stringify(pacedRun.results)})`,
    );
    say(
      `  hot licences (status cache): ${figures.hot.throughputRps} req/s, ratio ${figures.hot.ratioFullToBare}, p99 at half load evenly spaced ${figures.hot.halfLoadPacedP99Ms} ms (p50 ${figures.hot.halfLoadPacedP50Ms} ms)`,
    );
    say(`  Fabric: ${FABRIC_UNAVAILABLE}`);
    say(`  written to ${file}`);
    return doc;
  } finally {
    await bare.stop();
    await gw.stop();
  }
}

if (require.main === module) runMain(() => verifyThroughput());
