/**
 * Idempotency-Key handling for creating calls: the first request with a key runs and its response
 * is stored; a repeat with the same key and the same request gets that response again; the same key
 * with a different request is a CONFLICT, as is a repeat while the first is still running.
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

/** The hash that binds a key to one request: method, path and canonical body. */
export function requestHash(method: string, path: string, body: unknown): string {
  return sha256b64url(canonicalize({ method, path, body: body ?? null }));
}

/**
 * Runs `handler` at most once per (caller, key). Without a key it simply runs. Responses are stored
 * only for success; a failed first attempt releases the key so the client may retry it.
 */
export async function idempotent(
  store: IdempotencyRepo,
  caller: string,
  key: string | undefined,
  hash: string,
  handler: () => Promise<StoredResponse>,
): Promise<StoredResponse & { readonly replayed: boolean }> {
  if (key === undefined) return { ...(await handler()), replayed: false };
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
  if (earlier.outcome === 'in_progress') {
    throw new LicenceError('CONFLICT', 'a request with this Idempotency-Key is still being processed', {
      header: 'Idempotency-Key',
      retryAfterSeconds: 1,
    });
  }
  if (earlier.outcome === 'completed') return { status: earlier.status, body: earlier.body, replayed: true };
  let response: StoredResponse;
  try {
    response = await handler();
  } catch (error) {
    await store.release(caller, key);
    throw error;
  }
  await store.complete(caller, key, response.status, response.body);
  return { ...response, replayed: false };
}
