/**
 * Runs every benchmark in sequence, each in its own process (so one cannot leave load or state
 * behind for the next), then writes bench/results/summary.json with the headline figures.
 *
 *   npx tsx bench/run-all.ts
 */
import './lib/sources';
import { spawn } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fabricNetworkDown, fabricRunRoot } from './lib/fabric-network';
import { RESULTS_DIR, machineInfo, markFailed, round, runMain, say, writeResult } from './lib/report';

const BENCHMARKS = [
  'verify-throughput',
  'issuance-throughput',
  'revocation-visibility',
  'sizes',
  'fabric',
] as const;

interface RunRecord {
  exitCode: number;
  seconds: number;
  fresh: boolean;
  /** Why the benchmark was not run (fabric without a running network); a skip is not a failure. */
  skipped?: string;
}

/** Runs one benchmark script in a child process with this process's tsx loader. */
function runScript(name: string): Promise<number> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [...process.execArgv, join(__dirname, `${name}.ts`)], {
      stdio: 'inherit',
    });
    child.once('exit', (code) => resolve(code ?? 1));
  });
}

type Json = Record<string, unknown>;

function readResult(name: string): Json | undefined {
  const file = join(RESULTS_DIR, `${name}.json`);
  return existsSync(file) ? (JSON.parse(readFileSync(file, 'utf8')) as Json) : undefined;
}

/** Follows a path of keys into a result document. */
function at(doc: Json | undefined, ...path: string[]): unknown {
  let v: unknown = doc;
  for (const k of path) v = typeof v === 'object' && v !== null ? (v as Json)[k] : undefined;
  return v;
}

/** Runs all benchmarks and writes the summary. */
export async function runAll(): Promise<Json> {
  const machine = machineInfo();
  const started = performance.now();
  const runs: Record<string, RunRecord> = {};
  for (const name of BENCHMARKS) {
    say(`\n=== ${name} ===`);
    if (name === 'fabric') {
      const down = await fabricNetworkDown(fabricRunRoot([]));
      if (down !== undefined) {
        const skipped = `Fabric network not running (${down})`;
        say(`  skipped: ${skipped}`);
        runs[name] = { exitCode: 0, seconds: 0, fresh: false, skipped };
        continue;
      }
    }
    const t0 = performance.now();
    const before = readResult(name);
    const exitCode = await runScript(name);
    const after = readResult(name);
    runs[name] = {
      exitCode,
      seconds: round((performance.now() - t0) / 1000, 1),
      // A failed run may leave an older file behind: only a new date counts as this run's result.
      fresh: after !== undefined && at(after, 'machine', 'date') !== at(before, 'machine', 'date'),
    };
  }
  const fresh = (name: (typeof BENCHMARKS)[number]): Json | undefined =>
    runs[name]?.fresh === true ? readResult(name) : undefined;
  const verify = fresh('verify-throughput');
  const issuance = fresh('issuance-throughput');
  const revocation = fresh('revocation-visibility');
  const sizes = fresh('sizes');
  const fabric = fresh('fabric');
  const summary = {
    benchmark: 'summary',
    command: 'npx tsx bench/run-all.ts',
    machine,
    totalSeconds: round((performance.now() - started) / 1000, 1),
    runs,
    headline: {
      verification: {
        bareRps: at(verify, 'figures', 'bareThroughputRps'),
        fullRps: at(verify, 'figures', 'fullThroughputRps'),
        ratioFullToBare: at(verify, 'figures', 'ratioFullToBare'),
        ratioTarget: at(verify, 'figures', 'ratioTarget'),
        ratioPass: at(verify, 'figures', 'ratioPass'),
        halfLoadRateRps: at(verify, 'figures', 'halfLoadRateRps'),
        halfLoadP99Ms: at(verify, 'figures', 'halfLoadP99Ms'),
        p99TargetMs: at(verify, 'figures', 'p99TargetMs'),
        p99Pass: at(verify, 'figures', 'p99Pass'),
        halfLoadPacedP99Ms: at(verify, 'figures', 'halfLoadPacedP99Ms'),
        pacedP99Pass: at(verify, 'figures', 'pacedP99Pass'),
      },
      issuanceLicencesPerSecond: at(issuance, 'licencesPerSecond'),
      revocationVisibilityMs: {
        ack: at(revocation, 'figures', 'ackMs'),
        zhejiangLedgerRead: at(revocation, 'figures', 'zhejiangLedgerReadMs'),
        zhejiangProjection: at(revocation, 'figures', 'zhejiangProjectionMs'),
      },
      sizes: {
        threeFieldTokenBytes: at(sizes, 'presentationTokens', 'threeFieldBytes'),
        tokenBudgetBytes: at(sizes, 'presentationTokens', 'budgetBytesThreeFields'),
        threeFieldPass: at(sizes, 'presentationTokens', 'threeFieldPass'),
        stateValueBytesPerLicence: at(sizes, 'ledger', 'stateValueBytesPerLicence'),
        levelDbGrowthPer1000: at(sizes, 'ledger', 'levelDbDirectoryGrowthPer1000Licences'),
        databaseBytesPerLicence: at(sizes, 'database', 'bytesPerLicence'),
      },
      fabric:
        fabric === undefined
          ? (runs['fabric']?.skipped ?? 'no fresh result')
          : {
              licencesPerSecond: at(fabric, 'figures', 'licencesPerSecond'),
              batchSpeedup: at(fabric, 'figures', 'batchSpeedup'),
              batchedTenfold: at(fabric, 'targets', 'batchedTenfold'),
              revocationVisibleOnZhejiangMs: at(fabric, 'figures', 'revocationVisibleOnZhejiangMs'),
              revocationTargetMs: at(fabric, 'targets', 'revocationTargetMs'),
              revocationP99WithinTarget: at(fabric, 'targets', 'revocationP99WithinTarget'),
            },
    },
  };
  const file = writeResult('summary', summary);
  say('\n=== summary ===');
  for (const [name, r] of Object.entries(runs)) {
    const note = r.skipped !== undefined ? `  (skipped: ${r.skipped})` : r.fresh ? '' : '  (no fresh result)';
    say(`  ${name.padEnd(22)} exit ${r.exitCode}  ${r.seconds}s${note}`);
  }
  say(`  total ${summary.totalSeconds}s; written to ${file}`);
  if (Object.values(runs).some((r) => r.skipped === undefined && (r.exitCode !== 0 || !r.fresh)))
    markFailed();
  return summary;
}

if (require.main === module) runMain(() => runAll());
