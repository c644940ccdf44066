/** Self-signed root CAs (one MSP CA and one TLS CA per organisation), and loading them back to sign with. */
import { X509Certificate as NodeCertificate, createPublicKey } from 'node:crypto';
import * as x509 from './x509';
import { LicenceError } from '@licence-ledger/domain';
import {
  type CryptoKey,
  SIGNING_ALGORITHM,
  generateKeyPair,
  importSigningKey,
  privateKeyToPem,
  publicSpkiOfPrivate,
  randomSerial,
  webCrypto,
} from './keys';
import { buildSubject } from './subject';
import { validityWindow } from './validity';

/** A CA certificate and its private key, both PEM (the key PKCS#8). */
export interface CaMaterial {
  readonly certPem: string;
  readonly keyPem: string;
}

/** Options for {@link createCa}. */
export interface CaOptions {
  readonly commonName: string;
  readonly organisation: string;
  /** Written as an OU of the CA's subject so tools can tell which MSP a root belongs to. */
  readonly mspId?: string;
  /** Default 3650. */
  readonly validDays?: number;
  /** Default: now, less a few minutes of clock-skew allowance. */
  readonly notBefore?: Date;
}

/** Default lifetime of a root CA. */
export const DEFAULT_CA_DAYS = 3650;

/** Creates a self-signed ECDSA P-256 root CA (CA:true critical, keyCertSign + cRLSign, SKI). */
export async function createCa(opts: CaOptions): Promise<CaMaterial> {
  const crypto = webCrypto();
  const keys = await generateKeyPair();
  const { notBefore, notAfter } = validityWindow(opts.validDays ?? DEFAULT_CA_DAYS, opts.notBefore);
  const cert = await x509.X509CertificateGenerator.createSelfSigned(
    {
      serialNumber: randomSerial(),
      name: buildSubject({
        country: 'CN',
        organisation: opts.organisation,
        organisationalUnits: opts.mspId === undefined ? [] : [opts.mspId],
        commonName: opts.commonName,
      }),
      notBefore,
      notAfter,
      signingAlgorithm: SIGNING_ALGORITHM,
      keys,
      extensions: [
        new x509.BasicConstraintsExtension(true, undefined, true),
        new x509.KeyUsagesExtension(x509.KeyUsageFlags.keyCertSign | x509.KeyUsageFlags.cRLSign, true),
        await x509.SubjectKeyIdentifierExtension.create(keys.publicKey, false, crypto),
      ],
    },
    crypto,
  );
  return { certPem: cert.toString('pem') + '\n', keyPem: privateKeyToPem(keys.privateKey) };
}

/** A CA ready to sign: its parsed certificate, signing key and key identifier. */
export interface LoadedCa {
  readonly cert: x509.X509Certificate;
  readonly signingKey: CryptoKey;
  /** Hex subject key identifier, copied into issued certificates' AKI. */
  readonly keyId: string;
}

/**
 * Parses CA material and checks it can act as an issuer: a CA certificate with keyCertSign whose
 * public key matches the private key. Mismatched material would otherwise yield certificates that
 * fail only later, inside Fabric.
 */
export async function loadCa(ca: CaMaterial): Promise<LoadedCa> {
  webCrypto();
  let nodeCert: NodeCertificate;
  let cert: x509.X509Certificate;
  try {
    nodeCert = new NodeCertificate(ca.certPem);
    cert = new x509.X509Certificate(ca.certPem);
  } catch {
    throw new LicenceError('INVALID_ARGUMENT', 'CA certificate is not a readable PEM certificate');
  }
  if (!nodeCert.ca)
    throw new LicenceError('INVALID_ARGUMENT', 'CA certificate is not a CA (basicConstraints CA:false)');
  const usage = cert.getExtension(x509.KeyUsagesExtension);
  if (usage !== null && (usage.usages & x509.KeyUsageFlags.keyCertSign) === 0) {
    throw new LicenceError('INVALID_ARGUMENT', 'CA certificate lacks keyCertSign');
  }
  const signingKey = await importSigningKey(ca.keyPem, 'CA key');
  const certSpki = createPublicKey(ca.certPem).export({ format: 'der', type: 'spki' });
  if (!certSpki.equals(publicSpkiOfPrivate(ca.keyPem))) {
    throw new LicenceError('INVALID_ARGUMENT', 'CA key does not match the CA certificate');
  }
  const ski = cert.getExtension(x509.SubjectKeyIdentifierExtension);
  const keyId = ski?.keyId ?? (await x509.SubjectKeyIdentifierExtension.create(cert.publicKey)).keyId;
  return { cert, signingKey, keyId };
}
