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
import { DeliveryWorker, postOnce } from './delivery';
import { DEFAULT_BACKOFF, MAX_SUBSCRIPTION_LICENCES } from '../storage/webhooks';
import type { BackoffPolicy, DeliveryJob, Owner, Subscription } from '../storage/webhooks';
import type { KeysetPage, Paged } from '../storage/rows';

/** JWS typ of a notification. */
export const NOTIFICATION_TYP = 'llwh+jwt';
/** Time a subscriber's endpoint has to answer. */
export const DELIVERY_TIMEOUT_MS = 5000;
/** A claimed delivery is not picked again before this lease ends (a crashed sender's work is retried). */
export const DELIVERY_LEASE_MS = 30_000;

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

/** A subscription as the API shows it (the secret only once, at creation). */
export interface SubscriptionView {
  readonly id: string;
  readonly url: string;
  readonly licenceIds: readonly string[];
  readonly createdAt: string;
}

/** A created subscription, with its HMAC secret. */
export interface CreatedSubscription extends SubscriptionView {
  readonly secret: string;
}

const view = (s: Subscription): SubscriptionView => ({
  id: s.id,
  url: s.url,
  licenceIds: s.licenceIds,
  createdAt: s.createdAt,
});

/** Webhook subscriptions and deliveries for one province. */
export class WebhookService extends DeliveryWorker<DeliveryJob> {
  constructor(
    private readonly ctx: ProvinceContext,
    pollMs = 1000,
    private readonly backoff: BackoffPolicy = DEFAULT_BACKOFF,
  ) {
    super(pollMs, (error) => ctx.logger.warn({ err: error }, 'webhook delivery round failed'));
  }

  /** Subscribes `principal` to status changes of `licenceIds`. */
  async subscribe(
    principal: Principal,
    url: string,
    licenceIds: readonly string[],
  ): Promise<CreatedSubscription> {
    const checkedUrl = checkWebhookUrl(url);
    const ids = [...new Set(licenceIds)].sort();
    if (ids.length === 0 || ids.length > MAX_SUBSCRIPTION_LICENCES) {
      throw new LicenceError(
        'SCHEMA_VIOLATION',
        `a subscription follows 1 to ${MAX_SUBSCRIPTION_LICENCES} licences`,
        {
          path: '/licenceIds',
        },
      );
    }
    const bad = ids.findIndex((id) => !isValidLicenceId(id));
    if (bad >= 0) {
      throw new LicenceError('INVALID_IDENTIFIER', 'a licence identifier is not valid', {
        path: '/licenceIds',
      });
    }
    const secret = randomBytes(24).toString('base64url');
    const created = await this.ctx.store.webhooks.createSubscription({
      id: randomUUID(),
      ownerProvince: principal.province,
      ownerSub: principal.sub,
      ownerAgency: principal.agency ?? null,
      url: checkedUrl,
      secret,
      licenceIds: ids,
    });
    return { ...view(created), secret };
  }

  /** The caller's subscriptions, oldest first. */
  async list(principal: Principal, page: KeysetPage): Promise<Paged<SubscriptionView>> {
    const rows = await this.ctx.store.webhooks.listSubscriptions(ownerOf(principal), page);
    return { items: rows.items.map(view), next: rows.next };
  }

  /** One of the caller's subscriptions; NOT_FOUND for anybody else's. */
  async get(principal: Principal, id: string): Promise<SubscriptionView> {
    const s = await this.ctx.store.webhooks.getSubscription(id);
    if (
      s === undefined ||
      !s.active ||
      s.ownerProvince !== principal.province ||
      s.ownerSub !== principal.sub
    ) {
      throw new LicenceError('NOT_FOUND', 'no such subscription', { id });
    }
    return view(s);
  }

  /** Ends one of the caller's subscriptions; NOT_FOUND when it has none with this id. */
  async unsubscribe(principal: Principal, id: string): Promise<void> {
    if (!(await this.ctx.store.webhooks.deleteSubscription(id, ownerOf(principal)))) {
      throw new LicenceError('NOT_FOUND', 'no such subscription', { id });
    }
  }

  protected claim(limit: number): Promise<DeliveryJob[]> {
    return this.ctx.store.webhooks.claimDue({ now: this.ctx.clock(), limit, leaseMs: DELIVERY_LEASE_MS });
  }

  protected async attempt(job: DeliveryJob): Promise<boolean> {
    const notification = JSON.parse(job.payload) as Record<string, unknown>;
    const jws = await this.ctx.receipt.sign(
      { ...notification, deliveryId: job.id, subscriptionId: job.subscriptionId, iss: this.ctx.msp },
      NOTIFICATION_TYP,
    );
    const headers: Record<string, string> = {
      'content-type': 'application/jose',
      'x-licence-ledger-delivery': job.id,
    };
    if (job.secret !== null) {
      headers['x-licence-ledger-signature'] =
        `sha256=${createHmac('sha256', job.secret).update(jws).digest('hex')}`;
    }
    // Only the URL the subscriber registered: redirects are not followed.
    const { status, error } = await postOnce(job.url, headers, jws, DELIVERY_TIMEOUT_MS);
    const now = this.ctx.clock();
    const ok = status !== null && status >= 200 && status < 300;
    if (ok) await this.ctx.store.webhooks.markDelivered(job.id, status, now);
    else await this.ctx.store.webhooks.markAttemptFailed(job.id, { status, error }, now, this.backoff);
    this.ctx.logger.debug({ delivery: job.id, status }, ok ? 'webhook delivered' : 'webhook delivery failed');
    return ok;
  }
}

function ownerOf(principal: Principal): Owner {
  return { province: principal.province, sub: principal.sub };
}
