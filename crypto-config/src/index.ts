/** @licence-ledger/crypto-config: PKI generator for the licence-ledger network (library API). */
export { type CaMaterial, type CaOptions, DEFAULT_CA_DAYS, createCa } from './ca';
export {
  DEFAULT_IDENTITY_DAYS,
  type IdentityMaterial,
  type IdentityOptions,
  NODE_OUS,
  type NodeOu,
  type TlsUsage,
  issueIdentity,
} from './identity';
export {
  type AgencySigningKey,
  type AgencySigningKeyOptions,
  DEFAULT_SIGNING_KEY_DAYS,
  issueAgencySigningKey,
} from './agency-key';
export { FABRIC_ATTR_OID, type FabricAttrs, encodeFabricAttrs, readFabricAttrs } from './fabric-attrs';
export {
  type AgencyConfig,
  type OrdererOrgConfig,
  type PkiConfig,
  type ProvinceConfig,
  type ValidityConfig,
  loadPkiConfig,
  parsePkiConfig,
  parsePkiConfigYaml,
} from './config';
export {
  type EnsureResult,
  type GenerateOptions,
  type GeneratedLayout,
  type OutputState,
  configFingerprint,
  ensureNetworkMaterial,
  generateNetworkMaterial,
  inspectOutput,
} from './generate';
export {
  MANIFEST_VERSION,
  type Manifest,
  type ManifestAgency,
  type ManifestIdentity,
  type ManifestOrg,
  findProvince,
  manifestFiles,
  readManifest,
} from './manifest';
export {
  type AgencyPaths,
  type CaPaths,
  type IdentityMspPaths,
  MANIFEST_FILE,
  type OrgKind,
  type OrgMspPaths,
  type TlsPaths,
} from './layout';
