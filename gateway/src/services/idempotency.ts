/**
 * Idempotency-Key handling for creating calls: the first request with a key runs and its response
 * is stored; a repeat with the same key and the same request gets that response again; the same key
 * with a different request is a CONFLICT, as is a repeat while the first is still running.
 *
 * A request cut short (it failed, or the gateway stopped under it) after it recorded durable work
 * (an outbox row, linked to the key in the same transaction) is resumed by the next request with
 * the key: that work is finished and answered, never started a second time. Without such work
 * the retry simply runs.
 */
import { LicenceError, canonicalize, sha256b64url } from '@licence-ledger/domain';
import type { IdempotencyRepo } from '../storage/idempotency';

/** Shape of an acceptable Idempotency-Key header value (printable ASCII, as RFC drafts suggest). */
export const IDEMPOTENCY_KEY_PATTERN = /^[\x21-\x7e]{1,255}$/;

/** A response to send (and to store for repeats). */
export interface StoredResponse {
  readonly status: number;
  readonly body: unknown;
}

/** The reservation a handler runs under, for linking the durable work it starts (setResource). */
export interface IdempotencyLink {
  readonly caller: string;
  readonly key: string;
}

/** A creating call under an Idempotency-Key. */
export interface IdempotentWork {
  /** Does the work; `link` (absent without a key) is what to record its durable work under. */
  run(link: IdempotencyLink | undefined): Promise<StoredResponse>;
  /**
   * The response to an earlier, cut-short attempt that recorded `resourceId`: that work finished
   * and answered; undefined when it came to nothing (then `run` does the work). Required of work
   * that records a resource.
   */
  resume?(resourceId: string): Promise<StoredResponse | undefined>;
}

/** The answer to a repeat of a request that is still running (409, retry after a second). */
export function stillProcessing(): LicenceError {
  return new LicenceError('CONFLICT', 'a request with this Idempotency-Key is still being processed', {
    header: 'Idempotency-Key',
    retryAfterSeconds: 1,
  });
}

/** The hash that binds a key to one request: method, path and canonical body. */
export function requestHash(method: string, path: string, body: unknown): string {
  return sha256b64url(canonicalize({ method, path, body: body ?? null }));
}

/**
 * Runs `work` at most once per (caller, key). Without a key it simply runs. Responses are stored
 * only for success; a failed attempt releases the key so the client may retry it (resuming what
 * the attempt recorded, if anything).
 */
export async function idempotent(
  store: IdempotencyRepo,
  caller: string,
  key: string | undefined,
  hash: string,
  work: IdempotentWork,
): Promise<StoredResponse & { readonly replayed: boolean }> {
  if (key === undefined) return { ...(await work.run(undefined)), replayed: false };
  if (!IDEMPOTENCY_KEY_PATTERN.test(key)) {
    throw new LicenceError(
      'INVALID_ARGUMENT',
      'Idempotency-Key must be 1 to 255 printable ASCII characters',
      {
        header: 'Idempotency-Key',
      },
    );
  }
  const earlier = await store.reserve(caller, key, hash);
  if (earlier.outcome === 'in_progress') throw stillProcessing();
  if (earlier.outcome === 'completed') return { status: earlier.status, body: earlier.body, replayed: true };
  let response: StoredResponse | undefined;
  let replayed = false;
  try {
    if (earlier.outcome === 'resumed' && earlier.resourceId !== null && work.resume !== undefined) {
      response = await work.resume(earlier.resourceId);
      replayed = response !== undefined;
    }
    response ??= await work.run({ caller, key });
  } catch (error) {
    await store.release(caller, key);
    throw error;
  }
  await store.complete(caller, key, response.status, response.body);
  return { ...response, replayed };
}
