/** Agency licence-signing keys (ES256), certified by the province's MSP root CA. */
import {
  type P256PublicJwk,
  kidOfCertificate,
  p256PublicJwk,
  validateProvinceCode,
  validateUscc,
} from '@licence-ledger/domain';
import { type CaMaterial, loadCa } from './ca';
import { issueLeaf } from './identity';
import { buildSubject } from './subject';
import * as x509 from './x509';

/** Options for {@link issueAgencySigningKey}. */
export interface AgencySigningKeyOptions {
  /** The agency's unified social credit code (GB 32100). */
  readonly agencyUscc: string;
  readonly agencyName: string;
  /** GB/T 2260 six-digit code of the province. */
  readonly provinceCode: string;
  readonly notBefore?: Date;
  /** Default 730. */
  readonly validDays?: number;
}

/** An agency signing certificate and key, with the public JWK and its key id. */
export interface AgencySigningKey {
  readonly certPem: string;
  readonly keyPem: string;
  readonly publicJwk: P256PublicJwk;
  /** The domain's key id of publicJwk (first 16 bytes of its RFC 7638 thumbprint, see KID_BYTES). */
  readonly kid: string;
}

/** Default lifetime of an agency signing key; rotation is expected well before it ends. */
export const DEFAULT_SIGNING_KEY_DAYS = 730;

/**
 * Issues an agency's licence-signing certificate: CN = agency name, OU and serialNumber = USCC,
 * ST = province code; keyUsage digitalSignature + nonRepudiation, since it signs licence
 * commitments an agency must not later disown.
 */
export async function issueAgencySigningKey(
  provinceCa: CaMaterial,
  opts: AgencySigningKeyOptions,
): Promise<AgencySigningKey> {
  const uscc = validateUscc(opts.agencyUscc);
  const provinceCode = validateProvinceCode(opts.provinceCode);
  const issuer = await loadCa(provinceCa);
  const organisation = issuer.cert.subjectName.getField('O')[0] ?? opts.agencyName;
  const leaf = await issueLeaf(issuer, {
    subject: buildSubject({
      country: 'CN',
      state: provinceCode,
      organisation,
      organisationalUnits: [uscc],
      commonName: opts.agencyName,
      serialNumber: uscc,
    }),
    validDays: opts.validDays ?? DEFAULT_SIGNING_KEY_DAYS,
    notBefore: opts.notBefore,
    extensions: [
      new x509.BasicConstraintsExtension(false, undefined, true),
      new x509.KeyUsagesExtension(
        x509.KeyUsageFlags.digitalSignature | x509.KeyUsageFlags.nonRepudiation,
        true,
      ),
    ],
  });
  // The kid is the chaincode's own derivation (kidOfCertificate), so material and ledger always agree.
  const publicJwk = p256PublicJwk(leaf.certPem);
  return { certPem: leaf.certPem, keyPem: leaf.keyPem, publicJwk, kid: kidOfCertificate(leaf.certPem) };
}
