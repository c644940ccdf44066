/**
 * A demo identity provider: mints ES256 at+jwt access tokens for the gateway and publishes its
 * public key as a JWKS, which a gateway lists in TOKEN_ISSUERS. Real deployments use the
 * province's own identity provider; tokens have the same shape.
 */
import { createPrivateKey, createPublicKey, generateKeyPairSync, randomBytes } from 'node:crypto';
import type { KeyObject, JsonWebKey } from 'node:crypto';
import { SignJWT } from 'jose';
import { LicenceError } from '@licence-ledger/domain';
import { systemClock } from '../clock';
import type { Clock } from '../clock';
import type { PublicJwk, TokenIssuerConfig } from '../config';
import { checkPrincipal } from './principal';
import type { PrincipalRole } from './principal';
import { fromKeyObject } from './keys';
import { ACCESS_TOKEN_ALG, ACCESS_TOKEN_TYP, MAX_TOKEN_AGE_SECONDS } from './tokens';

/** Options for {@link createTokenIssuer}: the issuer name, its default audience and its P-256 private key. */
export interface TokenIssuerOptions {
  readonly iss: string;
  /** Audience of minted tokens unless `mint` names another. */
  readonly audience: string;
  readonly privateJwk?: JsonWebKey;
  readonly privateKey?: KeyObject;
  readonly now?: Clock;
}

/** What a minted token says about its subject. */
export interface MintInput {
  readonly sub: string;
  readonly role: PrincipalRole;
  readonly province: string;
  readonly agency?: string;
  readonly holderRef?: string;
  readonly ttlSeconds: number;
  readonly audience?: string;
}

/** A token issuer. */
export interface TokenIssuer {
  readonly iss: string;
  /** RFC 7638 thumbprint of the signing key, sent as `kid`. */
  readonly kid: string;
  /** Signs an access token; INVALID_ARGUMENT for claims the verifier would refuse. */
  mint(input: MintInput): Promise<string>;
  /** The public key set to publish. */
  jwks(): { keys: PublicJwk[] };
  /** The entry to put in a gateway's TOKEN_ISSUERS. */
  trustEntry(): TokenIssuerConfig;
}

/** A fresh P-256 private key for a demo issuer. */
export function generateIssuerKey(): KeyObject {
  return generateKeyPairSync('ec', { namedCurve: 'P-256' }).privateKey;
}

/** Creates a token issuer over a P-256 private key given as a KeyObject or JWK. */
export function createTokenIssuer(options: TokenIssuerOptions): TokenIssuer {
  const privateKey =
    options.privateKey ??
    (options.privateJwk !== undefined
      ? createPrivateKey({ key: options.privateJwk, format: 'jwk' })
      : undefined);
  if (privateKey === undefined) throw new TypeError('a token issuer needs privateKey or privateJwk');
  const publicKey = fromKeyObject(createPublicKey(privateKey));
  const now = options.now ?? systemClock;
  const publicJwk: PublicJwk = { ...publicKey.jwk, kid: publicKey.kid, alg: ACCESS_TOKEN_ALG, use: 'sig' };

  return {
    iss: options.iss,
    kid: publicKey.kid,
    async mint(input: MintInput): Promise<string> {
      const principal = checkPrincipal(input, 'INVALID_ARGUMENT');
      const ttl = input.ttlSeconds;
      if (!Number.isInteger(ttl) || ttl < 1 || ttl > MAX_TOKEN_AGE_SECONDS) {
        throw new LicenceError('INVALID_ARGUMENT', `ttlSeconds must be from 1 to ${MAX_TOKEN_AGE_SECONDS}`);
      }
      const iat = Math.floor(now().getTime() / 1000);
      return new SignJWT({
        role: principal.role,
        province: principal.province,
        ...(principal.agency === undefined ? {} : { agency: principal.agency }),
        ...(principal.holderRef === undefined ? {} : { hid: principal.holderRef }),
      })
        .setProtectedHeader({ alg: ACCESS_TOKEN_ALG, typ: ACCESS_TOKEN_TYP, kid: publicKey.kid })
        .setIssuer(options.iss)
        .setAudience(input.audience ?? options.audience)
        .setSubject(principal.sub)
        .setIssuedAt(iat)
        .setExpirationTime(iat + ttl)
        .setJti(randomBytes(16).toString('base64url'))
        .sign(privateKey);
    },
    jwks: () => ({ keys: [{ ...publicJwk }] }),
    trustEntry: () => ({ iss: options.iss, jwks: { keys: [{ ...publicJwk }] } }),
  };
}
