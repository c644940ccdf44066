/**
 * An open-loop load generator with evenly spaced arrivals: request i is due at start + i/rate and
 * its latency is measured from that due time (so a late send counts against the server, as
 * coordinated-omission-free measurement requires). autocannon's fixed-rate mode, by contrast, lets
 * every connection send its per-second quota at once when its one-second timer fires, so a "half
 * load" arrives as one burst per second; this generator is the steady-rate counterpart.
 */
import { Agent, request } from 'node:http';
import { setTimeout as sleep } from 'node:timers/promises';
import { round } from './report';
import { summarise } from './stats';
import type { Summary } from './stats';

/** What a paced run needs. */
export interface PacedSpec {
  readonly url: string;
  readonly path: string;
  readonly bearer: string;
  readonly purpose: string;
  readonly tokens: readonly string[];
  readonly ratePerSecond: number;
  readonly durationSeconds: number;
  /** Most requests in flight at once (sockets). */
  readonly maxSockets: number;
}

/** What a paced run measured (latency in ms, sub-millisecond resolution). */
export interface PacedResult {
  readonly ratePerSecond: number;
  readonly durationSeconds: number;
  readonly sent: number;
  readonly completed: number;
  readonly errors: number;
  readonly non2xx: number;
  readonly throughputRps: number;
  readonly latencyMs: Summary & { readonly p97_5: number };
  readonly results: Record<string, number>;
  readonly tokensShort: number;
}

/** Runs a paced open-loop load and waits for every answer. */
export async function runPaced(spec: PacedSpec): Promise<PacedResult> {
  const target = new URL(spec.path, spec.url);
  const agent = new Agent({ keepAlive: true, maxSockets: spec.maxSockets });
  const latencies: number[] = [];
  const results: Record<string, number> = {};
  let errors = 0;
  let non2xx = 0;
  let short = 0;
  const total = Math.floor(spec.ratePerSecond * spec.durationSeconds);
  const inFlight: Promise<void>[] = [];
  const start = performance.now();
  const send = (due: number, token: string): Promise<void> =>
    new Promise<void>((resolve) => {
      const body = JSON.stringify({ token, purpose: spec.purpose });
      const req = request(
        target,
        {
          method: 'POST',
          agent,
          headers: {
            'content-type': 'application/json',
            'content-length': Buffer.byteLength(body),
            authorization: spec.bearer,
          },
        },
        (res) => {
          const chunks: Buffer[] = [];
          res.on('data', (c: Buffer) => chunks.push(c));
          res.on('end', () => {
            latencies.push(performance.now() - due);
            if ((res.statusCode ?? 0) < 200 || (res.statusCode ?? 0) > 299) non2xx++;
            let code = 'UNPARSEABLE';
            try {
              const parsed = JSON.parse(Buffer.concat(chunks).toString('utf8')) as { result?: unknown };
              if (typeof parsed.result === 'string') code = parsed.result;
            } catch {
              code = 'UNPARSEABLE';
            }
            results[code] = (results[code] ?? 0) + 1;
            resolve();
          });
        },
      );
      req.setTimeout(10_000, () => req.destroy(new Error('timeout')));
      req.on('error', () => {
        errors++;
        resolve();
      });
      req.end(body);
    });
  for (let i = 0; i < total; i++) {
    const due = start + (i * 1000) / spec.ratePerSecond;
    const wait = due - performance.now();
    if (wait > 1) await sleep(Math.floor(wait));
    if (i >= spec.tokens.length) short++;
    inFlight.push(send(due, spec.tokens[i % spec.tokens.length]!));
  }
  await Promise.all(inFlight);
  const elapsed = (performance.now() - start) / 1000;
  agent.destroy();
  const summary = summarise(latencies);
  const sorted = [...latencies].sort((a, b) => a - b);
  const p97_5 = sorted[Math.max(0, Math.ceil(0.975 * sorted.length) - 1)] ?? Number.NaN;
  return {
    ratePerSecond: spec.ratePerSecond,
    durationSeconds: round(elapsed, 2),
    sent: total,
    completed: latencies.length,
    errors,
    non2xx,
    throughputRps: round(latencies.length / elapsed, 1),
    latencyMs: { ...summary, p97_5: round(p97_5, 3) },
    results,
    tokensShort: short,
  };
}
