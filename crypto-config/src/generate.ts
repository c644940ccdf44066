/** Writes the whole PKI tree for a configuration, and decides whether existing output can be kept. */
import { X509Certificate, createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdir, rename, rm, writeFile } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { ATTR, LicenceError, canonicalize, type Role } from '@licence-ledger/domain';
import { issueAgencySigningKey } from './agency-key';
import { type CaMaterial, createCa } from './ca';
import type { PkiConfig } from './config';
import { type NodeOu, issueIdentity } from './identity';
import { MANIFEST_FILE, OWNED_ROOTS, OrgLayout, nodeOusConfig } from './layout';
import {
  MANIFEST_VERSION,
  type Manifest,
  type ManifestAgency,
  type ManifestIdentity,
  type ManifestOrg,
  manifestFiles,
  readManifest,
} from './manifest';

/** Options for {@link generateNetworkMaterial}. */
export interface GenerateOptions {
  /** Called with one short line per step (no key material, no personal data). */
  readonly onProgress?: (msg: string) => void;
}

/** What was generated and where. */
export interface GeneratedLayout {
  /** Absolute output directory. */
  readonly outDir: string;
  /** Absolute path of manifest.json. */
  readonly manifestPath: string;
  readonly manifest: Manifest;
}

/** SHA-256 (hex) of the canonical JSON of a configuration; recorded in the manifest to detect changes. */
export function configFingerprint(config: PkiConfig): string {
  return createHash('sha256').update(canonicalize(config), 'utf8').digest('hex');
}

/** Writes files below one output directory, creating folders; keys are readable by the owner only. */
class TreeWriter {
  constructor(private readonly outDir: string) {}

  async write(rel: string, content: string, secret = false): Promise<void> {
    const path = join(this.outDir, rel);
    await mkdir(dirname(path), { recursive: true });
    await writeFile(path, content, { mode: secret ? 0o600 : 0o644 });
  }
}

interface OrgCas {
  readonly ca: CaMaterial;
  readonly tlsCa: CaMaterial;
}

interface IdentitySpec {
  readonly kind: ManifestIdentity['kind'];
  /** Node name (peer0) or user name (Admin). */
  readonly name: string;
  readonly ou: NodeOu;
  readonly attrs?: Readonly<Record<string, string>>;
}

/** Generates one identity (MSP signing cert plus TLS cert) and writes its two folders. */
async function writeIdentity(
  w: TreeWriter,
  layout: OrgLayout,
  cas: OrgCas,
  spec: IdentitySpec,
  config: PkiConfig,
): Promise<ManifestIdentity> {
  const isNode = spec.kind !== 'user';
  const host = isNode ? layout.host(spec.name) : undefined;
  const dir = isNode ? layout.nodeDir(spec.name) : layout.userDir(spec.name);
  const commonName = host ?? `${spec.name}@${layout.domain}`;
  const attrs = spec.attrs ?? {};
  const validDays = config.validity.identityDays;

  const signing = await issueIdentity(cas.ca, {
    commonName,
    organisation: layout.domain,
    ou: spec.ou,
    attrs: spec.attrs === undefined ? undefined : { ...attrs },
    validDays,
  });
  const tls = await issueIdentity(cas.tlsCa, {
    commonName,
    organisation: layout.domain,
    ou: spec.ou,
    sans: host === undefined ? [...config.tlsSans] : [host, spec.name, ...config.tlsSans],
    tls: isNode ? 'both' : 'client',
    validDays,
  });

  const msp = layout.identityMsp(dir);
  const tlsPaths = layout.identityTls(dir, isNode ? 'server' : 'client');
  await w.write(msp.signcert, signing.certPem);
  await w.write(msp.keystore, signing.keyPem, true);
  await w.write(msp.cacert, cas.ca.certPem);
  await w.write(msp.tlscacert, cas.tlsCa.certPem);
  await w.write(msp.config, nodeOusConfig(layout.caFile));
  await w.write(tlsPaths.ca, cas.tlsCa.certPem);
  await w.write(tlsPaths.cert, tls.certPem);
  await w.write(tlsPaths.key, tls.keyPem, true);

  const role = attrs[ATTR.role] as Role | undefined;
  const agency = attrs[ATTR.agency];
  return {
    name: commonName,
    kind: spec.kind,
    ou: spec.ou,
    ...(role === undefined ? {} : { role }),
    ...(agency === undefined ? {} : { agency }),
    attrs,
    ...(host === undefined ? {} : { host }),
    msp,
    tls: tlsPaths,
  };
}

interface OrgSpec {
  readonly kind: 'orderer' | 'peer';
  readonly name: string;
  readonly mspId: string;
  readonly domain: string;
  readonly provinceCode?: string;
  readonly nodes: readonly string[];
  readonly users: readonly IdentitySpec[];
  readonly agencies: readonly { readonly uscc: string; readonly name: string }[];
}

/** Generates and writes one organisation's CAs, MSP, nodes, users and agency keys. */
async function writeOrg(
  w: TreeWriter,
  org: OrgSpec,
  config: PkiConfig,
  progress: (m: string) => void,
): Promise<ManifestOrg> {
  const layout = new OrgLayout(org.kind, org.domain);
  progress(`${org.mspId}: root CA and TLS CA`);
  const caOpts = { organisation: org.domain, mspId: org.mspId, validDays: config.validity.caDays };
  const cas: OrgCas = {
    ca: await createCa({ ...caOpts, commonName: `ca.${org.domain}` }),
    tlsCa: await createCa({ ...caOpts, commonName: `tlsca.${org.domain}` }),
  };
  const ca = layout.ca();
  const tlsCa = layout.tlsCa();
  const msp = layout.orgMsp();
  await w.write(ca.cert, cas.ca.certPem);
  await w.write(ca.key, cas.ca.keyPem, true);
  await w.write(tlsCa.cert, cas.tlsCa.certPem);
  await w.write(tlsCa.key, cas.tlsCa.keyPem, true);
  await w.write(msp.cacert, cas.ca.certPem);
  await w.write(msp.tlscacert, cas.tlsCa.certPem);
  await w.write(msp.config, nodeOusConfig(layout.caFile));

  const nodes: ManifestIdentity[] = [];
  for (const node of org.nodes) {
    progress(`${org.mspId}: ${layout.host(node)}`);
    nodes.push(await writeIdentity(w, layout, cas, { kind: org.kind, name: node, ou: org.kind }, config));
  }
  const users: ManifestIdentity[] = [];
  for (const user of org.users) {
    progress(`${org.mspId}: user ${user.name}`);
    users.push(await writeIdentity(w, layout, cas, user, config));
  }
  const agencies: ManifestAgency[] = [];
  for (const agency of org.agencies) {
    progress(`${org.mspId}: signing key of agency ${agency.uscc}`);
    const key = await issueAgencySigningKey(cas.ca, {
      agencyUscc: agency.uscc,
      agencyName: agency.name,
      provinceCode: org.provinceCode ?? '',
      validDays: config.validity.signingKeyDays,
    });
    const files = layout.agency(agency.uscc);
    await w.write(files.cert, key.certPem);
    await w.write(files.key, key.keyPem, true);
    await w.write(files.kid, key.kid);
    const cert = new X509Certificate(key.certPem);
    agencies.push({
      uscc: agency.uscc,
      name: agency.name,
      kid: key.kid,
      notBefore: new Date(cert.validFrom).toISOString(),
      notAfter: new Date(cert.validTo).toISOString(),
      files,
    });
  }
  return {
    kind: org.kind,
    name: org.name,
    mspId: org.mspId,
    domain: org.domain,
    ...(org.provinceCode === undefined ? {} : { provinceCode: org.provinceCode }),
    dir: layout.root,
    msp,
    ca,
    tlsCa,
    nodes,
    users,
    agencies,
  };
}

/** The organisations and identities a configuration asks for. */
function orgSpecs(config: PkiConfig): OrgSpec[] {
  const orderer: OrgSpec = {
    kind: 'orderer',
    name: config.orderer.name,
    mspId: config.orderer.mspId,
    domain: config.orderer.domain,
    nodes: config.orderer.orderers,
    users: [{ kind: 'user', name: 'Admin', ou: 'admin' }],
    agencies: [],
  };
  const provinces = config.provinces.map((p): OrgSpec => {
    const attrs = (role: Role, agency?: string): Record<string, string> => ({
      [ATTR.role]: role,
      ...(agency === undefined ? {} : { [ATTR.agency]: agency }),
      [ATTR.province]: p.code,
    });
    return {
      kind: 'peer',
      name: p.name,
      mspId: p.mspId,
      domain: p.domain,
      provinceCode: p.code,
      nodes: p.peers,
      users: [
        { kind: 'user', name: 'Admin', ou: 'admin', attrs: attrs('admin') },
        ...p.agencies.map((a): IdentitySpec => ({
          kind: 'user',
          name: `Issuer-${a.uscc}`,
          ou: 'client',
          attrs: attrs('issuer', a.uscc),
        })),
        ...p.verifiers.map((v): IdentitySpec => ({
          kind: 'user',
          name: v,
          ou: 'client',
          attrs: attrs('verifier'),
        })),
      ],
      agencies: p.agencies,
    };
  });
  return [orderer, ...provinces];
}

/**
 * Generates every organisation's material into `outDir` and writes manifest.json last, so a
 * manifest present means the tree is complete. Earlier output in the folders this generator owns
 * is removed first; nothing else in `outDir` is touched.
 */
export async function generateNetworkMaterial(
  config: PkiConfig,
  outDir: string,
  opts: GenerateOptions = {},
): Promise<GeneratedLayout> {
  const root = resolve(outDir);
  const progress = opts.onProgress ?? ((): void => undefined);
  await mkdir(root, { recursive: true });
  for (const entry of OWNED_ROOTS) await rm(join(root, entry), { recursive: true, force: true });
  const w = new TreeWriter(root);
  const organisations: ManifestOrg[] = [];
  for (const org of orgSpecs(config)) organisations.push(await writeOrg(w, org, config, progress));
  const manifest: Manifest = {
    version: MANIFEST_VERSION,
    generatedAt: new Date().toISOString(),
    configSha256: configFingerprint(config),
    organisations,
  };
  const manifestPath = join(root, MANIFEST_FILE);
  const tmp = `${manifestPath}.tmp`;
  await writeFile(tmp, JSON.stringify(manifest, null, 2) + '\n');
  await rename(tmp, manifestPath);
  progress(`manifest: ${manifestFiles(manifest).length} files`);
  return { outDir: root, manifestPath, manifest };
}

/** State of an output directory relative to a configuration. */
export type OutputState =
  | { readonly state: 'absent' }
  | { readonly state: 'incomplete'; readonly missing: readonly string[] }
  | { readonly state: 'stale'; readonly manifest: Manifest }
  | { readonly state: 'complete'; readonly manifest: Manifest };

/** Checks whether `outDir` holds complete material generated from `config`. */
export function inspectOutput(config: PkiConfig, outDir: string): OutputState {
  const root = resolve(outDir);
  const manifest = readManifest(root);
  if (manifest === undefined) return { state: 'absent' };
  const missing = manifestFiles(manifest).filter((f) => !existsSync(join(root, f)));
  if (missing.length > 0) return { state: 'incomplete', missing };
  if (manifest.configSha256 !== configFingerprint(config)) return { state: 'stale', manifest };
  return { state: 'complete', manifest };
}

/** Result of {@link ensureNetworkMaterial}. */
export interface EnsureResult {
  readonly status: 'generated' | 'kept';
  readonly layout: GeneratedLayout;
}

/**
 * Idempotent generation: keeps complete output made from the same configuration, regenerates
 * absent or incomplete output, and refuses (CONFLICT) to overwrite output made from a different
 * configuration unless `force` — that would silently replace every key a running network uses.
 */
export async function ensureNetworkMaterial(
  config: PkiConfig,
  outDir: string,
  opts: GenerateOptions & { readonly force?: boolean } = {},
): Promise<EnsureResult> {
  const root = resolve(outDir);
  if (opts.force !== true) {
    const current = inspectOutput(config, root);
    if (current.state === 'complete') {
      return {
        status: 'kept',
        layout: { outDir: root, manifestPath: join(root, MANIFEST_FILE), manifest: current.manifest },
      };
    }
    if (current.state === 'stale') {
      throw new LicenceError(
        'CONFLICT',
        'output was generated from a different configuration; regenerate with force',
        {
          reason: 'stale',
        },
      );
    }
  }
  return { status: 'generated', layout: await generateNetworkMaterial(config, root, opts) };
}
