/**
 * Webhooks for relying parties: subscriptions to status changes of the licences they rely on, and
 * a delivery loop. The projection listener enqueues a delivery per subscription in the same
 * database transaction as the status it reports; this loop signs each notification (JWS by the
 * gateway's receipt key, plus an HMAC with the subscription's secret) and posts it to the URL the
 * subscriber registered, never following redirects, retrying with exponential backoff.
 */
import { createHmac, randomBytes, randomUUID } from 'node:crypto';
import { LicenceError, isValidLicenceId } from '@licence-ledger/domain';
import type { Principal } from '../auth/principal';
import type { ProvinceContext } from './context';
import type { DeliveryRow, SubscriptionRow } from './ports';

/** JWS typ of a notification. */
export const NOTIFICATION_TYP = 'llwh+jwt';
/** Attempts before a delivery is given up. */
export const MAX_ATTEMPTS = 10;
/** First retry delay and the ceiling of the backoff. */
export const BASE_DELAY_MS = 1000;
export const MAX_DELAY_MS = 3600_000;
/** Time a subscriber's endpoint has to answer. */
export const DELIVERY_TIMEOUT_MS = 5000;
/** Most licences one subscription may follow. */
export const MAX_SUBSCRIBED_LICENCES = 1000;

/** The delay before attempt `attempt + 1` (attempt counts from 1): exponential with ±20% jitter. */
export function backoffMs(attempt: number, random: () => number = Math.random): number {
  const exp = Math.min(MAX_DELAY_MS, BASE_DELAY_MS * 2 ** Math.max(0, attempt - 1));
  return Math.round(exp * (0.8 + 0.4 * random()));
}

/**
 * Checks a webhook URL: https anywhere, plain http only to the loopback interface (local tests and
 * the demo). No credentials in the URL, no fragments. INVALID_ARGUMENT otherwise.
 */
export function checkWebhookUrl(raw: string): string {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new LicenceError('INVALID_ARGUMENT', 'the webhook url is not a URL', { path: '/url' });
  }
  const loopback = ['127.0.0.1', 'localhost', '[::1]'].includes(url.hostname);
  if (url.protocol !== 'https:' && !(url.protocol === 'http:' && loopback)) {
    throw new LicenceError('INVALID_ARGUMENT', 'a webhook url must use https (http only to 127.0.0.1)', {
      path: '/url',
    });
  }
  if (url.username !== '' || url.password !== '' || url.hash !== '') {
    throw new LicenceError('INVALID_ARGUMENT', 'a webhook url carries no credentials or fragment', {
      path: '/url',
    });
  }
  return url.toString();
}

/** A created subscription, with its secret (shown once). */
export interface CreatedSubscription extends SubscriptionRow {
  readonly secret: string;
}

/** Webhook subscriptions and deliveries for one province. */
export class WebhookService {
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<number> | undefined;

  constructor(
    private readonly ctx: ProvinceContext,
    private readonly pollMs = 1000,
  ) {}

  /** Subscribes `principal` to status changes of `licenceIds`. */
  async subscribe(
    principal: Principal,
    url: string,
    licenceIds: readonly string[],
  ): Promise<CreatedSubscription> {
    const checkedUrl = checkWebhookUrl(url);
    const ids = [...new Set(licenceIds)];
    if (ids.length === 0 || ids.length > MAX_SUBSCRIBED_LICENCES) {
      throw new LicenceError(
        'SCHEMA_VIOLATION',
        `a subscription follows 1 to ${MAX_SUBSCRIBED_LICENCES} licences`,
        {
          path: '/licenceIds',
        },
      );
    }
    const bad = ids.findIndex((id) => !isValidLicenceId(id));
    if (bad >= 0) {
      throw new LicenceError('INVALID_IDENTIFIER', 'a licence identifier is not valid', {
        path: `/licenceIds/${bad}`,
      });
    }
    const secret = randomBytes(24).toString('base64url');
    const row = {
      id: randomUUID(),
      owner: `${principal.province}/${principal.sub}`,
      url: checkedUrl,
      licenceIds: ids.sort(),
      createdAt: this.ctx.clock().toISOString(),
      ownerProvince: principal.province,
      ownerSub: principal.sub,
      ownerAgency: principal.agency ?? null,
    };
    await this.ctx.store.createSubscription(row, secret);
    return {
      id: row.id,
      owner: row.owner,
      url: row.url,
      licenceIds: row.licenceIds,
      createdAt: row.createdAt,
      secret,
    };
  }

  /** The caller's subscriptions. */
  list(principal: Principal, limit: number, after?: readonly [string, string]): Promise<SubscriptionRow[]> {
    return this.ctx.store.subscriptions(principal.province, principal.sub, limit, after);
  }

  /** Ends one of the caller's subscriptions; NOT_FOUND when it has none with this id. */
  async unsubscribe(principal: Principal, id: string): Promise<void> {
    if (!(await this.ctx.store.deleteSubscription(id, principal.province, principal.sub))) {
      throw new LicenceError('NOT_FOUND', 'no such subscription', { id });
    }
  }

  /** Deliveries of one of the caller's subscriptions. */
  async deliveries(principal: Principal, id: string, limit: number): Promise<DeliveryRow[]> {
    const mine = await this.ctx.store.subscriptions(principal.province, principal.sub, 1000);
    if (!mine.some((s) => s.id === id)) throw new LicenceError('NOT_FOUND', 'no such subscription', { id });
    return this.ctx.store.deliveries(id, limit);
  }

  /** Starts the delivery loop. */
  start(): void {
    if (this.timer !== undefined) return;
    const tick = (): void => {
      this.running = this.deliverDue().catch((error: unknown) => {
        this.ctx.logger.warn({ err: error }, 'webhook delivery round failed');
        return 0;
      });
      void this.running.finally(() => {
        if (this.timer !== undefined) this.timer = setTimeout(tick, this.pollMs);
      });
    };
    this.timer = setTimeout(tick, this.pollMs);
    this.timer.unref();
  }

  /** Stops the loop and waits for a round in progress. */
  async stop(): Promise<void> {
    if (this.timer !== undefined) clearTimeout(this.timer);
    this.timer = undefined;
    await this.running;
  }

  /** Delivers every due notification once; returns how many were delivered. */
  async deliverDue(limit = 20): Promise<number> {
    const now = this.ctx.clock();
    const due = await this.ctx.store.dueDeliveries(now, limit);
    const outcomes = await Promise.all(due.map((d) => this.deliver(d)));
    return outcomes.filter(Boolean).length;
  }

  private async deliver(d: DeliveryRow & { readonly secret: string }): Promise<boolean> {
    const notification = JSON.parse(d.payload) as Record<string, unknown>;
    const jws = await this.ctx.receipt.sign(
      { ...notification, deliveryId: d.id, subscriptionId: d.subscriptionId, iss: this.ctx.msp },
      NOTIFICATION_TYP,
    );
    const signature = createHmac('sha256', d.secret).update(jws).digest('hex');
    let status: number | null = null;
    let error: string | null = null;
    try {
      const response = await fetch(d.url, {
        method: 'POST',
        headers: {
          'content-type': 'application/jose',
          'x-licence-ledger-delivery': d.id,
          'x-licence-ledger-signature': `sha256=${signature}`,
        },
        body: jws,
        redirect: 'manual',
        signal: AbortSignal.timeout(DELIVERY_TIMEOUT_MS),
      });
      status = response.status;
      await response.body?.cancel();
    } catch (e) {
      error = e instanceof Error ? e.name : 'fetch failed';
    }
    const attempt = d.attempts + 1;
    const ok = status !== null && status >= 200 && status < 300;
    const now = this.ctx.clock();
    await this.ctx.store.recordAttempt(d.id, {
      state: ok ? 'delivered' : attempt >= MAX_ATTEMPTS ? 'failed' : 'pending',
      status,
      error: ok ? null : (error ?? `HTTP ${status}`),
      nextAt: ok ? now : new Date(now.getTime() + backoffMs(attempt)),
    });
    this.ctx.logger.debug(
      { delivery: d.id, status, attempt },
      ok ? 'webhook delivered' : 'webhook delivery failed',
    );
    return ok;
  }
}
