/** Public ES256 keys for access tokens: parsed from JWK or PEM, checked, and given RFC 7638 kids. */
import { createPublicKey } from 'node:crypto';
import type { KeyObject, JsonWebKey } from 'node:crypto';
import { jwkThumbprint } from '@licence-ledger/domain';

/** A P-256 public key with its thumbprint kid. */
export interface VerificationKey {
  readonly kid: string;
  readonly key: KeyObject;
  readonly jwk: { kty: 'EC'; crv: 'P-256'; x: string; y: string };
}

/** Turns a P-256 public KeyObject into a VerificationKey; throws TypeError for anything else. */
export function fromKeyObject(key: KeyObject, kid?: string): VerificationKey {
  if (
    key.type !== 'public' ||
    key.asymmetricKeyType !== 'ec' ||
    key.asymmetricKeyDetails?.namedCurve !== 'prime256v1'
  ) {
    throw new TypeError('access-token keys must be P-256 (ES256) public keys');
  }
  const exported = key.export({ format: 'jwk' });
  const jwk = { kty: 'EC' as const, crv: 'P-256' as const, x: String(exported.x), y: String(exported.y) };
  return { kid: kid ?? jwkThumbprint(jwk), key, jwk };
}

/** Parses a configured public JWK (no private members, alg ES256 and use 'sig' when given). */
export function fromJwk(jwk: Record<string, unknown>): VerificationKey {
  if (jwk.d !== undefined) throw new TypeError('a private key was configured where a public key belongs');
  if (jwk.kty !== 'EC' || jwk.crv !== 'P-256') throw new TypeError('access-token keys must be EC P-256');
  if (jwk.alg !== undefined && jwk.alg !== 'ES256')
    throw new TypeError('access-token keys must be for ES256');
  if (jwk.use !== undefined && jwk.use !== 'sig')
    throw new TypeError('access-token keys must be signing keys');
  if (
    jwk.kid !== undefined &&
    (typeof jwk.kid !== 'string' || jwk.kid.length === 0 || jwk.kid.length > 128)
  ) {
    throw new TypeError('a kid must be a string of 1-128 characters');
  }
  const key = createPublicKey({
    key: { kty: 'EC', crv: 'P-256', x: jwk.x, y: jwk.y } as JsonWebKey,
    format: 'jwk',
  });
  return fromKeyObject(key, jwk.kid);
}

/** Parses a PEM SubjectPublicKeyInfo (or certificate) P-256 key. */
export function fromPem(pem: string): VerificationKey {
  return fromKeyObject(createPublicKey(pem));
}
