/**
 * Webhook subscriptions (a subscriber's interest in chosen licences) and their deliveries. A
 * delivery is claimed with a lease, so a crashed sender's work is retried; failed attempts back off
 * exponentially until the attempt budget is spent and the delivery is marked failed.
 */
import { randomUUID } from 'node:crypto';
import type { IsoTime } from '@licence-ledger/domain';
import { LicenceError } from '@licence-ledger/domain';
import type { Queryable } from './db';
import { iso, keysetPage, progressOf } from './rows';
import type { DeliveryProgress, DeliveryProgressRow, KeysetPage, Paged } from './rows';

/** Most licences one subscription may watch. */
export const MAX_SUBSCRIPTION_LICENCES = 1000;

/** A subscription to create. */
export interface NewSubscription {
  readonly id?: string;
  readonly ownerProvince: string;
  readonly ownerSub: string;
  readonly ownerAgency: string | null;
  readonly url: string;
  readonly secret: string | null;
  readonly licenceIds: readonly string[];
}

/** A stored subscription. */
export interface Subscription extends Required<Omit<NewSubscription, 'licenceIds'>> {
  readonly licenceIds: string[];
  readonly active: boolean;
  readonly createdAt: IsoTime;
}

/** Who owns a subscription. */
export interface Owner {
  readonly province: string;
  readonly sub: string;
}

/** A delivery to enqueue. */
export interface NewDelivery {
  readonly subscriptionId: string;
  /** Deduplicates: one delivery per (subscription, event key), e.g. `<txId>:<licenceId>`. */
  readonly eventKey: string;
  /** The exact notification bytes (signed by the caller). */
  readonly payload: string;
  readonly nextAt?: Date;
}

/** Where a delivery stands. */
export type DeliveryState = DeliveryProgress['state'];

/** A stored delivery. */
export interface Delivery extends DeliveryProgress {
  readonly id: string;
  readonly subscriptionId: string;
  readonly eventKey: string;
  readonly payload: string;
}

/** A claimed delivery with where to send it. */
export interface DeliveryJob extends Delivery {
  readonly url: string;
  readonly secret: string | null;
}

/** Retry policy for failed deliveries. */
export interface BackoffPolicy {
  /** Delay after the first failure. */
  readonly baseMs: number;
  /** Longest delay between attempts. */
  readonly maxMs: number;
  /** Attempts before the delivery is marked failed. */
  readonly maxAttempts: number;
}

/** 10 s, 20 s, 40 s … capped at an hour; 12 attempts span about 8 hours. */
export const DEFAULT_BACKOFF: BackoffPolicy = { baseMs: 10_000, maxMs: 3_600_000, maxAttempts: 12 };

/** Delay before the next try after `attempts` failed attempts (1 → baseMs, doubling, capped). */
export function backoffDelayMs(attempts: number, policy: BackoffPolicy = DEFAULT_BACKOFF): number {
  const exponent = Math.max(0, Math.min(attempts - 1, 40));
  return Math.min(policy.maxMs, policy.baseMs * 2 ** exponent);
}

interface SubRow {
  id: string;
  owner_province: string;
  owner_sub: string;
  owner_agency: string | null;
  url: string;
  secret: string | null;
  active: boolean;
  created_at: Date;
  licence_ids: string[] | null;
}

interface DeliveryRow extends DeliveryProgressRow {
  id: string;
  subscription_id: string;
  event_key: string;
  payload: string;
  url?: string;
  secret?: string | null;
}

function toSubscription(r: SubRow): Subscription {
  return {
    id: r.id,
    ownerProvince: r.owner_province,
    ownerSub: r.owner_sub,
    ownerAgency: r.owner_agency,
    url: r.url,
    secret: r.secret,
    active: r.active,
    createdAt: iso(r.created_at),
    licenceIds: [...(r.licence_ids ?? [])].sort(),
  };
}

function toDelivery(r: DeliveryRow): Delivery {
  return {
    id: r.id,
    subscriptionId: r.subscription_id,
    eventKey: r.event_key,
    payload: r.payload,
    ...progressOf(r),
  };
}

const SUB_SELECT = `SELECT s.*, (SELECT array_agg(licence_id) FROM webhook_subscription_licences l
  WHERE l.subscription_id = s.id) AS licence_ids FROM webhook_subscriptions s`;

/** Webhook repository. */
export interface WebhookRepo {
  createSubscription(s: NewSubscription): Promise<Subscription>;
  getSubscription(id: string): Promise<Subscription | undefined>;
  /** An owner's subscriptions, oldest first. */
  listSubscriptions(owner: Owner, page: KeysetPage): Promise<Paged<Subscription>>;
  /** Deletes a subscription if `owner` owns it; returns whether it did. */
  deleteSubscription(id: string, owner: Owner): Promise<boolean>;
  /** Active subscriptions watching any of `licenceIds`, with the licences each watches among them. */
  subscribersOf(
    licenceIds: readonly string[],
  ): Promise<Array<{ subscription: Subscription; licenceIds: string[] }>>;
  /** Enqueues a delivery; false when the same (subscription, event key) is already queued. */
  enqueue(d: NewDelivery): Promise<boolean>;
  getDelivery(id: string): Promise<Delivery | undefined>;
  /**
   * Claims up to `limit` due deliveries by pushing their next_at `leaseMs` ahead, so a second sender
   * (or this one after a crash) only retries them once the lease has lapsed.
   */
  claimDue(options: { now: Date; limit: number; leaseMs: number }): Promise<DeliveryJob[]>;
  markDelivered(id: string, status: number, now: Date): Promise<Delivery>;
  /** Records a failed attempt: retry later with backoff, or give up after maxAttempts. */
  markAttemptFailed(
    id: string,
    failure: { status: number | null; error: string },
    now: Date,
    policy?: BackoffPolicy,
  ): Promise<Delivery>;
}

/** The webhook repository over `db`. */
export function webhookRepo(db: Queryable): WebhookRepo {
  const getSubscription = async (id: string): Promise<Subscription | undefined> => {
    const { rows } = await db.query<SubRow>(`${SUB_SELECT} WHERE s.id = $1`, [id]);
    return rows[0] === undefined ? undefined : toSubscription(rows[0]);
  };
  const getDelivery = async (id: string): Promise<Delivery | undefined> => {
    const { rows } = await db.query<DeliveryRow>('SELECT * FROM webhook_deliveries WHERE id = $1', [id]);
    return rows[0] === undefined ? undefined : toDelivery(rows[0]);
  };
  const updated = (rows: DeliveryRow[], id: string): Delivery => {
    if (rows[0] === undefined) throw new LicenceError('NOT_FOUND', 'no such pending delivery', { id });
    return toDelivery(rows[0]);
  };

  return {
    async createSubscription(s) {
      const ids = [...new Set(s.licenceIds)];
      if (ids.length === 0 || ids.length > MAX_SUBSCRIPTION_LICENCES) {
        throw new LicenceError(
          'INVALID_ARGUMENT',
          `a subscription watches 1 to ${MAX_SUBSCRIPTION_LICENCES} licences`,
        );
      }
      const id = s.id ?? randomUUID();
      // One statement writes the subscription and its licences, so it exists whole or not at all.
      await db.query(
        `WITH s AS (
           INSERT INTO webhook_subscriptions (id, owner_province, owner_sub, owner_agency, url, secret)
           VALUES ($1, $2, $3, $4, $5, $6) RETURNING id)
         INSERT INTO webhook_subscription_licences (subscription_id, licence_id)
         SELECT s.id, l FROM s, unnest($7::text[]) AS l`,
        [id, s.ownerProvince, s.ownerSub, s.ownerAgency, s.url, s.secret, ids],
      );
      return (await getSubscription(id))!;
    },
    getSubscription,
    listSubscriptions(owner, page) {
      const q = {
        sql: `${SUB_SELECT} WHERE s.owner_province = $1 AND s.owner_sub = $2`,
        values: [owner.province, owner.sub],
      };
      return keysetPage<SubRow, Subscription>(
        db,
        { ...q, time: 's.created_at', id: 's.id', descending: false },
        page,
        toSubscription,
        (s) => [s.createdAt, s.id],
      );
    },
    async deleteSubscription(id, owner) {
      const { rowCount } = await db.query(
        'DELETE FROM webhook_subscriptions WHERE id = $1 AND owner_province = $2 AND owner_sub = $3',
        [id, owner.province, owner.sub],
      );
      return (rowCount ?? 0) === 1;
    },
    async subscribersOf(licenceIds) {
      if (licenceIds.length === 0) return [];
      const { rows } = await db.query<SubRow & { matched: string[] }>(
        `SELECT m.matched, x.* FROM (
           SELECT subscription_id, array_agg(licence_id ORDER BY licence_id) AS matched
           FROM webhook_subscription_licences WHERE licence_id = ANY($1::text[]) GROUP BY subscription_id) m
         JOIN (${SUB_SELECT}) x ON x.id = m.subscription_id
         WHERE x.active ORDER BY x.id`,
        [licenceIds],
      );
      return rows.map((r) => ({ subscription: toSubscription(r), licenceIds: r.matched }));
    },
    async enqueue(d) {
      const { rowCount } = await db.query(
        `INSERT INTO webhook_deliveries (id, subscription_id, event_key, payload, next_at)
         VALUES ($1, $2, $3, $4, COALESCE($5::timestamptz, date_trunc('milliseconds', now())))
         ON CONFLICT (subscription_id, event_key) DO NOTHING`,
        [randomUUID(), d.subscriptionId, d.eventKey, d.payload, d.nextAt ?? null],
      );
      return (rowCount ?? 0) === 1;
    },
    getDelivery,
    async claimDue({ now, limit, leaseMs }) {
      const { rows } = await db.query<DeliveryRow>(
        `WITH due AS (
           SELECT id FROM webhook_deliveries WHERE state = 'pending' AND next_at <= $1
           ORDER BY next_at, id LIMIT $2 FOR UPDATE SKIP LOCKED)
         UPDATE webhook_deliveries d SET next_at = $1::timestamptz + make_interval(secs => $3::double precision / 1000)
         FROM due, webhook_subscriptions s
         WHERE d.id = due.id AND s.id = d.subscription_id
         RETURNING d.*, s.url, s.secret`,
        [now, Math.max(1, Math.min(100, limit)), leaseMs],
      );
      return rows
        .map((r) => ({ ...toDelivery(r), url: r.url ?? '', secret: r.secret ?? null }))
        .sort((a, b) => a.nextAt.localeCompare(b.nextAt) || a.id.localeCompare(b.id));
    },
    async markDelivered(id, status, now) {
      const { rows } = await db.query<DeliveryRow>(
        `UPDATE webhook_deliveries SET state = 'delivered', attempts = attempts + 1, last_status = $2,
           last_error = NULL, delivered_at = $3
         WHERE id = $1 AND state = 'pending' RETURNING *`,
        [id, status, now],
      );
      return updated(rows, id);
    },
    async markAttemptFailed(id, failure, now, policy = DEFAULT_BACKOFF) {
      const current = await getDelivery(id);
      if (current === undefined || current.state !== 'pending') {
        throw new LicenceError('NOT_FOUND', 'no such pending delivery', { id });
      }
      const attempts = current.attempts + 1;
      const giveUp = attempts >= policy.maxAttempts;
      const nextAt = new Date(now.getTime() + backoffDelayMs(attempts, policy));
      const { rows } = await db.query<DeliveryRow>(
        `UPDATE webhook_deliveries SET attempts = $2, state = $3, next_at = $4, last_status = $5, last_error = $6
         WHERE id = $1 AND state = 'pending' AND attempts = $7 RETURNING *`,
        [
          id,
          attempts,
          giveUp ? 'failed' : 'pending',
          nextAt,
          failure.status,
          failure.error.slice(0, 500),
          current.attempts,
        ],
      );
      return updated(rows, id);
    },
  };
}
