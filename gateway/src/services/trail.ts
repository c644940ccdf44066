/**
 * The holders' verification trail across provinces, sending side. Verification never calls the
 * issuing province; after answering, the verifier's gateway queues a notification for it in the same
 * database transaction as its own log row, and this loop delivers it: a compact JWS (typ
 * 'llv+jwt') signed with the receipt key at each attempt, POSTed to the issuing gateway's
 * /api/v1/trail, retried with exponential backoff. The notification's jti is the queue row's id, so
 * the receiver recognises a repeat of an attempt whose answer was lost.
 */
import { randomUUID } from 'node:crypto';
import type { Principal } from '../auth/principal';
import type { TrailPeer } from '../config';
import type { NewTrailNotification, TrailAttempt, TrailNotification } from '../storage/trail';
import type { DeliveryProgress, KeysetPage, Paged } from '../storage/rows';
import { LicenceError } from '@licence-ledger/domain';
import type { VerificationResult } from '../verification';
import type { ProvinceContext } from './context';
import { DeliveryWorker, postOnce } from './delivery';

/** JWS typ of a trail notification. */
export const TRAIL_TYP = 'llv+jwt';
/** Where a gateway receives trail notifications (relative to its base URL). */
export const TRAIL_PATH = '/api/v1/trail';
/** Time the issuing gateway has to answer one delivery. */
export const TRAIL_TIMEOUT_MS = 5000;
/** A claimed notification is not picked again before this lease ends. */
export const TRAIL_LEASE_MS = 30_000;

/**
 * What a notification reports (the JWS adds iss, aud, jti and iat); no personal data of anybody.
 * A type alias rather than an interface, so a report is a plain JSON record for the queue.
 */
export type TrailReport = {
  readonly licenceId: string;
  /** The verifying province; equal to the JWS issuer. */
  readonly verifierMsp: string;
  /** The verifying agency's USCC, when the verifier acts for one. */
  readonly verifierAgency: string | null;
  /** The verifier's account at its own identity provider. */
  readonly verifierSub: string | null;
  readonly purpose: string;
  readonly result: VerificationResult['result'];
  /** When the verification happened. */
  readonly at: string;
};

/**
 * The trail notification reporting a verification logged as `verificationId`, when the licence
 * comes from a province this gateway has a peer for; the caller queues it in the same database
 * transaction as the log row. Results without a licence (malformed, forged, replayed tokens) name
 * nobody's licence reliably and are not sent.
 */
export function trailNotificationFor(
  ctx: Pick<ProvinceContext, 'msp' | 'config'>,
  verificationId: string,
  verification: {
    principal: Principal;
    purpose: string;
    result: Pick<VerificationResult, 'licence' | 'result' | 'verifiedAt'>;
  },
): NewTrailNotification | undefined {
  const { principal, purpose, result } = verification;
  const licence = result.licence;
  if (licence === undefined || licence.issuerMsp === ctx.msp) return undefined;
  if (!ctx.config.trailPeers.some((p) => p.msp === licence.issuerMsp)) return undefined;
  const report: TrailReport = {
    licenceId: licence.id,
    verifierMsp: ctx.msp,
    verifierAgency: principal.agency ?? null,
    verifierSub: principal.sub,
    purpose,
    result: result.result,
    at: result.verifiedAt,
  };
  return { id: randomUUID(), verificationId, targetMsp: licence.issuerMsp, payload: report };
}

/**
 * How an answer of the issuing gateway settles an attempt: 2xx, or 409 (it already recorded this
 * jti from an attempt whose answer was lost), delivers; 400/404/413/415/422 will never change, so
 * they end the notification; anything else (401/403 while keys are being configured, 429, 5xx) is
 * retried.
 */
export function settleAnswer(status: number): 'delivered' | 'final' | 'retry' {
  if ((status >= 200 && status < 300) || status === 409) return 'delivered';
  if ([400, 404, 413, 415, 422].includes(status)) return 'final';
  return 'retry';
}

/** Delivers queued trail notifications to the issuing provinces' gateways. */
export class TrailDelivery extends DeliveryWorker<TrailNotification> {
  private readonly peers: ReadonlyMap<string, TrailPeer>;

  constructor(
    private readonly ctx: ProvinceContext,
    pollMs = 1000,
  ) {
    super(pollMs, (error) => ctx.logger.warn({ err: error }, 'trail delivery round failed'));
    this.peers = new Map(ctx.config.trailPeers.map((p) => [p.msp, p]));
  }

  /** This gateway's outgoing notifications in `state`, newest first (for its administrators). */
  list(state: DeliveryProgress['state'], page: KeysetPage): Promise<Paged<TrailNotification>> {
    return this.ctx.store.trail.listByState(state, page);
  }

  /**
   * Queues a notification that was given up on once more (after the issuing gateway was
   * unreachable for longer than the retry budget, say). NOT_FOUND for an unknown id, CONFLICT when
   * it is not in state 'failed'.
   */
  async resend(id: string): Promise<TrailNotification> {
    const queued = await this.ctx.store.trail.resend(id, this.ctx.clock());
    if (queued !== undefined) {
      this.ctx.logger.info({ notification: id, to: queued.targetMsp }, 'trail notification queued again');
      return queued;
    }
    const existing = await this.ctx.store.trail.get(id);
    if (existing === undefined) throw new LicenceError('NOT_FOUND', 'no such trail notification', { id });
    throw new LicenceError(
      'CONFLICT',
      `only a failed notification can be sent again; this one is ${existing.state}`,
      {
        id,
        state: existing.state,
      },
    );
  }

  protected claim(limit: number): Promise<TrailNotification[]> {
    return this.ctx.store.trail.claimDue({ now: this.ctx.clock(), limit, leaseMs: TRAIL_LEASE_MS });
  }

  protected async attempt(n: TrailNotification): Promise<boolean> {
    const peer = this.peers.get(n.targetMsp);
    let attempt: TrailAttempt;
    if (peer === undefined) {
      // The peer was removed from the configuration; keep trying in case it comes back.
      attempt = { status: null, error: 'no such peer configured', final: false };
    } else {
      attempt = await this.post(peer, n);
    }
    const now = this.ctx.clock();
    const store = this.ctx.store.trail;
    const log = { notification: n.id, to: n.targetMsp, status: attempt.status };
    if (attempt.status !== null && settleAnswer(attempt.status) === 'delivered') {
      await store.markDelivered(n.id, attempt.status, now);
      this.ctx.logger.debug(log, 'trail notification delivered');
      return true;
    }
    await store.markAttemptFailed(n.id, attempt, now, this.ctx.config.trailRetry);
    this.ctx.logger.info({ ...log, error: attempt.error }, 'trail notification not delivered');
    return false;
  }

  private async post(peer: TrailPeer, n: TrailNotification): Promise<TrailAttempt> {
    const notification = await this.ctx.receipt.sign(
      {
        ...n.payload,
        iss: this.ctx.msp,
        aud: n.targetMsp,
        jti: n.id,
        iat: Math.floor(this.ctx.clock().getTime() / 1000),
      },
      TRAIL_TYP,
    );
    const { status, error } = await postOnce(
      `${peer.url}${TRAIL_PATH}`,
      { 'content-type': 'application/json' },
      JSON.stringify({ notification }),
      TRAIL_TIMEOUT_MS,
    );
    return { status, error, final: status !== null && settleAnswer(status) === 'final' };
  }
}
