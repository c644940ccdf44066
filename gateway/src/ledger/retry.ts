/** Bounded retry with jittered exponential backoff, for MVCC read conflicts only. */
import { LicenceError } from '@licence-ledger/domain';

/** Retry policy for MVCC read conflicts. */
export interface MvccRetryPolicy {
  /** Total attempts including the first (≥ 1). */
  readonly attempts: number;
  readonly baseDelayMs: number;
  /** Uniform random in [0, 1); injectable for tests. */
  readonly random?: () => number;
  readonly sleep?: (ms: number) => Promise<void>;
}

/** The default: 4 attempts, 50 ms doubling, full jitter. */
export const DEFAULT_MVCC_RETRY: MvccRetryPolicy = { attempts: 4, baseDelayMs: 50 };

const defaultSleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * Runs `attempt` (which must re-endorse from scratch each time) and retries only when it fails with
 * MVCC_READ_CONFLICT: another transaction changed what it read, so a fresh simulation can succeed.
 * Every other error, and the last conflict, is thrown as is.
 */
export async function withMvccRetry<T>(attempt: () => Promise<T>, policy: MvccRetryPolicy): Promise<T> {
  const random = policy.random ?? Math.random;
  const sleep = policy.sleep ?? defaultSleep;
  for (let n = 1; ; n++) {
    try {
      return await attempt();
    } catch (err) {
      const conflict = err instanceof LicenceError && err.code === 'MVCC_READ_CONFLICT';
      if (!conflict || n >= policy.attempts) throw err;
      await sleep(Math.floor(random() * policy.baseDelayMs * 2 ** (n - 1)));
    }
  }
}
