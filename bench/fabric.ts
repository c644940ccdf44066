/**
 * The real Fabric network (made by `node network/dist/cli.js up`), measured in one run:
 *   1. issuance throughput through Guangdong's peer with the gateway's LedgerClient: licences/s with one
 *      licence per transaction, batches of 10 and batches of 100 (IssueLicenceBatch), `--concurrency`
 *      callers, a warm-up then `--seconds` per cell, requests signed before the clock starts; per-transaction
 *      latency. Target: batches of 100 give at least 10x the licences/s of one per transaction;
 *   2. revocation visibility: `--samples` licences one after another, revoked through Guangdong's peer
 *      (ChangeStatus 'revoke' as Guangdong's issuer), timed until Zhejiang's peer, read by Zhejiang's verifier
 *      through its own port every `--poll-ms`, returns status 07; and Guangdong's commit (submit -> committed).
 *      Target: p99 <= BatchTimeout + 0.5 s;
 *   3. ledger bytes per licence: growth of each peer's block files, block index, state and history LevelDBs
 *      around issuing N licences one per transaction and N in batches of 100, for each N of
 *      `--ledger-licences`; the blocks in each window are read back (qscc) to count other clients' transactions;
 *   4. resident memory of every network process (orderers, peers, chaincode servers) and of this process:
 *      idle before the load, right after it, sampled peak, at the end.
 * The client runs in this process, on the same cores as the network. Writes bench/results/fabric.json.
 *
 *   npx tsx bench/fabric.ts [--network DIR] [--seconds 20] [--warmup 3] [--concurrency 20]
 *                           [--samples 200] [--poll-ms 3] [--ledger-licences 500,1000]
 */
import './lib/sources';
import { readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import type { IssueRequest, LicenceRecord } from '@licence-ledger/domain';
import type { Committed, LedgerClient } from '../gateway/src/ledger/client';
import {
  TRAFFIC_POLICE,
  openFabricNetwork,
  type FabricProvince,
  type FabricTestNetwork,
} from '../network/src/fabric/support';
import { numberArg, stringArg } from './lib/args';
import { closedLoop, type LoopResult } from './lib/closed-loop';
import {
  currentProcesses,
  fabricNetworkDown,
  fabricRunRoot,
  fabricVersion,
  ledgerDisk,
  machineCpu,
  openBlockReader,
  processUsage,
  type EnvelopeParts,
  type LedgerDisk,
  type ProcessUsage,
} from './lib/fabric-network';
import { machineInfo, markFailed, round, runMain, say, writeResult } from './lib/report';
import { summarise, type Summary } from './lib/stats';

const USAGE = `npx tsx bench/fabric.ts [options]   (the network must run: node network/dist/cli.js status)

  --network DIR            run folder of the network (default: TEST_FABRIC_NETWORK, else network/.run)
  --seconds N              measured seconds per throughput cell (default 20)
  --warmup N               warm-up seconds per throughput cell (default 3)
  --concurrency C          concurrent callers for issuance (default 20)
  --samples N              revocations, one after another (default 200)
  --poll-ms N              pause between Zhejiang's reads while waiting for status 07 (default 3)
  --ledger-licences A,B    licences per ledger-growth window, each one per transaction and in batches of 100
                           (default 500,1000)
  --help                   this text

Writes bench/results/fabric.json and prints a summary; a missed target prints MISS and never fails the run.`;

const GD = 'GuangdongMSP';
const ZJ = 'ZhejiangMSP';
const GD_POLICE = TRAFFIC_POLICE.GuangdongMSP;
const BATCH_SIZES = [1, 10, 100] as const;
const REVOKED = '07';
const VISIBLE_GIVE_UP_MS = 30_000;
const RSS_SAMPLE_MS = 1000;

const cellName = (batch: number): string => (batch === 1 ? 'single' : `batch${batch}`);
const signed = (gd: FabricProvince, n: number): IssueRequest[] =>
  Array.from({ length: n }, () => gd.drivingLicence(GD_POLICE));
const seconds = (ms: number): number => round(ms / 1000, 1);

/** Submits IssueLicence (batch 1) or IssueLicenceBatch. */
async function issue(
  client: LedgerClient,
  items: readonly IssueRequest[],
): Promise<Committed<LicenceRecord | LicenceRecord[]>> {
  const first = items[0];
  if (items.length === 1 && first !== undefined) return client.issueLicence(first);
  return client.issueLicenceBatch(items);
}

// ---- processes ----------------------------------------------------------------------------------------------

/**
 * A process whose memory and CPU are recorded. `key` survives restarts: a chaincode server is keyed by its
 * province, since an upgrade starts the new sequence's server in the other slot (another name and PID).
 */
interface Watched {
  readonly key: string;
  readonly name: string;
  readonly pid: number;
  readonly role: 'orderer' | 'peer' | 'chaincode server' | 'client';
}

const CLIENT_KEY = 'benchmark (client, this process)';

/** The network's processes as state.json records them now, and this process. */
function watchedNow(net: FabricTestNetwork): Watched[] {
  const state = net.network.readState();
  const records = state === undefined ? [] : currentProcesses(state);
  const watched = records.map((r): Watched => {
    if (r.name.startsWith('chaincode.')) {
      const msp = r.name.split('.')[1] ?? r.name;
      return { key: `chaincode server ${msp}`, name: r.name, pid: r.pid, role: 'chaincode server' };
    }
    return { key: r.name, name: r.name, pid: r.pid, role: r.name.startsWith('peer') ? 'peer' : 'orderer' };
  });
  return [...watched, { key: CLIENT_KEY, name: CLIENT_KEY, pid: process.pid, role: 'client' }];
}

/** One reading of a watched process. */
interface Reading extends Watched {
  readonly usage: ProcessUsage | undefined;
}

type Readings = readonly Reading[];

function readings(net: FabricTestNetwork): Readings {
  return watchedNow(net).map((w) => ({ ...w, usage: processUsage(w.pid) }));
}

const byKey = (r: Readings, key: string): Reading | undefined => r.find((x) => x.key === key);

/** CPU use per process and of the whole machine from one moment on. */
interface CpuWindow {
  readonly readings: Readings;
  readonly machine: { busySeconds: number; totalSeconds: number };
  readonly at: number;
}

function cpuWindow(net: FabricTestNetwork): CpuWindow {
  return { readings: readings(net), machine: machineCpu(), at: performance.now() };
}

/** CPU used in a window: seconds per process and by role, and average cores in use. */
interface CpuUse {
  readonly wallSeconds: number;
  readonly cpuSecondsByProcess: Record<string, number>;
  readonly cpuSecondsByRole: Record<string, number>;
  /** The network's processes and this client together. */
  readonly networkAndClientCores: number;
  readonly machineBusyCores: number;
  /** Whatever else ran on the machine meanwhile (another engineer's tests, package installs, ...). */
  readonly otherCores: number;
  /** Processes restarted within the window (left out of the sums). */
  readonly restarted: readonly string[];
}

/** CPU used from `from` until now. */
function cpuSince(net: FabricTestNetwork, from: CpuWindow): CpuUse {
  const to = cpuWindow(net);
  const wall = (to.at - from.at) / 1000;
  const perProcess: Record<string, number> = {};
  const byRole: Record<string, number> = {};
  const restarted: string[] = [];
  let ours = 0;
  for (const a of from.readings) {
    const key = a.key;
    const b = byKey(to.readings, key);
    if (b?.pid !== a.pid) {
      restarted.push(key);
      continue;
    }
    if (a.usage === undefined || b.usage === undefined) continue;
    const used = b.usage.cpuSeconds - a.usage.cpuSeconds;
    perProcess[key] = round(used, 2);
    byRole[a.role] = round((byRole[a.role] ?? 0) + used, 2);
    ours += used;
  }
  const busy = to.machine.busySeconds - from.machine.busySeconds;
  return {
    wallSeconds: round(wall, 2),
    cpuSecondsByProcess: perProcess,
    cpuSecondsByRole: byRole,
    networkAndClientCores: round(ours / wall, 2),
    machineBusyCores: round(busy / wall, 2),
    otherCores: round((busy - ours) / wall, 2),
    restarted,
  };
}

/** Samples every watched process's RSS once a second; keeps each key's highest sample. */
function rssSampler(net: FabricTestNetwork): { stop(): Record<string, number> } {
  const peak: Record<string, number> = {};
  const sample = () => {
    for (const r of readings(net)) {
      if (r.usage !== undefined) peak[r.key] = Math.max(peak[r.key] ?? 0, r.usage.rssMiB);
    }
  };
  sample();
  const timer = setInterval(sample, RSS_SAMPLE_MS);
  timer.unref();
  return {
    stop() {
      clearInterval(timer);
      sample();
      return peak;
    },
  };
}

/** pid and RSS of a reading, for the JSON. */
const rssOf = (r: Reading | undefined): { pid: number; rssMiB: number } | null =>
  r?.usage === undefined ? null : { pid: r.pid, rssMiB: r.usage.rssMiB };

// ---- 1. issuance throughput ----------------------------------------------------------------------------------

interface ThroughputCell extends LoopResult {
  readonly batchSize: number;
  readonly warmupLicencesPerSecond: number;
  /** Requests signed before the clock started. */
  readonly preSigned: number;
  /** Requests signed while the clock ran because the pre-signed pool ran dry (0 when the pool sufficed). */
  readonly signedOnTheClock: number;
  /** Blocks Guangdong's peer added during the measured loop (other clients' blocks included). */
  readonly blocks: number;
  readonly transactionsPerBlock: number;
  readonly cpu: CpuUse;
  /** CPU milliseconds per licence by role (the network's processes and this client), in the measured loop. */
  readonly cpuMsPerLicence: Record<string, number>;
}

async function throughputCell(
  net: FabricTestNetwork,
  batch: number,
  opts: { seconds: number; warmup: number; concurrency: number },
): Promise<ThroughputCell> {
  const gd = net.province(GD);
  const client = gd.client(gd.issuer(GD_POLICE));
  let pool: IssueRequest[] = [];
  let measuring = false;
  let signedOnTheClock = 0;
  const op = async (): Promise<number> => {
    let items = pool.splice(0, batch);
    if (items.length < batch) {
      items = signed(gd, batch);
      if (measuring) signedOnTheClock += batch;
    }
    await issue(client, items);
    return batch;
  };
  const warm = await closedLoop(opts.warmup, opts.concurrency, op);
  // Enough signed requests for the measured run at twice the warm-up's rate, plus one round of callers.
  pool = signed(
    gd,
    Math.ceil((warm.unitsPerSecond * opts.seconds * 2) / batch) * batch + batch * opts.concurrency,
  );
  const preSigned = pool.length;
  const h0 = (await gd.port.chainInfo()).height;
  const cpu0 = cpuWindow(net);
  measuring = true;
  const loop = await closedLoop(opts.seconds, opts.concurrency, op);
  const cpu = cpuSince(net, cpu0);
  const blocks = (await gd.port.chainInfo()).height - h0;
  return {
    batchSize: batch,
    ...loop,
    warmupLicencesPerSecond: warm.unitsPerSecond,
    preSigned,
    signedOnTheClock,
    blocks,
    transactionsPerBlock: blocks === 0 ? 0 : round(loop.calls / blocks, 1),
    cpu,
    cpuMsPerLicence: Object.fromEntries([
      ...Object.entries(cpu.cpuSecondsByRole).map(([role, s]) => [role, round((s * 1000) / loop.units, 2)]),
      [
        'total',
        round((Object.values(cpu.cpuSecondsByRole).reduce((a, b) => a + b, 0) * 1000) / loop.units, 2),
      ],
    ]) as Record<string, number>,
  };
}

// ---- helpers: issuing a fixed set, waiting for every peer ---------------------------------------------------

/** Issues `requests` in transactions of `batch` with `concurrency` callers; returns the transactions. */
async function issueFixed(
  client: LedgerClient,
  requests: readonly IssueRequest[],
  batch: number,
  concurrency: number,
): Promise<{ txIds: string[]; lastBlock: number; seconds: number }> {
  const txIds: string[] = [];
  let lastBlock = 0;
  let next = 0;
  const t0 = performance.now();
  const worker = async (): Promise<void> => {
    while (next < requests.length) {
      const items = requests.slice(next, next + batch);
      next += batch;
      const committed = await issue(client, items);
      txIds.push(committed.txId);
      lastBlock = Math.max(lastBlock, committed.blockNumber);
    }
  };
  await Promise.all(Array.from({ length: concurrency }, worker));
  return { txIds, lastBlock, seconds: round((performance.now() - t0) / 1000, 2) };
}

/** Waits until every province's peer has committed block `block`. */
async function everyPeerAt(net: FabricTestNetwork, block: number): Promise<void> {
  const limit = performance.now() + 60_000;
  for (const p of net.provinces) {
    while ((await p.port.chainInfo()).height <= block) {
      if (performance.now() > limit) throw new Error(`${p.mspId}'s peer did not reach block ${block}`);
      await sleep(50);
    }
  }
}

// ---- 2. revocation visibility -------------------------------------------------------------------------------

/** Reads until the licence shows status 07; resolves with when it was first seen and each read's time. */
async function revokedSeen(
  reader: LedgerClient,
  id: string,
  pollMs: number,
): Promise<{ at: number; reads: number[] }> {
  const reads: number[] = [];
  const limit = performance.now() + VISIBLE_GIVE_UP_MS;
  while (performance.now() < limit) {
    const t = performance.now();
    const record = await reader.readLicence(id);
    const done = performance.now();
    reads.push(done - t);
    if (record?.status === REVOKED) return { at: done, reads };
    await sleep(pollMs);
  }
  throw new Error(`licence ${id} was not seen revoked on Zhejiang's peer within ${VISIBLE_GIVE_UP_MS} ms`);
}

/** What the revocation run measured (ms). */
interface RevocationResult {
  readonly licencesIssuedFirst: {
    readonly count: number;
    readonly inBatchesOf: number;
    readonly seconds: number;
  };
  /** From submitting the revocation until Zhejiang's read returned status 07. */
  readonly zhejiangVisibleMs: Summary;
  /** From submitting until Guangdong's peer reported the commit (the submit call returned). */
  readonly guangdongCommitMs: Summary;
  /** Zhejiang's visibility minus Guangdong's commit (negative: Zhejiang saw it first). */
  readonly zhejiangAfterGuangdongCommitMs: Summary;
  readonly seenOnZhejiangBeforeGuangdongCommitReturned: number;
  /** One poll read's duration: the resolution of the visibility figure (plus --poll-ms). */
  readonly zhejiangReadMs: Summary;
  readonly zhejiangReads: number;
}

async function revocationVisibility(
  net: FabricTestNetwork,
  samples: number,
  pollMs: number,
  concurrency: number,
): Promise<RevocationResult> {
  const gd = net.province(GD);
  const zj = net.province(ZJ);
  const gdIssuer = gd.client(gd.issuer(GD_POLICE));
  const zjVerifier = zj.client(zj.material.identities.verifier);
  const requests = signed(gd, samples);
  const issued = await issueFixed(gdIssuer, requests, 100, concurrency);
  await everyPeerAt(net, issued.lastBlock);

  const visibleMs: number[] = [];
  const commitMs: number[] = [];
  const afterCommitMs: number[] = [];
  const readMs: number[] = [];
  let seenBeforeCommit = 0;
  for (const { id } of requests) {
    const t0 = performance.now();
    const seen = revokedSeen(zjVerifier, id, pollMs);
    await gdIssuer.changeStatus({
      id,
      action: 'revoke',
      reasonCode: 'BENCH',
      reasonText: 'benchmark revocation',
    });
    const tCommit = performance.now();
    const { at, reads } = await seen;
    commitMs.push(tCommit - t0);
    visibleMs.push(at - t0);
    afterCommitMs.push(at - tCommit);
    if (at < tCommit) seenBeforeCommit++;
    readMs.push(...reads);
  }
  return {
    licencesIssuedFirst: { count: samples, inBatchesOf: 100, seconds: issued.seconds },
    zhejiangVisibleMs: summarise(visibleMs),
    guangdongCommitMs: summarise(commitMs),
    zhejiangAfterGuangdongCommitMs: summarise(afterCommitMs),
    seenOnZhejiangBeforeGuangdongCommitReturned: seenBeforeCommit,
    zhejiangReadMs: summarise(readMs),
    zhejiangReads: readMs.length,
  };
}

// ---- 3. ledger bytes per licence ----------------------------------------------------------------------------

type DiskByPeer = Record<string, LedgerDisk>;

async function diskByPeer(net: FabricTestNetwork): Promise<DiskByPeer> {
  const out: DiskByPeer = {};
  for (const p of net.network.topology.peers)
    out[p.host] = await ledgerDisk(net.network.layout.nodesDir, p.host);
  return out;
}

/** Disk sizes once two readings 300 ms apart agree (the peers write state and history just after the block). */
async function settledDisk(net: FabricTestNetwork): Promise<{ disk: DiskByPeer; settled: boolean }> {
  let previous = await diskByPeer(net);
  for (let i = 0; i < 10; i++) {
    await sleep(300);
    const now = await diskByPeer(net);
    if (JSON.stringify(now) === JSON.stringify(previous)) return { disk: now, settled: true };
    previous = now;
  }
  return { disk: previous, settled: false };
}

const PARTS = ['blockFiles', 'blockIndex', 'state', 'history'] as const;
type PartBytes = Record<(typeof PARTS)[number] | 'total', number>;

/** One ledger-growth window. */
interface LedgerWindow {
  readonly licences: number;
  readonly licencesPerTransaction: number;
  readonly transactions: number;
  readonly issueSeconds: number;
  readonly blocks: number;
  /** The window's blocks as stored (read back through qscc), per licence: includes other clients' transactions. */
  readonly blockBytesPerLicence: number;
  /** The window's blocks less other clients' transaction envelopes, per licence: the block-file cost of ours. */
  readonly blockBytesWithoutForeignPerLicence: number;
  /** This benchmark's transaction envelopes only, per licence. */
  readonly ourEnvelopeBytesPerLicence: number;
  /** Transactions of other clients in the same blocks: their bytes are in the disk growth too. */
  readonly foreignTransactionsInWindow: number;
  readonly diskSettled: boolean;
  /** The first of this window's transactions, byte by byte; perLicence divides by the licences it carries. */
  readonly sampleTransaction: { readonly bytes: EnvelopeParts; readonly perLicence: Record<string, number> };
  readonly peers: Record<string, { readonly grownBytes: PartBytes; readonly bytesPerLicence: PartBytes }>;
}

async function ledgerWindow(
  net: FabricTestNetwork,
  licences: number,
  batch: 1 | 100,
  concurrency: number,
): Promise<LedgerWindow> {
  const gd = net.province(GD);
  const client = gd.client(gd.issuer(GD_POLICE));
  const requests = signed(gd, licences);
  const h0 = (await gd.port.chainInfo()).height;
  await everyPeerAt(net, h0 - 1);
  const before = await settledDisk(net);
  const issued = await issueFixed(client, requests, batch, concurrency);
  await everyPeerAt(net, issued.lastBlock);
  const after = await settledDisk(net);
  const h1 = (await gd.port.chainInfo()).height;

  // The blocks of the window, as Guangdong's peer stores them: ours and anyone else's transactions.
  const peer = gd.peer;
  const reader = openBlockReader({
    peerEndpoint: `127.0.0.1:${peer.port}`,
    tlsRootCertPem: readFileSync(net.network.material.tlsCaCert(GD), 'utf8'),
    hostOverride: peer.host,
    channel: net.network.topology.channel,
    identity: gd.material.identities.verifier,
  });
  const ours = new Set(issued.txIds);
  let blockBytes = 0;
  let ourEnvelopeBytes = 0;
  let foreign = 0;
  let foreignBytes = 0;
  let sample: EnvelopeParts | undefined;
  try {
    const first = issued.txIds[0];
    if (first !== undefined) sample = await reader.transaction(first);
    for (let n = h0; n < h1; n++) {
      const b = await reader.block(n);
      blockBytes += b.bytes;
      for (const t of b.transactions) {
        if (ours.has(t.txId)) ourEnvelopeBytes += t.bytes;
        else {
          foreign++;
          foreignBytes += t.bytes;
        }
      }
    }
  } finally {
    reader.close();
  }

  if (sample === undefined) throw new Error('the ledger window has no transaction of this benchmark');
  const peers: LedgerWindow['peers'] = {};
  for (const host of Object.keys(after.disk)) {
    const a = before.disk[host];
    const b = after.disk[host];
    if (a === undefined || b === undefined) continue;
    const grown = (k: (typeof PARTS)[number]): number => b[k] - a[k];
    const grownBytes: PartBytes = {
      blockFiles: grown('blockFiles'),
      blockIndex: grown('blockIndex'),
      state: grown('state'),
      history: grown('history'),
      total: PARTS.reduce((s, k) => s + grown(k), 0),
    };
    const per = (k: keyof PartBytes): number => round(grownBytes[k] / licences, 1);
    peers[host] = {
      grownBytes,
      bytesPerLicence: {
        blockFiles: per('blockFiles'),
        blockIndex: per('blockIndex'),
        state: per('state'),
        history: per('history'),
        total: per('total'),
      },
    };
  }
  return {
    licences,
    licencesPerTransaction: batch,
    transactions: issued.txIds.length,
    issueSeconds: issued.seconds,
    blocks: h1 - h0,
    blockBytesPerLicence: round(blockBytes / licences, 1),
    blockBytesWithoutForeignPerLicence: round((blockBytes - foreignBytes) / licences, 1),
    ourEnvelopeBytesPerLicence: round(ourEnvelopeBytes / licences, 1),
    foreignTransactionsInWindow: foreign,
    diskSettled: before.settled && after.settled,
    sampleTransaction: {
      bytes: sample,
      perLicence: Object.fromEntries(
        Object.entries(sample)
          .filter(([k]) => k !== 'endorsements')
          .map(([k, v]) => [k, round(v / batch, 1)]),
      ),
    },
    peers,
  };
}

// ---- the run ------------------------------------------------------------------------------------------------

function ledgerSizes(argv: readonly string[]): number[] {
  const text = stringArg('ledger-licences', argv) ?? '500,1000';
  const sizes = text.split(',').map(Number);
  if (sizes.some((n) => !Number.isInteger(n) || n <= 0)) {
    throw new Error('--ledger-licences needs positive integers separated by commas');
  }
  return sizes;
}

/** Runs the benchmark and returns the result document (undefined with --help or when no network runs). */
export async function fabricBenchmark(
  argv: readonly string[] = process.argv,
): Promise<Record<string, unknown> | undefined> {
  if (argv.includes('--help')) {
    say(USAGE);
    return undefined;
  }
  const opts = {
    seconds: numberArg('seconds', 20, argv),
    warmup: numberArg('warmup', 3, argv),
    concurrency: numberArg('concurrency', 20, argv),
  };
  const samples = numberArg('samples', 200, argv);
  const pollMs = numberArg('poll-ms', 3, argv);
  const sizes = ledgerSizes(argv);
  const runRoot = fabricRunRoot(argv);
  const down = await fabricNetworkDown(runRoot);
  if (down !== undefined) {
    say(`fabric: Fabric network not running (${down}); nothing measured.`);
    say('  Start it with: npx tsc -b && node network/dist/cli.js up');
    markFailed();
    return undefined;
  }

  const started = performance.now();
  const machine = machineInfo();
  const net = await openFabricNetwork(runRoot);
  const phases: Record<string, number> = {};
  try {
    const state = net.network.readState();
    if (state === undefined) throw new Error(`no network state in ${runRoot}`);
    const { topology } = net.network;
    const heightsAtStart = await net.network.heights();
    const idle = readings(net);
    const sampler = rssSampler(net);
    say(
      `fabric: ${topology.name} (${topology.consensus}, BatchTimeout ${topology.batchTimeoutMs} ms), ` +
        `run folder ${runRoot}`,
    );

    // 1. Throughput.
    let t = performance.now();
    const cells: Record<string, ThroughputCell> = {};
    for (const batch of BATCH_SIZES) {
      say(
        `  issuance, ${batch === 1 ? 'one licence' : `${batch} licences`} per transaction: ` +
          `${opts.warmup}s warm-up + ${opts.seconds}s, ${opts.concurrency} callers`,
      );
      cells[cellName(batch)] = await throughputCell(net, batch, opts);
    }
    const afterLoad = readings(net);
    phases['throughput'] = seconds(performance.now() - t);

    // 2. Revocation visibility.
    t = performance.now();
    say(`  revocation visibility: ${samples} licences, Zhejiang polled every ${pollMs} ms`);
    const revocation = await revocationVisibility(net, samples, pollMs, opts.concurrency);
    phases['revocation'] = seconds(performance.now() - t);

    // 3. Ledger bytes.
    t = performance.now();
    const ledger: LedgerWindow[] = [];
    for (const n of sizes) {
      for (const batch of [1, 100] as const) {
        say(`  ledger growth: ${n} licences, ${batch === 1 ? 'one per transaction' : 'batches of 100'}`);
        ledger.push(await ledgerWindow(net, n, batch, opts.concurrency));
      }
    }
    phases['ledger'] = seconds(performance.now() - t);
    const sampledPeak = sampler.stop();
    const atEnd = readings(net);
    const heightsAtEnd = await net.network.heights();
    // Another engineer's tests may kill, restart or upgrade a process: its figures then mix two processes.
    const restarted = idle
      .filter((r) => byKey(atEnd, r.key)?.pid !== r.pid)
      .map((r) => `${r.key} (pid ${r.pid} -> ${byKey(atEnd, r.key)?.pid ?? 'gone'})`);

    // Figures and targets.
    const lps = (cell: string): number => cells[cell]?.unitsPerSecond ?? 0;
    const single = lps('single');
    const speedup = (cell: string): number | null => (single === 0 ? null : round(lps(cell) / single, 2));
    const batch100Speedup = speedup('batch100');
    const batchedTenfold = batch100Speedup !== null && batch100Speedup >= 10;
    const visible = revocation.zhejiangVisibleMs;
    const revocationTargetMs = topology.batchTimeoutMs + 500;
    const revocationWithinTarget = visible.p99 <= revocationTargetMs;
    const gdHost = net.province(GD).peer.host;
    const perLicence = (n: number, batch: number): PartBytes | undefined =>
      ledger.find((x) => x.licences === n && x.licencesPerTransaction === batch)?.peers[gdHost]
        ?.bytesPerLicence;
    const largest = Math.max(...sizes);

    const networkTotal = (r: Readings): number =>
      round(
        r.filter((x) => x.role !== 'client').reduce((sum, x) => sum + (x.usage?.rssMiB ?? 0), 0),
        1,
      );
    const memory = {
      source:
        '/proc/<pid>/status VmRSS and VmHWM (MiB); names and PIDs from the run folder state.json at each reading',
      restartedDuringRun: restarted,
      processes: idle.map((r) => ({
        key: r.key,
        role: r.role,
        idleBeforeLoad: rssOf(r),
        rightAfterThroughputLoad: rssOf(byKey(afterLoad, r.key)),
        sampledPeakDuringRunMiB: sampledPeak[r.key] ?? null,
        atEnd: rssOf(byKey(atEnd, r.key)),
        vmHwmSinceProcessStartMiB: byKey(atEnd, r.key)?.usage?.peakRssMiB ?? null,
      })),
      networkTotalMiB: {
        idleBeforeLoad: networkTotal(idle),
        rightAfterThroughputLoad: networkTotal(afterLoad),
      },
    };

    const doc = {
      benchmark: 'fabric',
      command: `npx tsx bench/fabric.ts${argv.slice(2).length > 0 ? ` ${argv.slice(2).join(' ')}` : ''}`,
      machine,
      sharedMachine:
        'The machine may have been shared: another engineer runs Jest suites against the same network at the same time, ' +
        'and anything else on the machine shares its 2 cores. machine.loadAverageAtStart / loadAverageAtEnd, ' +
        'throughput.cells.*.cpu.otherCores (CPU used by processes other than the network and this client) and ' +
        "ledger[].foreignTransactionsInWindow (other clients' transactions in the measured blocks) show how much.",
      network: {
        // Relative to the checkout, so the committed result names no path of this machine.
        runRoot: relative(join(__dirname, '..'), runRoot) || '.',
        fabric: fabricVersion(state),
        topology: {
          name: topology.name,
          consensus: topology.consensus,
          channel: topology.channel,
          chaincode: topology.chaincode,
          chaincodeVersion: state.chaincode?.version ?? null,
          batchTimeoutMs: topology.batchTimeoutMs,
          maxMessageCount: topology.maxMessageCount,
          orderers: topology.orderers.map((o) => ({ host: o.host, port: o.port })),
          peers: topology.peers.map((p) => ({ host: p.host, mspId: p.mspId, port: p.port })),
          chaincodeServers: 'chaincode as a service: one fabric-shim server process per province (node)',
          endorsement:
            "MAJORITY of the three provinces per transaction (the peer gateway adds a second province's peer); " +
            "each licence's key-level policy names its issuing province",
          stateDatabase: 'goleveldb, history database on',
        },
        heightsAtStart,
        heightsAtEnd,
      },
      setup: {
        load:
          "Client in the benchmark's own process (the gateway's LedgerClient over its Fabric adapter, one gRPC " +
          "connection to Guangdong's peer, TLS), on the same 2 cores as the three orderers, three peers and three " +
          'chaincode servers: client CPU competes with the network (cpuSecondsByRole.client per cell).',
        throughput: {
          issuer: `Guangdong's traffic police issuer (${GD_POLICE}) through Guangdong's peer`,
          concurrency: opts.concurrency,
          warmupSecondsPerCell: opts.warmup,
          secondsPerCell: opts.seconds,
          loop:
            'closed loop: each caller submits, waits for the commit, submits again; calls in flight at the deadline ' +
            'finish and count, and the elapsed time runs until the last one ends',
          signing:
            'IssueRequests (agency ES256 signature over the issuance statement) signed before the clock starts, ' +
            "enough for twice the warm-up's rate",
          latency:
            'callLatencyMs: one transaction, submit until its commit status is known (endorse, order, commit)',
        },
        revocation: {
          samples,
          pollMs,
          sequential: true,
          submit: "ChangeStatus {action: 'revoke'} as Guangdong's issuer through Guangdong's peer",
          read: "ReadLicence as Zhejiang's verifier through Zhejiang's own peer (port), repeated until status 07",
          clockStartsAt:
            'just before the revocation is submitted; the first Zhejiang read starts at the same moment',
          resolution:
            'one Zhejiang read (zhejiangReadMs) plus --poll-ms: a licence becomes visible at most that long before it is seen',
        },
        ledger: {
          sizes,
          concurrency: opts.concurrency,
          measure:
            'bytes of each peer folder under <nodesDir>/<peer>/data/ledgersData before and after, once every peer has ' +
            'committed the last block and two readings 300 ms apart agree: chains/chains (block files), chains/index ' +
            '(block index LevelDB), stateLeveldb, historyLeveldb',
        },
      },
      figures: {
        licencesPerSecond: {
          single: lps('single'),
          batch10: lps('batch10'),
          batch100: lps('batch100'),
        },
        batchSpeedup: { batch10: speedup('batch10'), batch100: batch100Speedup },
        transactionLatencyMs: Object.fromEntries(
          Object.entries(cells).map(([k, c]) => [k, { p50: c.callLatencyMs.p50, p99: c.callLatencyMs.p99 }]),
        ),
        revocationVisibleOnZhejiangMs: visible,
        guangdongCommitMs: revocation.guangdongCommitMs,
        bytesPerLicenceOnGuangdongPeer: {
          licences: largest,
          onePerTransaction: perLicence(largest, 1),
          batchesOf100: perLicence(largest, 100),
        },
        rssMiB: Object.fromEntries(
          idle.map((r) => [
            r.key,
            {
              idle: r.usage?.rssMiB ?? null,
              afterLoad: byKey(afterLoad, r.key)?.usage?.rssMiB ?? null,
            },
          ]),
        ),
      },
      targets: {
        batchedTenfold,
        batchedTenfoldRule: 'batch100 licences/s >= 10 x single licences/s',
        batch100Speedup,
        revocationP99WithinTarget: revocationWithinTarget,
        revocationTargetMs,
        revocationTargetRule: 'p99 of Zhejiang visibility <= BatchTimeout (topology) + 500 ms',
        revocationP99Ms: visible.p99,
      },
      throughput: { cells },
      revocation,
      ledger,
      memory,
      notes: [
        'LevelDB state and history sizes are noisy: goleveldb appends writes to a log file and compacts it into ' +
          'sorted tables in the background, so a window can show a compaction shrinking or rewriting files; block ' +
          'files grow by exactly the blocks written. Compare blockBytesPerLicence (blocks read back through qscc) ' +
          'with the block-file growth.',
        'Every licence issued here stays on the ledger of the persistent network (distinct serials per run); ' +
          'the ledger grows by every run.',
        'Each licence is endorsed on two peers (MAJORITY), so its chaincode work runs in two chaincode servers, ' +
          'and it is validated and committed by all three peers.',
        'VmHWM is the highest RSS since each process started, which may include load from before this run.',
      ],
      phasesSeconds: phases,
      durationSeconds: seconds(performance.now() - started),
    };
    const file = writeResult('fabric', doc);

    say(`fabric results (Fabric ${doc.network.fabric}; ${doc.durationSeconds}s):`);
    for (const [name, c] of Object.entries(cells)) {
      say(
        `  ${name.padEnd(9)} ${String(c.unitsPerSecond).padStart(7)} licences/s  tx p50 ${round(c.callLatencyMs.p50, 0)} ms` +
          `  p99 ${round(c.callLatencyMs.p99, 0)} ms  (${c.calls} tx, ${c.failures} failures, ${c.transactionsPerBlock} tx/block;` +
          ` other work on the machine ${c.cpu.otherCores} cores)`,
      );
    }
    for (const [name, c] of Object.entries(cells)) {
      const ms = c.cpuMsPerLicence;
      say(
        `  ${name.padEnd(9)} CPU ms per licence ${ms['total']}: peers ${ms['peer']}, chaincode servers ` +
          `${ms['chaincode server']}, orderers ${ms['orderer']}, client ${ms['client']}`,
      );
    }
    say(`  batch100 / single = ${batch100Speedup ?? '-'}x (target >= 10x)${batchedTenfold ? '' : '  MISS'}`);
    const commit = revocation.guangdongCommitMs;
    say(
      `  revocation visible on Zhejiang: p50 ${round(visible.p50, 0)}  p90 ${round(visible.p90, 0)}  p99 ${round(visible.p99, 0)}` +
        `  max ${round(visible.max, 0)} ms (target p99 <= ${revocationTargetMs} ms)${revocationWithinTarget ? '' : '  MISS'}`,
    );
    say(`  Guangdong commit: p50 ${round(commit.p50, 0)}  p99 ${round(commit.p99, 0)} ms`);
    for (const w of ledger) {
      const g = w.peers[gdHost]?.bytesPerLicence;
      say(
        `  ledger ${String(w.licences).padStart(5)} licences x${String(w.licencesPerTransaction).padEnd(3)}` +
          ` Guangdong peer bytes/licence: blocks ${g?.blockFiles}  index ${g?.blockIndex}  state ${g?.state}` +
          `  history ${g?.history}  total ${g?.total}  (qscc blocks ${w.blockBytesPerLicence}; foreign tx ${w.foreignTransactionsInWindow})`,
      );
    }
    if (restarted.length > 0)
      say(`  restarted during the run (figures mix two processes): ${restarted.join(', ')}`);
    say('  RSS MiB (idle -> right after the throughput load):');
    for (const r of idle) {
      const after = byKey(afterLoad, r.key);
      const pids =
        after === undefined || after.pid === r.pid ? `pid ${r.pid}` : `pid ${r.pid} -> ${after.pid}`;
      say(
        `    ${r.key.padEnd(40)} ${pids.padEnd(18)} ${r.usage?.rssMiB ?? '-'} -> ${after?.usage?.rssMiB ?? '-'}`,
      );
    }
    const failed = Object.entries(cells).filter(([, c]) => c.failures > 0);
    for (const [name, c] of failed) say(`  ${name}: ${c.failures} failed calls, first: ${c.firstFailure}`);
    say(`  written to ${file}`);
    return doc;
  } finally {
    await net.close();
  }
}

if (require.main === module) runMain(() => fabricBenchmark());
