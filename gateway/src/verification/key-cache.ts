/** A small cache of parsed public keys, keyed by kid and checked against the certificate it came from. */
import { X509Certificate, type KeyObject } from 'node:crypto';

const MAX_ENTRIES = 1024;

/** Public KeyObjects by kid; a changed certificate for the same kid is parsed afresh. */
export class KeyCache {
  private readonly entries = new Map<string, { certificatePem: string; key: KeyObject }>();

  /** The public key of `certificatePem` (throws when it is not a certificate). */
  publicKey(kid: string, certificatePem: string): KeyObject {
    const hit = this.entries.get(kid);
    if (hit !== undefined && hit.certificatePem === certificatePem) return hit.key;
    const key = new X509Certificate(certificatePem).publicKey;
    // Registered keys are few; a full cache means churn, and starting over is the simple bound.
    if (this.entries.size >= MAX_ENTRIES) this.entries.clear();
    this.entries.set(kid, { certificatePem, key });
    return key;
  }
}
