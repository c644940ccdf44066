/** Machine facts, the results folder and stdout output shared by every benchmark. */
import { execFileSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { cpus, freemem, loadavg, platform, release, totalmem } from 'node:os';
import { join, relative } from 'node:path';
import { REPO_ROOT } from './sources';

/** Where results go (git-ignored except .gitkeep). */
export const RESULTS_DIR = join(REPO_ROOT, 'bench', 'results');

/** What every result file records about the machine and the checkout. */
export interface MachineInfo {
  readonly date: string;
  readonly node: string;
  readonly platform: string;
  readonly cpus: number;
  readonly cpuModel: string;
  readonly memoryMiB: { readonly total: number; readonly free: number };
  /**
   * 1/5/15-minute load averages when the benchmark started: anything above ~0.5 means other work
   * shared the two cores, and the figures are lower than this machine can do alone.
   */
  readonly loadAverageAtStart: readonly number[];
  readonly gitCommit: string;
  /** True when the working tree had uncommitted changes (the figures then describe those too). */
  readonly gitDirty: boolean;
}

function git(args: string[]): string {
  try {
    return execFileSync('git', args, {
      cwd: REPO_ROOT,
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'ignore'],
    }).trim();
  } catch {
    return '';
  }
}

/** Facts about this machine and checkout. */
export function machineInfo(): MachineInfo {
  const list = cpus();
  return {
    date: new Date().toISOString(),
    node: process.version,
    platform: `${platform()} ${release()}`,
    cpus: list.length,
    cpuModel: list[0]?.model.trim() ?? 'unknown',
    memoryMiB: { total: Math.round(totalmem() / 2 ** 20), free: Math.round(freemem() / 2 ** 20) },
    loadAverageAtStart: loadavg().map((v) => round(v, 2)),
    gitCommit: git(['rev-parse', 'HEAD']) || 'unknown',
    gitDirty: git(['status', '--porcelain', '--untracked-files=no']) !== '',
  };
}

/**
 * Writes `bench/results/<name>.json` (with the load average at the end, next to the machine's at
 * the start) and returns its path relative to the repository.
 */
export function writeResult(name: string, data: object): string {
  mkdirSync(RESULTS_DIR, { recursive: true });
  const file = join(RESULTS_DIR, `${name}.json`);
  const doc = { ...data, loadAverageAtEnd: loadavg().map((v) => round(v, 2)) };
  writeFileSync(file, `${JSON.stringify(doc, null, 2)}\n`);
  return relative(REPO_ROOT, file);
}

/** One line of the human summary on stdout. */
export function say(line = ''): void {
  process.stdout.write(`${line}\n`);
}

/** A number rounded to `digits` decimals (for readable JSON and summaries). */
export function round(value: number, digits = 2): number {
  const f = 10 ** digits;
  return Math.round(value * f) / f;
}

/** What the embedded benchmarks say of Fabric: where the real network is measured. */
export const FABRIC_UNAVAILABLE =
  'not measured by this script: its figures come from the embedded ledger; the real Fabric network is ' +
  'measured at the ledger level by bench/fabric.ts (results/fabric.json); gateways in Fabric mode are not benchmarked yet';

let failed = false;

/** Marks this run as failed: the process will exit non-zero, but the benchmark carries on. */
export function markFailed(): void {
  failed = true;
}

/**
 * Runs a benchmark entry point: errors go to stderr; the exit code is 0 only when `fn` resolves and
 * nothing called markFailed (lib/sources sets it to 1 until then).
 */
export function runMain(fn: () => Promise<unknown>): void {
  fn().then(
    () => {
      process.exitCode = failed ? 1 : 0;
    },
    (error: unknown) => {
      process.stderr.write(`${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
      process.exitCode = 1;
    },
  );
}
