/**
 * A small in-process token bucket per key (province and subject): each key may spend `perMinute`
 * tokens a minute, refilled continuously, with bursts up to `burst`. Enough for one gateway process;
 * a cluster would need a shared store.
 */
import type { RequestHandler, Request } from 'express';
import { LicenceError } from '@licence-ledger/domain';
import { systemClock } from '../clock';
import type { Clock } from '../clock';

/** Rate limiter settings. */
export interface RateLimiterOptions {
  readonly perMinute: number;
  /** Bucket size; defaults to perMinute. */
  readonly burst?: number;
  /** Most keys tracked; when full, the oldest idle buckets are dropped. */
  readonly maxKeys?: number;
  /** The clock buckets refill by (default the system clock; tests move their own). */
  readonly clock?: Clock;
}

/** The outcome of taking a token. */
export type TakeResult = { readonly ok: true } | { readonly ok: false; readonly retryAfterSeconds: number };

/** A token-bucket rate limiter. */
export interface RateLimiter {
  take(key: string): TakeResult;
  /** Number of keys currently tracked. */
  size(): number;
}

interface Bucket {
  tokens: number;
  at: number;
}

/** Creates a token-bucket limiter. */
export function createRateLimiter(options: RateLimiterOptions): RateLimiter {
  const { perMinute } = options;
  if (!Number.isFinite(perMinute) || perMinute <= 0) throw new RangeError('perMinute must be positive');
  const burst = options.burst ?? perMinute;
  const maxKeys = options.maxKeys ?? 100_000;
  const clock = options.clock ?? systemClock;
  const perMs = perMinute / 60_000;
  // A Map iterates in insertion order; re-inserting on use keeps the least recently used first.
  const buckets = new Map<string, Bucket>();

  return {
    take(key) {
      const t = clock().getTime();
      const b = buckets.get(key) ?? { tokens: burst, at: t };
      b.tokens = Math.min(burst, b.tokens + Math.max(0, t - b.at) * perMs);
      b.at = t;
      buckets.delete(key);
      buckets.set(key, b);
      while (buckets.size > maxKeys) {
        const oldest = buckets.keys().next().value;
        if (oldest === undefined) break;
        buckets.delete(oldest);
      }
      if (b.tokens >= 1) {
        b.tokens -= 1;
        return { ok: true };
      }
      return { ok: false, retryAfterSeconds: Math.max(1, Math.ceil((1 - b.tokens) / perMs / 1000)) };
    },
    size: () => buckets.size,
  };
}

/** The bucket key of an authenticated request: its province and subject. */
export function principalKey(req: Request): string {
  const p = req.principal;
  return p === undefined ? `anonymous:${req.ip ?? ''}` : `${p.province}\u0000${p.sub}`;
}

/** Middleware answering 429 RATE_LIMITED (with Retry-After) when the caller's bucket is empty. */
export function rateLimit(
  limiter: RateLimiter,
  keyOf: (req: Request) => string = principalKey,
): RequestHandler {
  return (req, _res, next) => {
    const r = limiter.take(keyOf(req));
    if (r.ok) {
      next();
      return;
    }
    next(
      new LicenceError('RATE_LIMITED', 'too many requests; slow down', {
        retryAfterSeconds: r.retryAfterSeconds,
      }),
    );
  };
}
