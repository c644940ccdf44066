/**
 * Absolute paths into the crypto material of a network, read from crypto-config's manifest.json instead of
 * guessed from folder names.
 */
import { join } from 'node:path';
import { LicenceError } from '@licence-ledger/domain';
import type { Manifest, ManifestIdentity, ManifestOrg } from '@licence-ledger/crypto-config';

/** MSP and TLS files of one identity, as absolute paths. */
export interface IdentityFiles {
  readonly name: string;
  readonly mspId: string;
  readonly mspDir: string;
  readonly signcert: string;
  readonly key: string;
  readonly tlsCa: string;
  readonly tlsCert: string;
  readonly tlsKey: string;
}

/** A view of the manifest with absolute paths. */
export class Material {
  constructor(
    readonly cryptoDir: string,
    readonly manifest: Manifest,
  ) {}

  /** Absolute path of a manifest path. */
  path(relative: string): string {
    return join(this.cryptoDir, relative);
  }

  /** The organisation with this MSP ID. */
  org(mspId: string): ManifestOrg {
    const org = this.manifest.organisations.find((o) => o.mspId === mspId);
    if (org === undefined)
      throw new LicenceError('NOT_FOUND', `no organisation ${mspId} in the crypto material`);
    return org;
  }

  /** The organisation's MSP folder (for configtx.yaml). */
  orgMspDir(mspId: string): string {
    return this.path(this.org(mspId).msp.dir);
  }

  /** The organisation's TLS CA certificate. */
  tlsCaCert(mspId: string): string {
    return this.path(this.org(mspId).tlsCa.cert);
  }

  /** The organisation's MSP root CA certificate. */
  caCert(mspId: string): string {
    return this.path(this.org(mspId).ca.cert);
  }

  /** A node (peer or orderer) by host name. */
  node(mspId: string, host: string): IdentityFiles {
    const id = this.org(mspId).nodes.find((n) => n.host === host || n.name === host);
    if (id === undefined)
      throw new LicenceError('NOT_FOUND', `no node ${host} in ${mspId}'s crypto material`);
    return this.files(mspId, id);
  }

  /** A user by name (`Admin`, `Verifier`, `Issuer-<USCC>`), with or without `@domain`. */
  user(mspId: string, name: string): IdentityFiles {
    const org = this.org(mspId);
    const full = name.includes('@') ? name : `${name}@${org.domain}`;
    const id = org.users.find((u) => u.name === full);
    if (id === undefined)
      throw new LicenceError('NOT_FOUND', `no user ${full} in ${mspId}'s crypto material`);
    return this.files(mspId, id);
  }

  private files(mspId: string, id: ManifestIdentity): IdentityFiles {
    return {
      name: id.name,
      mspId,
      mspDir: this.path(id.msp.dir),
      signcert: this.path(id.msp.signcert),
      key: this.path(id.msp.keystore),
      tlsCa: this.path(id.tls.ca),
      tlsCert: this.path(id.tls.cert),
      tlsKey: this.path(id.tls.key),
    };
  }
}
