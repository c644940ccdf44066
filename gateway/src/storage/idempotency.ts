/**
 * Idempotency keys: the first request with a (caller, key) reserves it under a hash of the request;
 * a repeat gets the stored response (or "still running"); the same key with a different request is
 * CONFLICT, so a key can never be reused for something else.
 *
 * A reservation whose request was cut short is 'interrupted' (see release and interruptAll): the
 * next request with the key takes it over, with the resource the first attempt recorded, if any.
 */
import { LicenceError } from '@licence-ledger/domain';
import type { Queryable } from './db';

/** Outcome of reserving a key. */
export type Reservation =
  | { readonly outcome: 'reserved' }
  | { readonly outcome: 'in_progress'; readonly resourceId: string | null }
  /**
   * An interrupted reservation, now this request's: `resourceId` is what the first attempt recorded
   * (its durable work to resume from), null when it recorded nothing.
   */
  | { readonly outcome: 'resumed'; readonly resourceId: string | null }
  | {
      readonly outcome: 'completed';
      readonly status: number;
      readonly body: unknown;
      readonly resourceId: string | null;
    };

interface Row {
  request_hash: string;
  state: 'in_progress' | 'interrupted' | 'completed';
  resource_id: string | null;
  response_status: number | null;
  response_body: unknown;
}

/** Idempotency-key repository. */
export interface IdempotencyRepo {
  /** Reserves (caller, key) for `requestHash`, or reports what an earlier identical request did. */
  reserve(caller: string, key: string, requestHash: string): Promise<Reservation>;
  /**
   * Links the reservation to durable work it started (an outbox id), in the transaction that
   * writes that work, so a retry after a failure or a crash resumes it instead of starting again.
   */
  setResource(caller: string, key: string, resourceId: string): Promise<void>;
  /** Stores the response of the reserved request. */
  complete(caller: string, key: string, status: number, body: unknown): Promise<void>;
  /**
   * Ends an unfinished reservation whose request failed, so the client may retry the key: dropped
   * when it recorded no resource, marked interrupted when it did (the retry resumes the resource).
   */
  release(caller: string, key: string): Promise<void>;
  /**
   * Marks every unfinished reservation interrupted; run at start-up, before serving, when no
   * request of this province can be running. Returns how many there were.
   */
  interruptAll(): Promise<number>;
  /** Deletes keys created before `before`; returns how many. */
  purgeOlderThan(before: Date): Promise<number>;
}

/** The idempotency repository over `db`. */
export function idempotencyRepo(db: Queryable): IdempotencyRepo {
  return {
    async reserve(caller, key, requestHash) {
      const inserted = await db.query(
        `INSERT INTO idempotency_keys (caller, key, request_hash, state) VALUES ($1, $2, $3, 'in_progress')
         ON CONFLICT (caller, key) DO NOTHING`,
        [caller, key, requestHash],
      );
      if ((inserted.rowCount ?? 0) === 1) return { outcome: 'reserved' };
      const { rows } = await db.query<Row>(
        `SELECT request_hash, state, resource_id, response_status, response_body
         FROM idempotency_keys WHERE caller = $1 AND key = $2`,
        [caller, key],
      );
      const row = rows[0];
      // Released between our insert and select: treat as a race the client can retry.
      if (row === undefined)
        throw new LicenceError('CONFLICT', 'the idempotency key is being reused concurrently');
      if (row.request_hash !== requestHash) {
        throw new LicenceError('CONFLICT', 'this Idempotency-Key was used for a different request', {
          reason: 'idempotency_mismatch',
        });
      }
      if (row.state === 'interrupted') {
        // Taken over by exactly one of several concurrent retries; the others see it in progress.
        const taken = await db.query<{ resource_id: string | null }>(
          `UPDATE idempotency_keys SET state = 'in_progress'
           WHERE caller = $1 AND key = $2 AND state = 'interrupted' RETURNING resource_id`,
          [caller, key],
        );
        const took = taken.rows[0];
        if (took !== undefined) return { outcome: 'resumed', resourceId: took.resource_id };
        return { outcome: 'in_progress', resourceId: row.resource_id };
      }
      if (row.state === 'in_progress') return { outcome: 'in_progress', resourceId: row.resource_id };
      return {
        outcome: 'completed',
        status: row.response_status ?? 200,
        body: row.response_body,
        resourceId: row.resource_id,
      };
    },
    async setResource(caller, key, resourceId) {
      await db.query('UPDATE idempotency_keys SET resource_id = $3 WHERE caller = $1 AND key = $2', [
        caller,
        key,
        resourceId,
      ]);
    },
    async complete(caller, key, status, body) {
      const { rowCount } = await db.query(
        `UPDATE idempotency_keys SET state = 'completed', response_status = $3, response_body = $4,
           completed_at = date_trunc('milliseconds', now())
         WHERE caller = $1 AND key = $2`,
        [caller, key, status, JSON.stringify(body ?? null)],
      );
      if ((rowCount ?? 0) === 0) throw new LicenceError('NOT_FOUND', 'no such idempotency reservation');
    },
    async release(caller, key) {
      await db.query(
        `WITH kept AS (
           UPDATE idempotency_keys SET state = 'interrupted'
           WHERE caller = $1 AND key = $2 AND state = 'in_progress' AND resource_id IS NOT NULL
         )
         DELETE FROM idempotency_keys
         WHERE caller = $1 AND key = $2 AND state = 'in_progress' AND resource_id IS NULL`,
        [caller, key],
      );
    },
    async interruptAll() {
      const { rowCount } = await db.query(
        `UPDATE idempotency_keys SET state = 'interrupted' WHERE state = 'in_progress'`,
      );
      return rowCount ?? 0;
    },
    async purgeOlderThan(before) {
      const { rowCount } = await db.query('DELETE FROM idempotency_keys WHERE created_at < $1', [before]);
      return rowCount ?? 0;
    },
  };
}
