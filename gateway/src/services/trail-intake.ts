/**
 * The holders' verification trail across provinces, receiving side: a notification from another
 * province's gateway (see trail.ts) is accepted only when it is signed by that province's
 * configured receipt key, is addressed to this province, is fresh, has not been recorded before
 * (jti) and reports a licence this province issued. It then joins the verification log, where the
 * holder's list finds it. Every refusal is a 4xx and writes nothing.
 */
import type { KeyObject } from 'node:crypto';
import { decodeProtectedHeader, jwtVerify } from 'jose';
import type { JWTPayload } from 'jose';
import { LicenceError, isValidLicenceId, isValidUscc } from '@licence-ledger/domain';
import { fromJwk } from '../auth/keys';
import type { VerificationEntry } from '../storage/verification-log';
import { VERIFICATION_CODES } from '../verification/result';
import type { ProvinceContext } from './context';
import { TRAIL_TYP } from './trail';
import type { TrailReport } from './trail';
import { PURPOSE_MAX, PURPOSE_MIN } from './verification';

/** Longest notification accepted, in characters. */
export const MAX_NOTIFICATION_LENGTH = 4096;
/** A notification is signed when sent, so it must be recent (plus the clock tolerance). */
export const MAX_NOTIFICATION_AGE_SECONDS = 300;

const COMPACT_JWS = /^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+$/;

/** Why a notification was not accepted as authentic (details.reason of UNAUTHENTICATED). */
export type TrailRejection = 'malformed' | 'unknown_sender' | 'signature' | 'claims';

const unauthenticated = (reason: TrailRejection, message: string): LicenceError =>
  new LicenceError('UNAUTHENTICATED', message, { reason });

const invalid = (path: string, message: string): LicenceError =>
  new LicenceError('SCHEMA_VIOLATION', message, { path });

/** A peer's signing key. */
interface SenderKey {
  readonly msp: string;
  readonly key: KeyObject;
}

/** Accepts trail notifications for one province. */
export class TrailIntake {
  private readonly senders = new Map<string, SenderKey>();

  /** Throws TypeError at start-up for unusable or ambiguous peer keys. */
  constructor(private readonly ctx: ProvinceContext) {
    for (const peer of ctx.config.trailPeers) {
      for (const jwk of peer.jwks.keys) {
        const { kid, key } = fromJwk(jwk);
        // A kid names exactly one province's key, or a notification could pass as another's.
        if (this.senders.has(kid)) throw new TypeError(`trail peer key ${kid} is configured twice`);
        this.senders.set(kid, { msp: peer.msp, key });
      }
    }
  }

  /** Checks `notification` and records the verification it reports; the entry recorded. */
  async receive(notification: string): Promise<VerificationEntry> {
    const { sender, claims } = await this.authenticate(notification);
    const report = readReport(claims, sender.msp, this.ctx.clock(), this.ctx.config.clockToleranceSeconds);
    const jti = claims.jti;
    if (typeof jti !== 'string' || jti.length === 0 || jti.length > 64) {
      throw unauthenticated('claims', 'the notification jti must be 1 to 64 characters');
    }
    const licence = await this.ctx.store.licences.get(report.licenceId);
    // Whatever another province says, only licences issued here get entries here.
    if (licence === undefined || licence.state !== 'issued') {
      throw new LicenceError('NOT_FOUND', 'this province issued no licence with this identifier', {
        id: report.licenceId,
      });
    }
    const entry = await this.ctx.store.verifications.insertReported({
      licenceId: report.licenceId,
      issuerMsp: this.ctx.msp,
      verifierProvince: sender.msp,
      verifierAgency: report.verifierAgency,
      verifierSub: report.verifierSub,
      purpose: report.purpose,
      result: report.result,
      notificationJti: jti,
      at: new Date(report.at),
    });
    if (entry === undefined) {
      throw new LicenceError('CONFLICT', 'this notification was recorded before', { reason: 'replayed' });
    }
    this.ctx.logger.info({ from: sender.msp, licenceId: report.licenceId }, 'trail entry recorded');
    return entry;
  }

  private async authenticate(token: string): Promise<{ sender: SenderKey; claims: JWTPayload }> {
    if (token.length > MAX_NOTIFICATION_LENGTH || !COMPACT_JWS.test(token)) {
      throw unauthenticated('malformed', 'the notification is not a compact JWS');
    }
    let kid: unknown;
    try {
      kid = decodeProtectedHeader(token).kid;
    } catch {
      throw unauthenticated('malformed', 'the notification header is not readable');
    }
    // kid only selects among configured keys; nothing in the token can bring its own.
    const sender = typeof kid === 'string' ? this.senders.get(kid) : undefined;
    if (sender === undefined) {
      throw unauthenticated('unknown_sender', 'the notification is not signed by a known province');
    }
    try {
      const { payload } = await jwtVerify(token, sender.key, {
        algorithms: ['ES256'],
        typ: TRAIL_TYP,
        issuer: sender.msp,
        audience: this.ctx.msp,
        maxTokenAge: MAX_NOTIFICATION_AGE_SECONDS,
        clockTolerance: this.ctx.config.clockToleranceSeconds,
        requiredClaims: ['iat', 'jti'],
        currentDate: this.ctx.clock(),
      });
      return { sender, claims: payload };
    } catch (error) {
      const code = (error as { code?: unknown } | null)?.code;
      if (code === 'ERR_JWS_SIGNATURE_VERIFICATION_FAILED') {
        throw unauthenticated('signature', 'the notification signature does not verify');
      }
      throw unauthenticated('claims', 'the notification is not for this province, too old or mistyped');
    }
  }
}

/** The report inside authenticated claims, checked field by field (SCHEMA_VIOLATION otherwise). */
function readReport(claims: JWTPayload, senderMsp: string, now: Date, toleranceSeconds: number): TrailReport {
  const c = claims as Record<string, unknown>;
  const nullableString = (name: string, ok: (v: string) => boolean): string | null => {
    const value = c[name] ?? null;
    if (value !== null && (typeof value !== 'string' || !ok(value))) {
      throw invalid(`/${name}`, `${name} is not valid`);
    }
    return value;
  };
  if (!isValidLicenceId(c.licenceId)) throw invalid('/licenceId', 'licenceId is not a licence identifier');
  if (c.verifierMsp !== senderMsp) {
    throw invalid('/verifierMsp', 'a province reports only its own verifications');
  }
  const purpose = typeof c.purpose === 'string' ? c.purpose.trim() : '';
  if (purpose.length < PURPOSE_MIN || purpose.length > PURPOSE_MAX) {
    throw invalid('/purpose', `purpose must be ${PURPOSE_MIN} to ${PURPOSE_MAX} characters`);
  }
  if (!(VERIFICATION_CODES as readonly unknown[]).includes(c.result)) {
    throw invalid('/result', 'result is not a verification result code');
  }
  const at = typeof c.at === 'string' ? Date.parse(c.at) : NaN;
  if (Number.isNaN(at) || at > now.getTime() + toleranceSeconds * 1000) {
    throw invalid('/at', 'at is not a past time');
  }
  return {
    licenceId: c.licenceId as string,
    verifierMsp: senderMsp,
    verifierAgency: nullableString('verifierAgency', isValidUscc),
    verifierSub: nullableString('verifierSub', (v) => v.length > 0 && v.length <= 128),
    purpose,
    result: c.result as TrailReport['result'],
    at: new Date(at).toISOString(),
  };
}
