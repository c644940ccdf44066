/**
 * The gateway's own ES256 key for signing verification receipts. Its public half is published as a
 * JWKS so a relying party can check a receipt later without trusting the transport.
 */
import { createPrivateKey, createPublicKey, generateKeyPairSync, type KeyObject } from 'node:crypto';
import { CompactSign, calculateJwkThumbprint, exportJWK, type JWK } from 'jose';
import { LicenceError } from '@licence-ledger/domain';

/** The public JWK form published for a receipt key. */
export interface PublicJwk extends JWK {
  readonly kid: string;
  readonly alg: 'ES256';
  readonly use: 'sig';
}

/** A JSON Web Key Set document. */
export interface JwksDocument {
  readonly keys: readonly PublicJwk[];
}

/** Signs receipts (compact JWS, ES256). */
export interface ReceiptSigner {
  readonly kid: string;
  /** Compact JWS over the JSON of `payload` with header {alg: ES256, typ, kid}. */
  sign(payload: Readonly<Record<string, unknown>>, typ: string): Promise<string>;
  /** The public key, as published. */
  publicJwk(): PublicJwk;
}

class ReceiptKey implements ReceiptSigner {
  constructor(
    readonly kid: string,
    private readonly privateKey: KeyObject,
    private readonly jwk: PublicJwk,
  ) {}

  async sign(payload: Readonly<Record<string, unknown>>, typ: string): Promise<string> {
    return new CompactSign(Buffer.from(JSON.stringify(payload), 'utf8'))
      .setProtectedHeader({ alg: 'ES256', typ, kid: this.kid })
      .sign(this.privateKey);
  }

  publicJwk(): PublicJwk {
    return this.jwk;
  }
}

/**
 * Loads the receipt key from a PKCS#8 PEM, or generates a fresh one when none is given (a demo
 * gateway; receipts then stay checkable only while that process publishes its JWKS).
 */
export async function createReceiptSigner(privateKeyPem?: string): Promise<ReceiptSigner> {
  let privateKey: KeyObject;
  if (privateKeyPem === undefined) {
    privateKey = generateKeyPairSync('ec', { namedCurve: 'P-256' }).privateKey;
  } else {
    try {
      privateKey = createPrivateKey(privateKeyPem);
    } catch {
      throw new LicenceError('INVALID_ARGUMENT', 'the receipt key is not a readable private key PEM');
    }
  }
  if (privateKey.asymmetricKeyType !== 'ec' || privateKey.asymmetricKeyDetails?.namedCurve !== 'prime256v1') {
    throw new LicenceError('INVALID_ARGUMENT', 'the receipt key must be EC P-256 (ES256)');
  }
  const base = await exportJWK(createPublicKey(privateKey));
  const kid = await calculateJwkThumbprint(base, 'sha256');
  return new ReceiptKey(kid, privateKey, {
    kty: base.kty,
    crv: base.crv,
    x: base.x,
    y: base.y,
    kid,
    alg: 'ES256',
    use: 'sig',
  });
}

/** The JWKS document for the given keys (what /.well-known/jwks.json serves). */
export function jwks(...signers: readonly ReceiptSigner[]): JwksDocument {
  return { keys: signers.map((s) => s.publicJwk()) };
}
