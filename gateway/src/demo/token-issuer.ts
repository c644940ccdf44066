/**
 * The demo's stand-in for each province's identity provider: an ES256 key that mints RFC 9068
 * access tokens (typ at+jwt) with the claims the gateway reads. A real deployment trusts its
 * province's own identity provider instead; the gateway only ever sees the public key.
 */
import {
  createPrivateKey,
  createPublicKey,
  generateKeyPairSync,
  randomBytes,
  type KeyObject,
} from 'node:crypto';
import { SignJWT, calculateJwkThumbprint, exportJWK } from 'jose';
import { LicenceError } from '@licence-ledger/domain';

/** Roles an access token may carry. */
export const TOKEN_ROLES = ['admin', 'issuer', 'verifier', 'holder'] as const;
/** An access token role. */
export type TokenRole = (typeof TOKEN_ROLES)[number];

/** Longest lifetime the gateway accepts for an access token (12 hours). */
export const MAX_TOKEN_LIFETIME_SECONDS = 12 * 3600;

/** The claims a demo token carries beyond the registered ones. */
export interface TokenClaims {
  readonly sub: string;
  readonly role: TokenRole;
  /** The caller's province (MSP ID). */
  readonly province: string;
  /** The agency's USCC (issuers, and verifiers acting for an agency). */
  readonly agency?: string;
  /** Holder reference (holders): HMAC of the holder id under the province's secret. */
  readonly hid?: string;
}

/** One province's demo identity provider. */
export interface TokenIssuer {
  readonly iss: string;
  /** SPKI PEM of the verification key, as the gateway's TOKEN_ISSUERS configuration takes it. */
  readonly publicKeyPem: string;
  /** Mints a token for `audience` valid for `lifetimeSeconds` (default one hour, at most 12 hours). */
  mint(claims: TokenClaims, audience: string, lifetimeSeconds?: number): Promise<string>;
  /** PKCS#8 PEM of the signing key, so the demo can keep its issuers across restarts. */
  exportPrivateKeyPem(): string;
}

/** The `iss` of a province's demo identity provider. */
export function demoIssuerName(provinceMsp: string): string {
  return `urn:licence-ledger:idp:${provinceMsp}`;
}

class DemoTokenIssuer implements TokenIssuer {
  readonly publicKeyPem: string;

  constructor(
    readonly iss: string,
    private readonly privateKey: KeyObject,
  ) {
    this.publicKeyPem = createPublicKey(privateKey).export({ format: 'pem', type: 'spki' }).toString();
  }

  async mint(claims: TokenClaims, audience: string, lifetimeSeconds = 3600): Promise<string> {
    if (
      !Number.isInteger(lifetimeSeconds) ||
      lifetimeSeconds < 1 ||
      lifetimeSeconds > MAX_TOKEN_LIFETIME_SECONDS
    ) {
      throw new LicenceError(
        'INVALID_ARGUMENT',
        `a token lifetime is 1 to ${MAX_TOKEN_LIFETIME_SECONDS} seconds`,
      );
    }
    if (!(TOKEN_ROLES as readonly string[]).includes(claims.role)) {
      throw new LicenceError('INVALID_ARGUMENT', `role must be one of ${TOKEN_ROLES.join(', ')}`);
    }
    const payload: Record<string, string> = { role: claims.role, province: claims.province };
    if (claims.agency !== undefined) payload.agency = claims.agency;
    if (claims.hid !== undefined) payload.hid = claims.hid;
    const now = Math.floor(Date.now() / 1000);
    return new SignJWT(payload)
      .setProtectedHeader({ alg: 'ES256', typ: 'at+jwt', kid: await this.kid() })
      .setIssuer(this.iss)
      .setSubject(claims.sub)
      .setAudience(audience)
      .setIssuedAt(now)
      .setExpirationTime(now + lifetimeSeconds)
      .setJti(randomBytes(12).toString('base64url'))
      .sign(this.privateKey);
  }

  exportPrivateKeyPem(): string {
    return this.privateKey.export({ format: 'pem', type: 'pkcs8' }).toString();
  }

  private kidCache: string | undefined;

  private async kid(): Promise<string> {
    if (this.kidCache === undefined) {
      // RFC 7638 thumbprint, as the gateway computes it for configured PEM keys.
      this.kidCache = await calculateJwkThumbprint(
        await exportJWK(createPublicKey(this.privateKey)),
        'sha256',
      );
    }
    return this.kidCache;
  }
}

/** Creates a province's demo identity provider, from a stored PKCS#8 PEM or with a fresh key. */
export function createTokenIssuer(provinceMsp: string, privateKeyPem?: string): TokenIssuer {
  const key =
    privateKeyPem === undefined
      ? generateKeyPairSync('ec', { namedCurve: 'P-256' }).privateKey
      : createPrivateKey(privateKeyPem);
  if (key.asymmetricKeyType !== 'ec' || key.asymmetricKeyDetails?.namedCurve !== 'prime256v1') {
    throw new LicenceError('INVALID_ARGUMENT', 'a token issuer key must be EC P-256');
  }
  return new DemoTokenIssuer(demoIssuerName(provinceMsp), key);
}
