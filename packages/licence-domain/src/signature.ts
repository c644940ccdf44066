/**
 * ES256 signatures over canonical issuance statements (IEEE P1363 r||s, 64 bytes), key ids cut from
 * RFC 7638 thumbprints, and the certificate checks the chaincode applies to agency signing keys.
 * Deterministic: every time is passed in, nothing reads the clock.
 */
import { KeyObject, X509Certificate, createPrivateKey, createPublicKey, sign, verify } from 'node:crypto';
import { canonicalBytes, canonicalize } from './canonical-json';
import { b64urlDecode, sha256b64url } from './encoding';
import { fail } from './errors';
import type { IsoTime, IssuanceStatement } from './model';

/** An EC P-256 public key in JWK form (only the members RFC 7638 hashes). */
export interface P256PublicJwk {
  readonly kty: 'EC';
  readonly crv: 'P-256';
  readonly x: string;
  readonly y: string;
}

const SIGNATURE_BYTES = 64;

/** The exact bytes an issuance signature covers: canonical JSON of the statement's seven members. */
export function statementBytes(statement: IssuanceStatement): Buffer {
  // Only the declared members are signed, so extra properties on the argument cannot change the bytes.
  const { id, typeCode, issuerUscc, kid, commitmentRoot, validFrom, validUntil } = statement;
  return canonicalBytes({ id, typeCode, issuerUscc, kid, commitmentRoot, validFrom, validUntil });
}

/** Signs `statement` with an ES256 private key (KeyObject or PEM); returns the base64url P1363 signature. */
export function signStatement(statement: IssuanceStatement, privateKey: KeyObject | string): string {
  const key = toPrivateKey(privateKey);
  return sign('sha256', statementBytes(statement), { key, dsaEncoding: 'ieee-p1363' }).toString('base64url');
}

/**
 * True when `signatureB64url` is a valid ES256 signature of `statement` by `publicKey` (a KeyObject,
 * or the PEM of a public key or of a certificate). False — never an exception — for any malformed input.
 */
export function verifyStatement(
  statement: IssuanceStatement,
  signatureB64url: string,
  publicKey: KeyObject | string,
): boolean {
  try {
    const key = toPublicKey(publicKey);
    if (key === undefined) return false;
    const signature = b64urlDecode(signatureB64url);
    if (signature.length !== SIGNATURE_BYTES) return false;
    return verify('sha256', statementBytes(statement), { key, dsaEncoding: 'ieee-p1363' }, signature);
  } catch {
    return false;
  }
}

/**
 * Bytes of the RFC 7638 thumbprint kept in a key id (kid): 16 bytes, 22 base64url characters.
 * Why not all 32: the kid travels in the header of every presentation token, and the 21 characters
 * saved there (28 once the header is base64url-encoded) help keep the token's QR code small enough
 * for phones to scan. 128 bits still make an accidental clash negligible and a chosen one (a key
 * whose kid equals a registered kid) cost ~2^128 work; and should two keys ever share a kid, the
 * chaincode refuses the second registration with ALREADY_EXISTS, so a kid names one key for good.
 */
export const KID_BYTES = 16;

/**
 * What a kid looks like: KID_BYTES in canonical base64url, so the last of the 22 characters carries
 * four zero bits (one of A, Q, g, w) and each key has exactly one spelling of its kid.
 */
export const KID_PATTERN = /^[A-Za-z0-9_-]{21}[AQgw]$/;

/** The full RFC 7638 thumbprint (base64url SHA-256, 43 characters) of a P-256 public JWK. */
export function jwkThumbprint(jwk: P256PublicJwk): string {
  if (typeof jwk !== 'object' || jwk === null || jwk.kty !== 'EC' || jwk.crv !== 'P-256') {
    fail('INVALID_ARGUMENT', 'only EC P-256 JWKs have a key id here');
  }
  for (const coordinate of [jwk.x, jwk.y]) {
    if (typeof coordinate !== 'string' || !isBytes(coordinate, 32)) {
      fail('INVALID_ARGUMENT', 'JWK coordinates x and y must be 32 bytes of base64url');
    }
  }
  // RFC 7638: the required members only, lexicographically ordered, no whitespace — exactly JCS here.
  return sha256b64url(canonicalize({ crv: jwk.crv, kty: jwk.kty, x: jwk.x, y: jwk.y }));
}

/** The public JWK of a P-256 key (KeyObject or PEM of a key or certificate); INVALID_ARGUMENT otherwise. */
export function p256PublicJwk(key: KeyObject | string): P256PublicJwk {
  let publicKey: KeyObject | undefined;
  try {
    publicKey = toPublicKey(key);
  } catch {
    publicKey = undefined;
  }
  if (publicKey === undefined) fail('INVALID_ARGUMENT', 'not an EC P-256 key or certificate');
  const jwk = publicKey.export({ format: 'jwk' });
  if (typeof jwk.x !== 'string' || typeof jwk.y !== 'string') fail('INVALID_ARGUMENT', 'not an EC P-256 key');
  return { kty: 'EC', crv: 'P-256', x: jwk.x, y: jwk.y };
}

/**
 * The key id of a P-256 public key (KeyObject or PEM of a key or certificate): the first KID_BYTES
 * of its RFC 7638 thumbprint, base64url (22 characters).
 */
export function kidOfPublicKey(key: KeyObject | string): string {
  const thumbprint = b64urlDecode(jwkThumbprint(p256PublicJwk(key)));
  return thumbprint.subarray(0, KID_BYTES).toString('base64url');
}

/** The key id of the P-256 public key in a PEM certificate; INVALID_ARGUMENT for anything else. */
export function kidOfCertificate(certPem: string): string {
  if (typeof certPem !== 'string' || !certPem.includes('-----BEGIN CERTIFICATE-----')) {
    fail('INVALID_ARGUMENT', 'expected a PEM certificate');
  }
  return kidOfPublicKey(certPem);
}

/**
 * Checks that `certPem` is a P-256 end-entity certificate issued and signed by the CA `caPem`, and
 * that both are within their validity periods at `at`; returns the certificate's validity period.
 * Throws CERTIFICATE_INVALID with `details.reason` naming the failed check.
 */
export function checkCertificateChain(
  certPem: string,
  caPem: string,
  at: Date,
): { notBefore: IsoTime; notAfter: IsoTime } {
  if (!(at instanceof Date) || Number.isNaN(at.getTime()))
    fail('INVALID_ARGUMENT', 'a valid check time is required');
  const cert = parseCertificate(certPem, 'certificate');
  const ca = parseCertificate(caPem, 'CA certificate');
  const reject = (reason: string, message: string): never => fail('CERTIFICATE_INVALID', message, { reason });
  if (cert.ca) reject('notLeaf', 'a signing certificate must be an end-entity (CA:FALSE) certificate');
  if (!ca.ca) reject('issuerNotCa', 'the issuing certificate is not a CA certificate');
  if (!cert.checkIssued(ca)) reject('notIssuedBy', 'the certificate was not issued by this CA');
  if (!cert.verify(ca.publicKey))
    reject('signature', "the certificate's signature does not verify with the CA key");
  if (!isP256(cert.publicKey)) reject('keyType', 'the certificate key is not an EC P-256 key');
  const validity = validityOf(cert);
  const caValidity = validityOf(ca);
  const t = at.getTime();
  if (t < validity.notBefore) reject('notYetValid', 'the certificate is not yet valid');
  if (t > validity.notAfter) reject('expired', 'the certificate has expired');
  if (t < caValidity.notBefore || t > caValidity.notAfter) {
    reject('issuerNotValid', 'the CA certificate is not within its validity period');
  }
  return {
    notBefore: new Date(validity.notBefore).toISOString(),
    notAfter: new Date(validity.notAfter).toISOString(),
  };
}

function parseCertificate(pem: string, what: string): X509Certificate {
  try {
    if (typeof pem !== 'string' || !pem.includes('-----BEGIN CERTIFICATE-----')) throw new Error('not PEM');
    return new X509Certificate(pem);
  } catch {
    return fail('CERTIFICATE_INVALID', `the ${what} is not a PEM X.509 certificate`, { reason: 'parse' });
  }
}

function validityOf(cert: X509Certificate): { notBefore: number; notAfter: number } {
  // X509Certificate renders validity as e.g. "Jan  1 00:00:00 2026 GMT", which Date.parse reads.
  const notBefore = Date.parse(cert.validFrom);
  const notAfter = Date.parse(cert.validTo);
  if (!Number.isFinite(notBefore) || !Number.isFinite(notAfter)) {
    fail('CERTIFICATE_INVALID', 'the certificate validity period cannot be read', { reason: 'validity' });
  }
  return { notBefore, notAfter };
}

function isP256(key: KeyObject): boolean {
  return key.asymmetricKeyType === 'ec' && key.asymmetricKeyDetails?.namedCurve === 'prime256v1';
}

function isBytes(text: string, length: number): boolean {
  try {
    return b64urlDecode(text).length === length;
  } catch {
    return false;
  }
}

function toPrivateKey(key: KeyObject | string): KeyObject {
  let keyObject: KeyObject | undefined;
  try {
    keyObject = typeof key === 'string' ? createPrivateKey(key) : key;
  } catch {
    keyObject = undefined;
  }
  if (!(keyObject instanceof KeyObject) || keyObject.type !== 'private' || !isP256(keyObject)) {
    fail('INVALID_ARGUMENT', 'ES256 signing needs an EC P-256 private key');
  }
  return keyObject;
}

/** A P-256 public KeyObject from a KeyObject or PEM (key or certificate); undefined when it is not P-256. */
function toPublicKey(key: KeyObject | string): KeyObject | undefined {
  let keyObject: KeyObject;
  if (typeof key === 'string') {
    keyObject = key.includes('-----BEGIN CERTIFICATE-----')
      ? new X509Certificate(key).publicKey
      : createPublicKey(key);
  } else if (key instanceof KeyObject) {
    keyObject = key.type === 'private' ? createPublicKey(key) : key;
  } else {
    return undefined;
  }
  return keyObject.type === 'public' && isP256(keyObject) ? keyObject : undefined;
}
