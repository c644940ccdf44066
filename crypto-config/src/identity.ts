/** Leaf certificates for Fabric identities: MSP signing certs and TLS certs. */
import * as x509 from './x509';
import { LicenceError } from '@licence-ledger/domain';
import { type CaMaterial, type LoadedCa, loadCa } from './ca';
import { fabricAttrsExtension } from './fabric-attrs';
import {
  type CryptoKey,
  SIGNING_ALGORITHM,
  generateKeyPair,
  privateKeyToPem,
  randomSerial,
  webCrypto,
} from './keys';
import { sanExtension } from './sans';
import { buildSubject } from './subject';
import { validityWindow } from './validity';

/** The Fabric NodeOU roles; the subject OU carries one so the MSP can classify the identity. */
export const NODE_OUS = ['client', 'admin', 'peer', 'orderer'] as const;
/** A Fabric NodeOU role. */
export type NodeOu = (typeof NODE_OUS)[number];

/** Which TLS extended key usages a certificate gets. */
export type TlsUsage = 'server' | 'client' | 'both';

/** Options for {@link issueIdentity}. */
export interface IdentityOptions {
  readonly commonName: string;
  readonly organisation: string;
  readonly ou: NodeOu;
  /** Fabric attribute extension content (e.g. ll.role); omitted when undefined. */
  readonly attrs?: Record<string, string>;
  /** DNS names and IP addresses. */
  readonly sans?: readonly string[];
  /** Default 825. */
  readonly validDays?: number;
  readonly notBefore?: Date;
  /** Adds serverAuth and/or clientAuth extended key usage; none when undefined. */
  readonly tls?: TlsUsage;
}

/** A leaf certificate and its private key, both PEM (the key PKCS#8). */
export interface IdentityMaterial {
  readonly certPem: string;
  readonly keyPem: string;
}

/** Default lifetime of a leaf identity certificate. */
export const DEFAULT_IDENTITY_DAYS = 825;

const TLS_USAGES: Readonly<Record<TlsUsage, readonly x509.ExtendedKeyUsage[]>> = {
  server: [x509.ExtendedKeyUsage.serverAuth],
  client: [x509.ExtendedKeyUsage.clientAuth],
  both: [x509.ExtendedKeyUsage.serverAuth, x509.ExtendedKeyUsage.clientAuth],
};

/** Issues an ECDSA P-256 leaf certificate (CA:false, digitalSignature) for a Fabric identity. */
export async function issueIdentity(ca: CaMaterial, opts: IdentityOptions): Promise<IdentityMaterial> {
  if (!(NODE_OUS as readonly string[]).includes(opts.ou)) {
    throw new LicenceError('INVALID_ARGUMENT', 'ou must be one of client, admin, peer, orderer');
  }
  if (opts.tls !== undefined && !(opts.tls in TLS_USAGES)) {
    throw new LicenceError('INVALID_ARGUMENT', 'tls must be one of server, client, both');
  }
  const extensions: x509.Extension[] = [
    new x509.BasicConstraintsExtension(false, undefined, true),
    new x509.KeyUsagesExtension(x509.KeyUsageFlags.digitalSignature, true),
  ];
  if (opts.tls !== undefined)
    extensions.push(new x509.ExtendedKeyUsageExtension([...TLS_USAGES[opts.tls]], false));
  const san = sanExtension(opts.sans);
  if (san !== undefined) extensions.push(san);
  if (opts.attrs !== undefined) extensions.push(fabricAttrsExtension(opts.attrs));
  const { certPem, keyPem } = await issueLeaf(await loadCa(ca), {
    subject: buildSubject({
      country: 'CN',
      organisation: opts.organisation,
      organisationalUnits: [opts.ou],
      commonName: opts.commonName,
    }),
    validDays: opts.validDays ?? DEFAULT_IDENTITY_DAYS,
    notBefore: opts.notBefore,
    extensions,
  });
  return { certPem, keyPem };
}

/** What a leaf needs besides the key pair: subject, validity and its own extensions. */
export interface LeafSpec {
  readonly subject: x509.Name;
  readonly validDays: number;
  readonly notBefore: Date | undefined;
  readonly extensions: readonly x509.Extension[];
}

/** Generates a key pair and a certificate for it signed by `issuer`, adding SKI and AKI. */
export async function issueLeaf(
  issuer: LoadedCa,
  spec: LeafSpec,
): Promise<IdentityMaterial & { readonly publicKey: CryptoKey }> {
  const crypto = webCrypto();
  const keys = await generateKeyPair();
  const window = validityWindow(spec.validDays, spec.notBefore);
  const { notBefore } = window;
  // A leaf cannot be valid past its issuer: chain validation would fail then anyway, so say so upfront.
  const notAfter = window.notAfter > issuer.cert.notAfter ? issuer.cert.notAfter : window.notAfter;
  const cert = await x509.X509CertificateGenerator.create(
    {
      serialNumber: randomSerial(),
      subject: spec.subject,
      issuer: issuer.cert.subjectName,
      notBefore,
      notAfter,
      signingAlgorithm: SIGNING_ALGORITHM,
      publicKey: keys.publicKey,
      signingKey: issuer.signingKey,
      extensions: [
        ...spec.extensions,
        await x509.SubjectKeyIdentifierExtension.create(keys.publicKey, false, crypto),
        new x509.AuthorityKeyIdentifierExtension(issuer.keyId, false),
      ],
    },
    crypto,
  );
  return {
    certPem: cert.toString('pem') + '\n',
    keyPem: privateKeyToPem(keys.privateKey),
    publicKey: keys.publicKey,
  };
}
