/**
 * Reads a province's material from crypto-config's output (manifest.json): its ledger identities
 * (admin, verifier, one issuer per agency), its agency signing keys and its MSP CA, which also
 * certifies agency keys. Generates the material first when asked and it is missing.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { LicenceError } from '@licence-ledger/domain';
import {
  ensureNetworkMaterial,
  findProvince,
  loadPkiConfig,
  readManifest,
} from '@licence-ledger/crypto-config';
import type { CaMaterial, Manifest, ManifestIdentity } from '@licence-ledger/crypto-config';
import type { AgencyKeyMaterial } from '../keys/agency-keys';
import type { Identity } from '../ledger/port';
import type { ProvinceIdentities } from '../services/identities';

/** Everything a province gateway loads from the PKI output. */
export interface ProvinceMaterial {
  readonly mspId: string;
  readonly code: string;
  readonly name: string;
  readonly identities: ProvinceIdentities;
  readonly agencyKeys: readonly AgencyKeyMaterial[];
  /** Agency names by USCC, as configured. */
  readonly agencyNames: ReadonlyMap<string, string>;
  /** The province's MSP CA (certificate and key). */
  readonly ca: CaMaterial;
}

/** The PKI configuration file the repository ships. */
export function defaultPkiConfigPath(repoRoot: string): string {
  return join(repoRoot, 'crypto-config', 'config', 'network.yaml');
}

/** Generates the material into `outDir` unless complete output from the same configuration is there. */
export async function ensureMaterial(
  configPath: string,
  outDir: string,
  onProgress?: (msg: string) => void,
): Promise<{ manifest: Manifest; generated: boolean }> {
  const result = await ensureNetworkMaterial(
    loadPkiConfig(configPath),
    outDir,
    onProgress ? { onProgress } : {},
  );
  return { manifest: result.layout.manifest, generated: result.status === 'generated' };
}

/** Loads one province's material from `outDir`. */
export function loadProvinceMaterial(outDir: string, mspId: string, manifest?: Manifest): ProvinceMaterial {
  const m = manifest ?? readManifest(outDir);
  if (m === undefined) {
    throw new LicenceError('NOT_FOUND', 'no crypto material: run `npm run generate -w crypto-config` first', {
      reason: 'manifest',
    });
  }
  const org = findProvince(m, mspId);
  if (org === undefined || org.provinceCode === undefined) {
    throw new LicenceError('NOT_FOUND', 'the crypto material has no such province', { mspId });
  }
  const read = (rel: string): string => readFileSync(join(outDir, rel), 'utf8');
  const identity = (u: ManifestIdentity): Identity => ({
    mspId: org.mspId,
    certificatePem: read(u.msp.signcert),
    privateKeyPem: read(u.msp.keystore),
  });
  const admin = org.users.find((u) => u.role === 'admin');
  const verifier = org.users.find((u) => u.role === 'verifier');
  if (admin === undefined || verifier === undefined) {
    throw new LicenceError('NOT_FOUND', 'the province material lacks an admin or a verifier user', { mspId });
  }
  const issuers = new Map<string, Identity>();
  for (const u of org.users)
    if (u.role === 'issuer' && u.agency !== undefined) issuers.set(u.agency, identity(u));
  return {
    mspId: org.mspId,
    code: org.provinceCode,
    name: org.name,
    identities: { admin: identity(admin), verifier: identity(verifier), issuers },
    agencyKeys: org.agencies.map((a) => ({
      agencyUscc: a.uscc,
      certificatePem: read(a.files.cert),
      privateKeyPem: read(a.files.key),
    })),
    agencyNames: new Map(org.agencies.map((a) => [a.uscc, a.name])),
    ca: { certPem: read(org.ca.cert), keyPem: read(org.ca.key) },
  };
}
