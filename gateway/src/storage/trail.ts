/**
 * The trail outbox: notifications of verifications to send to the provinces that issued the
 * licences. A due entry is claimed with a lease (a crashed sender's work comes back when it lapses);
 * a failed attempt moves the next one out exponentially until the attempt budget is spent.
 */
import type { Queryable } from './db';
import { iso, keysetPage, progressOf } from './rows';
import type { DeliveryProgress, DeliveryProgressRow, KeysetPage, Paged } from './rows';
import type { BackoffPolicy } from './webhooks';

/** A notification to queue. */
export interface NewTrailNotification {
  /** Also the notification's jti. */
  readonly id: string;
  /** The local verification_log row it reports. */
  readonly verificationId: string;
  /** The issuing province's MSP ID. */
  readonly targetMsp: string;
  readonly payload: Readonly<Record<string, unknown>>;
}

/** A queued notification. */
export interface TrailNotification extends NewTrailNotification, DeliveryProgress {
  readonly createdAt: string;
}

/** The outcome of one attempt. */
export interface TrailAttempt {
  readonly status: number | null;
  readonly error: string;
  /** No retry: the receiver will never accept this notification. */
  readonly final: boolean;
}

interface Row extends DeliveryProgressRow {
  id: string;
  verification_id: string;
  target_msp: string;
  payload: Record<string, unknown>;
  created_at: Date;
}

const toNotification = (r: Row): TrailNotification => ({
  id: r.id,
  verificationId: r.verification_id,
  targetMsp: r.target_msp,
  payload: r.payload,
  ...progressOf(r),
  createdAt: iso(r.created_at),
});

/** Trail outbox repository. */
export interface TrailRepo {
  get(id: string): Promise<TrailNotification | undefined>;
  /** Claims up to `limit` due notifications by moving their next attempt `leaseMs` ahead. */
  claimDue(options: { now: Date; limit: number; leaseMs: number }): Promise<TrailNotification[]>;
  /** Marks a pending notification delivered; false when it was not pending. */
  markDelivered(id: string, status: number, now: Date): Promise<boolean>;
  /** Records a failed attempt: retry after the backoff, or give up (budget spent, or `final`). */
  markAttemptFailed(id: string, attempt: TrailAttempt, now: Date, retry: BackoffPolicy): Promise<boolean>;
  /** Notifications in `state`, newest first. */
  listByState(state: DeliveryProgress['state'], page: KeysetPage): Promise<Paged<TrailNotification>>;
  /**
   * Puts a notification that was given up on back in the queue, due at `now` with a fresh attempt
   * budget; undefined when it was not in state 'failed'. Its jti stays the same, so a receiver that
   * did record an earlier attempt answers 409 and the resend counts as delivered.
   */
  resend(id: string, now: Date): Promise<TrailNotification | undefined>;
}

/** The trail repository over `db`. */
export function trailRepo(db: Queryable): TrailRepo {
  return {
    async get(id) {
      const { rows } = await db.query<Row>('SELECT * FROM trail_outbox WHERE id = $1', [id]);
      return rows[0] === undefined ? undefined : toNotification(rows[0]);
    },
    async claimDue({ now, limit, leaseMs }) {
      const { rows } = await db.query<Row>(
        `UPDATE trail_outbox SET next_at = $1::timestamptz + make_interval(secs => $3::double precision / 1000)
         WHERE id IN (SELECT id FROM trail_outbox WHERE state = 'pending' AND next_at <= $1
                      ORDER BY next_at, id LIMIT $2 FOR UPDATE SKIP LOCKED)
         RETURNING *`,
        [now, Math.max(1, Math.min(100, limit)), leaseMs],
      );
      return rows.map(toNotification).sort((a, b) => a.id.localeCompare(b.id));
    },
    async markDelivered(id, status, now) {
      const { rowCount } = await db.query(
        `UPDATE trail_outbox SET state = 'delivered', attempts = attempts + 1, last_status = $2,
           last_error = NULL, delivered_at = $3 WHERE id = $1 AND state = 'pending'`,
        [id, status, now],
      );
      return rowCount === 1;
    },
    async markAttemptFailed(id, attempt, now, retry) {
      // The delay doubles with each attempt already made (SET reads the row before the update).
      const { rowCount } = await db.query(
        `UPDATE trail_outbox SET attempts = attempts + 1,
           state = CASE WHEN $3 OR attempts + 1 >= $4 THEN 'failed' ELSE 'pending' END,
           next_at = $2::timestamptz + make_interval(secs =>
             LEAST($6::double precision, $5::double precision * power(2, LEAST(attempts, 40))) / 1000),
           last_status = $7, last_error = $8
         WHERE id = $1 AND state = 'pending'`,
        [
          id,
          now,
          attempt.final,
          retry.maxAttempts,
          retry.baseMs,
          retry.maxMs,
          attempt.status,
          attempt.error.slice(0, 500),
        ],
      );
      return rowCount === 1;
    },
    listByState(state, page) {
      const q = { sql: 'SELECT * FROM trail_outbox WHERE state = $1', values: [state] };
      return keysetPage<Row, TrailNotification>(
        db,
        { ...q, time: 'created_at', id: 'id', descending: true },
        page,
        toNotification,
        (n) => [n.createdAt, n.id],
      );
    },
    async resend(id, now) {
      const { rows } = await db.query<Row>(
        `UPDATE trail_outbox SET state = 'pending', attempts = 0, next_at = $2
         WHERE id = $1 AND state = 'failed' RETURNING *`,
        [id, now],
      );
      return rows[0] === undefined ? undefined : toNotification(rows[0]);
    },
  };
}
