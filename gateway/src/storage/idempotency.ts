/**
 * Idempotency keys: the first request with a (caller, key) reserves it under a hash of the request;
 * a repeat gets the stored response (or "still running"); the same key with a different request is
 * CONFLICT, so a key can never be reused for something else.
 */
import { LicenceError } from '@licence-ledger/domain';
import type { Queryable } from './db';

/** Outcome of reserving a key. */
export type Reservation =
  | { readonly outcome: 'reserved' }
  | { readonly outcome: 'in_progress'; readonly resourceId: string | null }
  | {
      readonly outcome: 'completed';
      readonly status: number;
      readonly body: unknown;
      readonly resourceId: string | null;
    };

interface Row {
  request_hash: string;
  state: 'in_progress' | 'completed';
  resource_id: string | null;
  response_status: number | null;
  response_body: unknown;
}

/** Idempotency-key repository. */
export interface IdempotencyRepo {
  /** Reserves (caller, key) for `requestHash`, or reports what an earlier identical request did. */
  reserve(caller: string, key: string, requestHash: string): Promise<Reservation>;
  /** Links the reservation to what it created (e.g. an outbox id), for recovery. */
  setResource(caller: string, key: string, resourceId: string): Promise<void>;
  /** Stores the response of the reserved request. */
  complete(caller: string, key: string, status: number, body: unknown): Promise<void>;
  /** Drops an unfinished reservation whose request failed, so the client may retry. */
  release(caller: string, key: string): Promise<void>;
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
        `DELETE FROM idempotency_keys WHERE caller = $1 AND key = $2 AND state = 'in_progress'`,
        [caller, key],
      );
    },
    async purgeOlderThan(before) {
      const { rowCount } = await db.query('DELETE FROM idempotency_keys WHERE created_at < $1', [before]);
      return rowCount ?? 0;
    },
  };
}
