/**
 * Issuance throughput on the embedded set-up, one licence per transaction versus batched
 * issuance (10 and 100 licences per transaction), measured in one run at three layers:
 *   chaincode: IssueLicence / IssueLicenceBatch submitted straight to a standalone embedded
 *              ledger (endorse + validate + commit, LevelDB synced per block; no HTTP, no DB);
 *   service:   Guangdong's IssuanceService in the gateway process (DB outbox, endorse, submit,
 *              projection; no HTTP);
 *   http:      POST /api/v1/licences and /api/v1/licences/batch on Guangdong's gateway.
 * Each cell: a 1 s warm-up, then a closed loop of `--concurrency` callers for `--seconds`.
 * Fabric is not measured (see the result file). Writes bench/results/issuance-throughput.json.
 *
 *   npx tsx bench/issuance-throughput.ts [--seconds 5] [--concurrency 8]
 */
import './lib/sources';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { TX } from '@licence-ledger/domain';
import type { IssueRequest } from '@licence-ledger/domain';
import { spawnAgent } from './lib/agent';
import { numberArg } from './lib/args';
import { closedLoop } from './lib/closed-loop';
import type { LoopResult } from './lib/closed-loop';
import { benchDatabaseServer, drivingLicence, GD_DMV } from './lib/cluster';
import { IssueRequestFactory, openStandaloneLedger } from './lib/ledger';
import { FABRIC_UNAVAILABLE, machineInfo, round, runMain, say, writeResult } from './lib/report';
import type { GatewayAgentReady } from './servers/gateway-agent';

const BATCH_SIZES = [1, 10, 100] as const;

type Layer = 'chaincode' | 'service' | 'http';
type Cells = Record<string, LoopResult>;

const cellName = (batch: number): string => (batch === 1 ? 'single' : `batch${batch}`);

/** Straight to the chaincode on a fresh standalone ledger; requests are signed before the clock starts. */
async function chaincodeLayer(seconds: number, concurrency: number): Promise<Cells> {
  const dir = await mkdtemp(join(tmpdir(), 'll-bench-issue-'));
  const ledger = await openStandaloneLedger(dir);
  try {
    const factory = new IssueRequestFactory(ledger.guangdong, GD_DMV);
    const cells: Cells = {};
    for (const batch of BATCH_SIZES) {
      let pool: IssueRequest[] = [];
      const op = async (): Promise<number> => {
        const items = pool.length >= batch ? pool.splice(0, batch) : factory.take(batch);
        if (batch === 1) await ledger.port.submit(ledger.issuer, TX.IssueLicence, [JSON.stringify(items[0])]);
        else await ledger.port.submit(ledger.issuer, TX.IssueLicenceBatch, [JSON.stringify(items)]);
        return batch;
      };
      const warm = await closedLoop(1, concurrency, op);
      // Enough signed requests for the measured run at 1.5x the warm-up's rate.
      pool = factory.take(
        Math.ceil((warm.unitsPerSecond * seconds * 1.5) / batch) * batch + batch * concurrency,
      );
      cells[cellName(batch)] = await closedLoop(seconds, concurrency, op);
    }
    return cells;
  } finally {
    await ledger.close();
    await rm(dir, { recursive: true, force: true });
  }
}

/** Through the gateway's HTTP API (the agent hosts it; this process is the client). */
async function httpLayer(ready: GatewayAgentReady, seconds: number, concurrency: number): Promise<Cells> {
  const cells: Cells = {};
  for (const batch of BATCH_SIZES) {
    const op = async (): Promise<number> => {
      const single = batch === 1;
      const res = await fetch(`${ready.gdUrl}/api/v1/licences${single ? '' : '/batch'}`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: ready.issuerBearer },
        body: JSON.stringify(
          single ? drivingLicence() : { items: Array.from({ length: batch }, () => drivingLicence()) },
        ),
      });
      const text = await res.text();
      if (res.status !== 201) throw new Error(`HTTP ${res.status}: ${text.slice(0, 200)}`);
      return batch;
    };
    await closedLoop(1, concurrency, op);
    cells[cellName(batch)] = await closedLoop(seconds, concurrency, op);
  }
  return cells;
}

/** Runs the benchmark and returns the result document. */
export async function issuanceThroughput(
  argv: readonly string[] = process.argv,
): Promise<Record<string, unknown>> {
  const seconds = numberArg('seconds', 5, argv);
  const concurrency = numberArg('concurrency', 8, argv);
  const machine = machineInfo();
  const layers: Partial<Record<Layer, Cells>> = {};

  say(
    `issuance-throughput: chaincode on a standalone embedded ledger (${seconds}s per cell, ${concurrency} callers)`,
  );
  layers.chaincode = await chaincodeLayer(seconds, concurrency);

  say('issuance-throughput: starting the embedded three-province set-up');
  const gw = await spawnAgent<GatewayAgentReady>(join(__dirname, 'servers', 'gateway-agent.ts'));
  try {
    say('  service layer (IssuanceService in the gateway process)');
    const service: Cells = {};
    for (const batch of BATCH_SIZES) {
      await gw.call<LoopResult>('issueService', { batchSize: batch, seconds: 1, concurrency });
      service[cellName(batch)] = await gw.call<LoopResult>('issueService', {
        batchSize: batch,
        seconds,
        concurrency,
      });
    }
    layers.service = service;
    say('  HTTP layer (POST /api/v1/licences[/batch] on Guangdong)');
    layers.http = await httpLayer(gw.ready, seconds, concurrency);
  } finally {
    await gw.stop();
  }

  const perSecond: Record<string, Record<string, number>> = {};
  for (const [layer, cells] of Object.entries(layers)) {
    perSecond[layer] = Object.fromEntries(Object.entries(cells).map(([k, v]) => [k, v.unitsPerSecond]));
  }
  const speedup = (layer: Layer, cell: string): number | null => {
    const c = layers[layer];
    const base = c?.single?.unitsPerSecond ?? 0;
    const v = c?.[cell]?.unitsPerSecond;
    return v === undefined || base === 0 ? null : round(v / base, 2);
  };
  const doc = {
    benchmark: 'issuance-throughput',
    command: 'npx tsx bench/issuance-throughput.ts',
    machine,
    setup: {
      ledger:
        'embedded ledger (same chaincode in-process, Fabric validation semantics, one synced LevelDB batch per block; concurrent commits share a block), not Fabric',
      database: `${gw.ready.settings.database}, for the service and HTTP layers`,
      layers: {
        chaincode:
          'LedgerPort.submit on a standalone seeded ledger; no gateway, no HTTP, no DB; IssueRequests pre-signed before timing',
        service:
          "IssuanceService.issue / issueBatch in Guangdong's gateway process (outbox rows in the DB, endorse, submit, read back); no HTTP",
        http: 'POST /api/v1/licences (one licence) and /api/v1/licences/batch (items) with an issuer bearer token; client in the parent process',
      },
      concurrency,
      secondsPerCell: seconds,
      warmupSecondsPerCell: 1,
    },
    fabric: FABRIC_UNAVAILABLE,
    licencesPerSecond: perSecond,
    batchSpeedup: {
      chaincode: { batch10: speedup('chaincode', 'batch10'), batch100: speedup('chaincode', 'batch100') },
      service: { batch10: speedup('service', 'batch10'), batch100: speedup('service', 'batch100') },
      http: { batch10: speedup('http', 'batch10'), batch100: speedup('http', 'batch100') },
    },
    cells: layers,
  };
  const file = writeResult(
    benchDatabaseServer() === undefined ? 'issuance-throughput' : 'issuance-throughput-postgres',
    doc,
  );
  say('issuance-throughput results (licences/s; embedded ledger):');
  for (const [layer, cells] of Object.entries(layers)) {
    const parts = Object.entries(cells).map(
      ([k, v]) => `${k} ${v.unitsPerSecond}/s (call p50 ${v.callLatencyMs.p50} ms, failures ${v.failures})`,
    );
    say(`  ${layer.padEnd(9)} ${parts.join('  ')}`);
  }
  say(`  Fabric: ${FABRIC_UNAVAILABLE}`);
  say(`  written to ${file}`);
  return doc;
}

if (require.main === module) runMain(() => issuanceThroughput());
