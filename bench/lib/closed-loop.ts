/** A time-bounded closed loop: `concurrency` workers call `op` back to back until the deadline. */
import { round } from './report';
import { summarise } from './stats';
import type { Summary } from './stats';

/** What a closed-loop run measured. */
export interface LoopResult {
  readonly concurrency: number;
  /** Units of work done (licences, for issuance). */
  readonly units: number;
  readonly calls: number;
  readonly failures: number;
  /** The first failure's message, if any (failures are counted, not thrown). */
  readonly firstFailure: string | null;
  readonly elapsedSeconds: number;
  readonly unitsPerSecond: number;
  readonly callLatencyMs: Summary;
}

/** Runs `op` (which returns the units it did) for `seconds` with `concurrency` workers. */
export async function closedLoop(
  seconds: number,
  concurrency: number,
  op: () => Promise<number>,
): Promise<LoopResult> {
  const latencies: number[] = [];
  let units = 0;
  let failures = 0;
  let firstFailure: string | null = null;
  const start = performance.now();
  const deadline = start + seconds * 1000;
  const worker = async (): Promise<void> => {
    while (performance.now() < deadline) {
      const t0 = performance.now();
      try {
        // Awaited first: `units += await op()` would read `units` before the await and lose updates.
        const done = await op();
        units += done;
        latencies.push(performance.now() - t0);
      } catch (error) {
        failures++;
        firstFailure ??= error instanceof Error ? error.message : String(error);
      }
    }
  };
  await Promise.all(Array.from({ length: concurrency }, worker));
  const elapsed = (performance.now() - start) / 1000;
  return {
    concurrency,
    units,
    calls: latencies.length,
    failures,
    firstFailure,
    elapsedSeconds: round(elapsed, 3),
    unitsPerSecond: round(units / elapsed, 1),
    callLatencyMs: summarise(latencies),
  };
}
