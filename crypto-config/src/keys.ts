/**
 * Key handling shared by every issuer: P-256 key pairs from Node's WebCrypto (which @peculiar/x509 signs
 * with), exported as PKCS#8 PEM through node:crypto so the files are what Fabric and jose expect.
 */
import { KeyObject, createPrivateKey, createPublicKey, randomBytes, webcrypto } from 'node:crypto';
import * as x509 from './x509';
import { LicenceError } from '@licence-ledger/domain';

// The project compiles without the DOM library, so WebCrypto types come from node:crypto.
/** A WebCrypto key. */
export type CryptoKey = webcrypto.CryptoKey;
/** A WebCrypto key pair. */
export type CryptoKeyPair = webcrypto.CryptoKeyPair;
type Crypto = webcrypto.Crypto;

/** ECDSA P-256 parameters used for every key this package makes. */
export const EC_ALGORITHM: webcrypto.EcKeyGenParams = { name: 'ECDSA', namedCurve: 'P-256' };
/** ECDSA with SHA-256, the only signature algorithm this package issues. */
export const SIGNING_ALGORITHM: webcrypto.EcdsaParams = { name: 'ECDSA', hash: 'SHA-256' };

/** Order of the P-256 group. */
const P256_N = BigInt('0xffffffff00000000ffffffffffffffffbce6faada7179e84f3b9cac2fc632551');
const P256_HALF_N = P256_N >> 1n;

/**
 * Rewrites a raw (r || s) P-256 signature to low-S form. Fabric signs with low S and its MSP
 * normalises ("sanitises") certificates signed with high S, so a high-S certificate would carry a
 * different identity inside Fabric than the bytes a client presents. Both forms verify everywhere.
 */
export function toLowS(signature: ArrayBuffer): ArrayBuffer {
  const bytes = new Uint8Array(signature);
  if (bytes.length !== 64) return signature;
  const s = BigInt('0x' + Buffer.from(bytes.subarray(32)).toString('hex'));
  if (s <= P256_HALF_N) return signature;
  const low = Buffer.from((P256_N - s).toString(16).padStart(64, '0'), 'hex');
  const out = new Uint8Array(64);
  out.set(bytes.subarray(0, 32), 0);
  out.set(low, 32);
  return out.buffer;
}

/** WebCrypto whose ECDSA signatures are always low-S; everything else passes through. */
function lowSCrypto(base: Crypto): Crypto {
  const subtle = new Proxy(base.subtle, {
    get(target, prop) {
      if (prop === 'sign') {
        return async (
          algorithm: webcrypto.AlgorithmIdentifier | webcrypto.EcdsaParams,
          key: CryptoKey,
          data: webcrypto.BufferSource,
        ) => {
          const signature = await target.sign(algorithm, key, data);
          return key.algorithm.name === 'ECDSA' ? toLowS(signature) : signature;
        };
      }
      const value: unknown = Reflect.get(target, prop, target);
      return typeof value === 'function' ? (value as (...args: unknown[]) => unknown).bind(target) : value;
    },
  });
  return {
    subtle,
    CryptoKey: base.CryptoKey,
    getRandomValues: base.getRandomValues.bind(base),
    randomUUID: base.randomUUID.bind(base),
  };
}

let provider: Crypto | undefined;

/** The WebCrypto instance @peculiar/x509 uses here (Node's own, with low-S ECDSA signatures). */
export function webCrypto(): Crypto {
  if (provider === undefined) {
    provider = lowSCrypto(webcrypto);
    x509.cryptoProvider.set(provider);
  }
  return provider;
}

/** Generates a fresh, extractable P-256 key pair. */
export async function generateKeyPair(): Promise<CryptoKeyPair> {
  return webCrypto().subtle.generateKey(EC_ALGORITHM, true, ['sign', 'verify']);
}

/** PKCS#8 PEM of a WebCrypto private key. */
export function privateKeyToPem(key: CryptoKey): string {
  return KeyObject.from(key).export({ format: 'pem', type: 'pkcs8' }).toString();
}

/**
 * Imports a PKCS#8 (or SEC1) PEM P-256 private key for signing; the key must be P-256 because
 * every certificate this package makes is ECDSA P-256 with SHA-256.
 */
export async function importSigningKey(pem: string, what: string): Promise<CryptoKey> {
  let key: KeyObject;
  try {
    key = createPrivateKey(pem);
  } catch {
    throw new LicenceError('INVALID_ARGUMENT', `${what}: not a readable private key`);
  }
  if (key.asymmetricKeyType !== 'ec' || key.asymmetricKeyDetails?.namedCurve !== 'prime256v1') {
    throw new LicenceError('INVALID_ARGUMENT', `${what}: expected an EC P-256 private key`);
  }
  const der = key.export({ format: 'der', type: 'pkcs8' });
  return webCrypto().subtle.importKey('pkcs8', der, EC_ALGORITHM, false, ['sign']);
}

/** SPKI DER of the public half of a private key PEM, for comparing against a certificate. */
export function publicSpkiOfPrivate(pem: string): Buffer {
  return createPublicKey(createPrivateKey(pem)).export({ format: 'der', type: 'spki' });
}

/**
 * A random positive 128-bit serial number as hex. The top bit is cleared so the DER INTEGER needs
 * no padding byte, and the top byte is non-zero so it stays 16 bytes (RFC 5280 allows up to 20).
 */
export function randomSerial(): string {
  const bytes = randomBytes(16);
  bytes[0] = ((bytes[0] ?? 0) & 0x7f) | 0x40;
  return bytes.toString('hex');
}
