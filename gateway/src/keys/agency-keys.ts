/**
 * The agency signing keys a province gateway holds: per agency, the active ledger-registered ES256
 * key used for issuance statements and presentation tokens. Private keys never leave this module's
 * KeyObjects; callers get the kid, the certificate and a KeyObject to sign with.
 */
import { X509Certificate, createPrivateKey, createPublicKey, type KeyObject } from 'node:crypto';
import { LicenceError, kidOfCertificate } from '@licence-ledger/domain';

/** One agency key as configured (e.g. read from crypto-config's manifest). */
export interface AgencyKeyMaterial {
  readonly agencyUscc: string;
  readonly certificatePem: string;
  readonly privateKeyPem: string;
  /** When an agency has several keys, the one to sign with; defaults to the last one listed. */
  readonly active?: boolean;
}

/** A loaded agency signing key. */
export interface AgencySigningKey {
  readonly agencyUscc: string;
  readonly kid: string;
  readonly certificatePem: string;
  readonly privateKey: KeyObject;
  readonly publicKey: KeyObject;
}

/** The agency keys of one province gateway. */
export class KeyRing {
  private readonly byKid = new Map<string, AgencySigningKey>();
  private readonly activeByAgency = new Map<string, string>();

  /** Adds a key; `makeActive` makes it the one its agency signs with from now on. */
  add(key: AgencySigningKey, makeActive = true): void {
    this.byKid.set(key.kid, key);
    if (makeActive || !this.activeByAgency.has(key.agencyUscc))
      this.activeByAgency.set(key.agencyUscc, key.kid);
  }

  /** Makes an already loaded key its agency's active key (after a rotation on the ledger). */
  activate(kid: string): void {
    const key = this.byKid.get(kid);
    if (key === undefined) throw new LicenceError('KEY_UNKNOWN', 'no such key in this gateway', { kid });
    this.activeByAgency.set(key.agencyUscc, kid);
  }

  /** The key `agencyUscc` signs with; KEY_UNKNOWN when this gateway holds none. */
  active(agencyUscc: string): AgencySigningKey {
    const kid = this.activeByAgency.get(agencyUscc);
    const key = kid === undefined ? undefined : this.byKid.get(kid);
    if (key === undefined) {
      throw new LicenceError('KEY_UNKNOWN', 'this gateway holds no signing key for the agency', {
        agencyUscc,
      });
    }
    return key;
  }

  /** The key with this kid, if this gateway holds it. */
  get(kid: string): AgencySigningKey | undefined {
    return this.byKid.get(kid);
  }

  /** USCCs of the agencies this gateway can sign for. */
  agencies(): string[] {
    return [...this.activeByAgency.keys()].sort();
  }

  /** Every key held, active or not. */
  keys(): AgencySigningKey[] {
    return [...this.byKid.values()];
  }
}

/**
 * Loads one agency key: the private key must be EC P-256 and match the certificate's public key;
 * the kid is computed from the certificate (never taken from configuration). INVALID_ARGUMENT otherwise.
 */
export function loadAgencyKey(material: AgencyKeyMaterial): AgencySigningKey {
  let privateKey: KeyObject;
  let certificate: X509Certificate;
  try {
    privateKey = createPrivateKey(material.privateKeyPem);
    certificate = new X509Certificate(material.certificatePem);
  } catch {
    throw new LicenceError('INVALID_ARGUMENT', 'an agency key or certificate is not readable PEM', {
      agencyUscc: material.agencyUscc,
    });
  }
  if (privateKey.asymmetricKeyType !== 'ec' || privateKey.asymmetricKeyDetails?.namedCurve !== 'prime256v1') {
    throw new LicenceError('INVALID_ARGUMENT', 'an agency signing key must be EC P-256 (ES256)', {
      agencyUscc: material.agencyUscc,
    });
  }
  const publicKey = certificate.publicKey;
  const fromPrivate = createPublicKey(privateKey).export({ format: 'der', type: 'spki' });
  if (!fromPrivate.equals(publicKey.export({ format: 'der', type: 'spki' }))) {
    throw new LicenceError('INVALID_ARGUMENT', 'an agency private key does not match its certificate', {
      agencyUscc: material.agencyUscc,
    });
  }
  return {
    agencyUscc: material.agencyUscc,
    kid: kidOfCertificate(material.certificatePem),
    certificatePem: material.certificatePem,
    privateKey,
    publicKey,
  };
}

/** Builds a KeyRing from configured agency keys (see loadAgencyKey for the checks). */
export function loadAgencyKeys(materials: readonly AgencyKeyMaterial[]): KeyRing {
  const ring = new KeyRing();
  for (const material of materials) ring.add(loadAgencyKey(material), material.active ?? true);
  // An explicit `active: true` wins over list order.
  for (const material of materials) {
    if (material.active === true) ring.activate(kidOfCertificate(material.certificatePem));
  }
  return ring;
}
