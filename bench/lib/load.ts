/** autocannon runs with one JSON body per request (a fresh presentation token each time). */
import autocannon from 'autocannon';
import type { AutocannonResult } from 'autocannon';
import { round } from './report';

/** One load run's figures. */
export interface LoadResult {
  readonly label: string;
  readonly connections: number;
  readonly durationSeconds: number;
  /** The fixed request rate asked of autocannon (overallRate); null for closed-loop runs. */
  readonly overallRate: number | null;
  /** Completed requests per second (completed / measured duration). */
  readonly throughputRps: number;
  /** autocannon's per-second sample mean. */
  readonly requestsPerSecondMean: number;
  readonly latencyMs: {
    readonly p50: number;
    readonly p97_5: number;
    readonly p99: number;
    readonly mean: number;
    readonly max: number;
  };
  readonly completed: number;
  readonly errors: number;
  readonly timeouts: number;
  readonly non2xx: number;
  /** Answers by their `result` field (e.g. VALID, REPLAYED), from the response bodies. */
  readonly results: Record<string, number>;
  /** Request bodies taken from the token source beyond the tokens it had (reused tokens). */
  readonly tokensShort: number;
}

/** What a run needs. */
export interface LoadSpec {
  readonly label: string;
  readonly url: string;
  readonly path: string;
  readonly bearer: string;
  readonly purpose: string;
  /** Tokens handed out in order, one per request; when they run out the last ones are reused (and counted). */
  readonly tokens: readonly string[];
  readonly connections: number;
  readonly durationSeconds: number;
  readonly overallRate?: number;
  /** Cycle through `tokens` instead of counting reuse (for endpoints without a replay guard). */
  readonly cycle?: boolean;
}

/** Runs autocannon against `spec.url + spec.path`, POSTing {token, purpose} bodies. */
export async function runLoad(spec: LoadSpec): Promise<LoadResult> {
  let next = 0;
  let short = 0;
  const results: Record<string, number> = {};
  const take = (): string => {
    if (spec.tokens.length === 0) throw new Error('no tokens');
    if (next >= spec.tokens.length) {
      if (spec.cycle !== true) short++;
      next = 0;
    }
    return spec.tokens[next++]!;
  };
  const instance = autocannon({
    url: spec.url,
    connections: spec.connections,
    duration: spec.durationSeconds,
    timeout: 10,
    ...(spec.overallRate === undefined ? {} : { overallRate: spec.overallRate }),
    requests: [
      {
        method: 'POST',
        path: spec.path,
        headers: { 'content-type': 'application/json', authorization: spec.bearer },
        setupRequest(req) {
          return { ...req, body: JSON.stringify({ token: take(), purpose: spec.purpose }) };
        },
        onResponse(_status, body) {
          let code = 'UNPARSEABLE';
          try {
            const parsed = JSON.parse(body) as { result?: unknown; code?: unknown };
            code = typeof parsed.result === 'string' ? parsed.result : `problem:${String(parsed.code)}`;
          } catch {
            code = 'UNPARSEABLE';
          }
          results[code] = (results[code] ?? 0) + 1;
        },
      },
    ],
  });
  const r: AutocannonResult = await instance;
  return {
    label: spec.label,
    connections: spec.connections,
    durationSeconds: r.duration,
    overallRate: spec.overallRate ?? null,
    throughputRps: round(r.requests.total / Math.max(r.duration, 0.001), 1),
    requestsPerSecondMean: round(r.requests.mean, 1),
    latencyMs: {
      p50: r.latency.p50,
      p97_5: r.latency.p97_5,
      p99: r.latency.p99,
      mean: r.latency.mean,
      max: r.latency.max,
    },
    completed: r.requests.total,
    errors: r.errors,
    timeouts: r.timeouts,
    non2xx: r.non2xx,
    results,
    tokensShort: short,
  };
}
