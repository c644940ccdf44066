/** Public JWKs of P-256 keys and their RFC 7638 thumbprints (the ledger's key ids). */
import { createHash, createPublicKey, type KeyObject } from 'node:crypto';
import { LicenceError } from '@licence-ledger/domain';

/** The public JWK of an EC P-256 key, with only the members RFC 7638 hashes. */
export interface EcPublicJwk {
  readonly kty: 'EC';
  readonly crv: 'P-256';
  readonly x: string;
  readonly y: string;
}

/** The public JWK of a P-256 key given as a certificate, public key or private key PEM. */
export function publicJwkOf(pemOrKey: string | KeyObject): EcPublicJwk {
  let key: KeyObject;
  try {
    key = createPublicKey(pemOrKey);
  } catch {
    throw new LicenceError('INVALID_ARGUMENT', 'not a readable key or certificate');
  }
  const jwk = key.export({ format: 'jwk' });
  if (jwk.kty !== 'EC' || jwk.crv !== 'P-256' || typeof jwk.x !== 'string' || typeof jwk.y !== 'string') {
    throw new LicenceError('INVALID_ARGUMENT', 'expected an EC P-256 key');
  }
  return { kty: 'EC', crv: 'P-256', x: jwk.x, y: jwk.y };
}

/**
 * RFC 7638 thumbprint: base64url SHA-256 of the required members in lexicographic order with no
 * whitespace. Built by hand rather than with JSON.stringify of the JWK so member order cannot drift.
 */
export function jwkThumbprint(jwk: EcPublicJwk): string {
  const canonical = `{"crv":${JSON.stringify(jwk.crv)},"kty":${JSON.stringify(jwk.kty)},"x":${JSON.stringify(jwk.x)},"y":${JSON.stringify(jwk.y)}}`;
  return createHash('sha256').update(canonical, 'utf8').digest('base64url');
}
