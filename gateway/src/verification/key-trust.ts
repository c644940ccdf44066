/**
 * Whether a registered signing key may be trusted at a time: its certificate carries the kid and
 * chains to its province's signing CA, both certificates being valid then. The certificate work
 * (parsing, the CA's signature, the thumbprint) is done once per (kid, certificate, CA); what
 * depends on the time is the intersection of the two validity periods, checked on every call.
 */
import { X509Certificate, type KeyObject } from 'node:crypto';
import { checkCertificateChain, kidOfCertificate, type SigningKey } from '@licence-ledger/domain';
import { PRESENTATION_ALG } from '../presentation/format';
import { Lru } from './lru';

/** Why a key is not trusted: its certificate does not carry it, or does not chain (at that time). */
export type TrustFailure = 'KEY_MISMATCH' | 'CERTIFICATE';

/** Outcome of a trust check. */
export type KeyTrust =
  { readonly ok: true; readonly key: KeyObject } | { readonly ok: false; readonly why: TrustFailure };

/** What a certificate says about itself, independent of the time of use. */
interface CertificateFacts {
  readonly certificatePem: string;
  readonly caPem: string;
  /** The kid of the certificate's key; null when the certificate cannot be read. */
  readonly certificateKid: string | null;
  /** When certificate and CA are both valid (inclusive); null when the chain never holds. */
  readonly window: { readonly from: number; readonly to: number } | null;
  readonly key: KeyObject | null;
}

const MAX_ENTRIES = 4096;

/** Trust checks of registered keys, with the certificate work cached by kid. */
export class KeyTrustCache {
  private readonly entries: Lru<string, CertificateFacts>;

  constructor(maxEntries = MAX_ENTRIES) {
    this.entries = new Lru(maxEntries);
  }

  /**
   * Checks `key`, registered under `kid`, against its province's signing CA `caPem` at `at`.
   * Same answers as checking kid, alg and checkCertificateChain afresh on every call.
   */
  check(key: SigningKey, kid: string, caPem: string, at: Date): KeyTrust {
    if (key.kid !== kid) return { ok: false, why: 'KEY_MISMATCH' };
    const facts = this.facts(kid, key.certificatePem, caPem);
    if (facts.certificateKid === null) return { ok: false, why: 'CERTIFICATE' };
    if (facts.certificateKid !== kid || key.alg !== PRESENTATION_ALG)
      return { ok: false, why: 'KEY_MISMATCH' };
    const t = at.getTime();
    if (facts.window === null || facts.key === null || !(t >= facts.window.from && t <= facts.window.to)) {
      return { ok: false, why: 'CERTIFICATE' };
    }
    return { ok: true, key: facts.key };
  }

  private facts(kid: string, certificatePem: string, caPem: string): CertificateFacts {
    const hit = this.entries.get(kid);
    // The ledger never re-registers a kid, but a record read later is compared, not assumed.
    if (hit !== undefined && hit.certificatePem === certificatePem && hit.caPem === caPem) return hit;
    const facts = examine(certificatePem, caPem);
    this.entries.set(kid, facts);
    return facts;
  }
}

function examine(certificatePem: string, caPem: string): CertificateFacts {
  const none = { certificatePem, caPem, window: null, key: null };
  let certificateKid: string;
  let cert: X509Certificate;
  let ca: X509Certificate;
  try {
    certificateKid = kidOfCertificate(certificatePem);
    cert = new X509Certificate(certificatePem);
  } catch {
    return { ...none, certificateKid: null };
  }
  try {
    ca = new X509Certificate(caPem);
  } catch {
    return { ...none, certificateKid };
  }
  // Read the validity periods as checkCertificateChain reads them.
  const from = Math.max(Date.parse(cert.validFrom), Date.parse(ca.validFrom));
  const to = Math.min(Date.parse(cert.validTo), Date.parse(ca.validTo));
  if (!Number.isFinite(from) || !Number.isFinite(to) || from > to) return { ...none, certificateKid };
  try {
    // At a time inside both validity periods only the time-independent checks can fail, so this
    // one call decides them for every time in the window.
    checkCertificateChain(certificatePem, caPem, new Date(from));
  } catch {
    return { ...none, certificateKid };
  }
  return { certificatePem, caPem, certificateKid, window: { from, to }, key: cert.publicKey };
}
