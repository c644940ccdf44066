/**
 * manifest.json: the index of generated material that gateways and network scripts read instead
 * of guessing paths. Every path in it is relative to the output directory.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { LicenceError, type Role } from '@licence-ledger/domain';
import type { NodeOu } from './identity';
import {
  type AgencyPaths,
  type CaPaths,
  type IdentityMspPaths,
  MANIFEST_FILE,
  type OrgKind,
  type OrgMspPaths,
  type TlsPaths,
} from './layout';

/** Version of the manifest format. */
export const MANIFEST_VERSION = 1;

/** One generated identity: a node (peer, orderer) or a user. */
export interface ManifestIdentity {
  /** `<host>` for nodes, `<user>@<domain>` for users. */
  readonly name: string;
  readonly kind: 'peer' | 'orderer' | 'user';
  /** The NodeOU its certificate carries. */
  readonly ou: NodeOu;
  /** ll.role attribute, for users of a province. */
  readonly role?: Role;
  /** ll.agency attribute (USCC), for issuers. */
  readonly agency?: string;
  /** Full Fabric attribute extension content. */
  readonly attrs: Readonly<Record<string, string>>;
  /** Node host name (nodes only). */
  readonly host?: string;
  readonly msp: IdentityMspPaths;
  readonly tls: TlsPaths;
}

/** An agency's licence-signing key. */
export interface ManifestAgency {
  readonly uscc: string;
  readonly name: string;
  readonly kid: string;
  readonly notBefore: string;
  readonly notAfter: string;
  readonly files: AgencyPaths;
}

/** One organisation: the orderer organisation or a province. */
export interface ManifestOrg {
  readonly kind: OrgKind;
  readonly name: string;
  readonly mspId: string;
  readonly domain: string;
  /** GB/T 2260 code (provinces only). */
  readonly provinceCode?: string;
  /** Folder of the organisation. */
  readonly dir: string;
  readonly msp: OrgMspPaths;
  readonly ca: CaPaths;
  readonly tlsCa: CaPaths;
  /** Peers or orderers. */
  readonly nodes: readonly ManifestIdentity[];
  readonly users: readonly ManifestIdentity[];
  readonly agencies: readonly ManifestAgency[];
}

/** The whole manifest. */
export interface Manifest {
  readonly version: typeof MANIFEST_VERSION;
  readonly generatedAt: string;
  /** SHA-256 of the canonical configuration the material was generated from. */
  readonly configSha256: string;
  readonly organisations: readonly ManifestOrg[];
}

/** Every file path the manifest names, in a stable order. */
export function manifestFiles(manifest: Manifest): string[] {
  const files: string[] = [];
  const identity = (id: ManifestIdentity): void => {
    files.push(
      id.msp.signcert,
      id.msp.keystore,
      id.msp.cacert,
      id.msp.tlscacert,
      id.msp.config,
      id.tls.ca,
      id.tls.cert,
      id.tls.key,
    );
  };
  for (const org of manifest.organisations) {
    files.push(
      org.ca.cert,
      org.ca.key,
      org.tlsCa.cert,
      org.tlsCa.key,
      org.msp.cacert,
      org.msp.tlscacert,
      org.msp.config,
    );
    org.nodes.forEach(identity);
    org.users.forEach(identity);
    for (const agency of org.agencies) files.push(agency.files.cert, agency.files.key, agency.files.kid);
  }
  return files;
}

/** Reads the manifest of an output directory; undefined when there is none. */
export function readManifest(outDir: string): Manifest | undefined {
  const path = join(outDir, MANIFEST_FILE);
  if (!existsSync(path)) return undefined;
  let parsed: unknown;
  try {
    parsed = JSON.parse(readFileSync(path, 'utf8'));
  } catch {
    throw new LicenceError('MALFORMED_JSON', 'manifest.json is not valid JSON', { reason: 'manifest' });
  }
  if (
    typeof parsed !== 'object' ||
    parsed === null ||
    (parsed as { version?: unknown }).version !== MANIFEST_VERSION ||
    !Array.isArray((parsed as { organisations?: unknown }).organisations)
  ) {
    throw new LicenceError(
      'INVALID_ARGUMENT',
      `manifest.json is not a version ${MANIFEST_VERSION} manifest`,
      { reason: 'manifest' },
    );
  }
  return parsed as Manifest;
}

/** Finds a province organisation by MSP ID or GB/T 2260 code. */
export function findProvince(manifest: Manifest, mspIdOrCode: string): ManifestOrg | undefined {
  return manifest.organisations.find(
    (o) => o.kind === 'peer' && (o.mspId === mspIdOrCode || o.provinceCode === mspIdOrCode),
  );
}
