/**
 * Access-token verification (RFC 9068 profile, RFC 8725 rules): ES256 only, typ at+jwt, issuer and
 * audience pinned, exp/iat/jti/sub required, at most 12 hours old and 12 hours long. Keys come only
 * from configuration: `kid` selects among the configured issuer's keys and nothing in a token's
 * header (jku, x5u, jwk, x5c) can introduce one.
 */
import { jwtVerify, decodeJwt, decodeProtectedHeader } from 'jose';
import type { JWTPayload, ProtectedHeaderParameters } from 'jose';
import { LicenceError } from '@licence-ledger/domain';
import { systemClock } from '../clock';
import type { Clock } from '../clock';
import type { TokenIssuerConfig } from '../config';
import { checkPrincipal } from './principal';
import type { Principal } from './principal';
import { fromJwk, fromPem } from './keys';
import type { VerificationKey } from './keys';
import { Lru } from '../verification/lru';

/** The only signature algorithm accepted. */
export const ACCESS_TOKEN_ALG = 'ES256';
/** The required `typ` header (RFC 9068). */
export const ACCESS_TOKEN_TYP = 'at+jwt';
/** Longest lifetime and age of an access token. */
export const MAX_TOKEN_AGE_SECONDS = 12 * 60 * 60;
/** Longest compact token accepted, in characters. */
export const MAX_TOKEN_LENGTH = 8192;
/** Verified tokens remembered (by their exact text) so a client's repeated calls skip the signature check. */
export const VERIFIED_TOKEN_CACHE_ENTRIES = 10_000;

/** Why a token was refused (details.reason of the UNAUTHENTICATED error). */
export type TokenRejection =
  | 'missing'
  | 'malformed'
  | 'algorithm'
  | 'type'
  | 'header'
  | 'issuer'
  | 'unknown_key'
  | 'signature'
  | 'audience'
  | 'expired'
  | 'not_yet_valid'
  | 'too_old'
  | 'lifetime'
  | 'claims';

/** Options for {@link createTokenVerifier}. */
export interface TokenVerifierOptions {
  readonly issuers: readonly TokenIssuerConfig[];
  readonly audience: string;
  readonly clockToleranceSeconds: number;
  /** Clock of the time claims and of remembered tokens' windows (default the system clock). */
  readonly now?: Clock;
  /** Verified tokens remembered; 0 checks every call's signature again. */
  readonly cacheEntries?: number;
}

/** A token that verified, and the times between which its claims keep holding. */
interface Remembered {
  readonly principal: Principal;
  /** Epoch ms: the claims hold from here (the later of nbf and iat, less the tolerance)… */
  readonly fromMs: number;
  /** …until here (exp, or iat plus the longest age, plus the tolerance). */
  readonly untilMs: number;
}

/** Verifies bearer access tokens. */
export interface TokenVerifier {
  /** Resolves to the caller, or rejects with UNAUTHENTICATED (details.reason says why). */
  verify(bearer: string): Promise<Principal>;
}

/** The UNAUTHENTICATED error for a rejection reason. */
export function rejected(reason: TokenRejection, message: string): LicenceError {
  return new LicenceError('UNAUTHENTICATED', message, { reason });
}

const COMPACT_JWS = /^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+$/;
const FORBIDDEN_HEADERS = ['jku', 'x5u', 'jwk', 'x5c'] as const;

interface IssuerKeys {
  readonly byKid: ReadonlyMap<string, VerificationKey>;
  readonly only: VerificationKey | undefined;
}

/** Builds a verifier over the configured issuers; throws TypeError for unusable key material. */
export function createTokenVerifier(options: TokenVerifierOptions): TokenVerifier {
  const issuers = new Map<string, IssuerKeys>();
  for (const issuer of options.issuers) {
    const keys = 'pem' in issuer ? [fromPem(issuer.pem)] : issuer.jwks.keys.map((k) => fromJwk(k));
    const byKid = new Map(keys.map((k) => [k.kid, k]));
    issuers.set(issuer.iss, { byKid, only: keys.length === 1 ? keys[0] : undefined });
  }
  const now = options.now ?? systemClock;
  const cacheEntries = options.cacheEntries ?? VERIFIED_TOKEN_CACHE_ENTRIES;
  // Keyed by the token's exact text: a hit is the very bytes whose signature and claims verified,
  // and only its time window is checked again. Refused tokens are never remembered.
  const verifiedTokens = cacheEntries > 0 ? new Lru<string, Remembered>(cacheEntries) : undefined;
  const toleranceMs = options.clockToleranceSeconds * 1000;

  return {
    async verify(bearer: string): Promise<Principal> {
      if (typeof bearer !== 'string' || bearer.length === 0) throw rejected('missing', 'no access token');
      const remembered = verifiedTokens?.get(bearer);
      if (remembered !== undefined) {
        const t = now().getTime();
        if (t >= remembered.fromMs && t < remembered.untilMs) return remembered.principal;
        verifiedTokens?.delete(bearer);
      }
      if (bearer.length > MAX_TOKEN_LENGTH || !COMPACT_JWS.test(bearer) || !isCanonical(bearer)) {
        throw rejected('malformed', 'the access token is not a compact JWS');
      }
      const header = readHeader(bearer);
      const payload = readUnverifiedPayload(bearer);
      // `iss` and `kid` are read before the signature is checked only to choose a configured key;
      // jwtVerify then pins the issuer, so a lying `iss` just selects a key that will not verify.
      const keys = typeof payload.iss === 'string' ? issuers.get(payload.iss) : undefined;
      if (keys === undefined || typeof payload.iss !== 'string') {
        throw rejected('issuer', 'the access token is from an issuer this gateway does not trust');
      }
      const key = header.kid === undefined ? keys.only : keys.byKid.get(header.kid);
      if (key === undefined)
        throw rejected('unknown_key', 'the access token names a key the issuer does not have');

      let verified: JWTPayload;
      try {
        const result = await jwtVerify(bearer, key.key, {
          algorithms: [ACCESS_TOKEN_ALG],
          typ: ACCESS_TOKEN_TYP,
          issuer: payload.iss,
          audience: options.audience,
          clockTolerance: options.clockToleranceSeconds,
          maxTokenAge: MAX_TOKEN_AGE_SECONDS,
          requiredClaims: ['exp', 'iat', 'jti', 'sub'],
          currentDate: now(),
        });
        verified = result.payload;
      } catch (err) {
        throw fromJoseError(err);
      }
      const { iat, exp, jti } = verified as { iat: number; exp: number; jti: unknown };
      if (exp - iat > MAX_TOKEN_AGE_SECONDS)
        throw rejected('lifetime', 'the access token lives longer than 12 hours');
      if (typeof jti !== 'string' || jti.length === 0 || jti.length > 256) {
        throw rejected('claims', 'jti must be a non-empty string');
      }
      const claims = verified as Record<string, unknown>;
      const principal = checkPrincipal(
        {
          sub: claims.sub,
          role: claims.role,
          province: claims.province,
          agency: claims.agency,
          holderRef: claims.hid,
        },
        'UNAUTHENTICATED',
      );
      const nbf = typeof verified.nbf === 'number' ? verified.nbf : iat;
      verifiedTokens?.set(bearer, {
        principal,
        // jose accepted it because now ≥ nbf and now ≥ iat (each less the tolerance): both must hold again.
        fromMs: Math.max(nbf, iat) * 1000 - toleranceMs,
        untilMs: Math.min(exp, iat + MAX_TOKEN_AGE_SECONDS) * 1000 + toleranceMs,
      });
      return principal;
    },
  };
}

function readHeader(token: string): ProtectedHeaderParameters {
  let header: ProtectedHeaderParameters;
  try {
    header = decodeProtectedHeader(token);
  } catch {
    throw rejected('malformed', 'the access token header is not readable');
  }
  if (header.alg !== ACCESS_TOKEN_ALG) throw rejected('algorithm', 'access tokens must be signed with ES256');
  for (const name of FORBIDDEN_HEADERS) {
    if (name in header) throw rejected('header', `the access token header may not carry ${name}`);
  }
  if (
    header.kid !== undefined &&
    (typeof header.kid !== 'string' || header.kid.length === 0 || header.kid.length > 128)
  ) {
    throw rejected('unknown_key', 'the access token kid is not a key id');
  }
  return header;
}

function readUnverifiedPayload(token: string): JWTPayload {
  try {
    return decodeJwt(token);
  } catch {
    throw rejected('malformed', 'the access token claims are not readable');
  }
}

/** Maps jose's error codes to rejection reasons. */
function fromJoseError(err: unknown): LicenceError {
  const { code, claim, reason } = (err ?? {}) as { code?: unknown; claim?: unknown; reason?: unknown };
  switch (code) {
    case 'ERR_JWT_EXPIRED':
      // jose reports both a past exp and an iat older than maxTokenAge as "expired".
      return claim === 'iat'
        ? rejected('too_old', 'the access token was issued too long ago')
        : rejected('expired', 'the access token has expired');
    case 'ERR_JWS_SIGNATURE_VERIFICATION_FAILED':
      return rejected('signature', 'the access token signature does not verify');
    case 'ERR_JOSE_ALG_NOT_ALLOWED':
      return rejected('algorithm', 'access tokens must be signed with ES256');
    case 'ERR_JWT_CLAIM_VALIDATION_FAILED':
      return fromClaimFailure(claim, reason);
    case 'ERR_JWS_INVALID':
    case 'ERR_JWT_INVALID':
    case 'ERR_JOSE_NOT_SUPPORTED':
    case 'ERR_JOSE_GENERIC':
      return rejected('malformed', 'the access token is not well formed');
    default:
      return rejected('malformed', 'the access token could not be verified');
  }
}

function fromClaimFailure(claim: unknown, reason: unknown): LicenceError {
  switch (claim) {
    case 'typ':
      return rejected('type', 'the access token typ must be at+jwt');
    case 'aud':
      return rejected('audience', 'the access token is not for this gateway');
    case 'iss':
      return rejected('issuer', 'the access token issuer does not match');
    case 'nbf':
      return rejected('not_yet_valid', 'the access token is not valid yet');
    case 'iat':
      return reason === 'check_failed'
        ? rejected('too_old', 'the access token is too old or issued in the future')
        : rejected('claims', 'the access token needs a numeric iat');
    default:
      return rejected('claims', 'the access token lacks a required claim');
  }
}

/**
 * Each part must be the one canonical base64url spelling of its bytes: base64url has several
 * spellings of the same final byte, and accepting them would let one signature appear as many
 * different tokens.
 */
function isCanonical(token: string): boolean {
  return token.split('.').every((part) => Buffer.from(part, 'base64url').toString('base64url') === part);
}
