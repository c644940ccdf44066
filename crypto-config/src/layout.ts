/**
 * Where each file goes, relative to the output directory, in Fabric's cryptogen layout. Paths use
 * '/' so the manifest reads the same on every platform.
 */

/** Organisation kinds, which decide the top-level folder. */
export type OrgKind = 'orderer' | 'peer';

/** Paths of a Fabric MSP folder for one identity. */
export interface IdentityMspPaths {
  readonly dir: string;
  readonly signcert: string;
  readonly keystore: string;
  readonly cacert: string;
  readonly tlscacert: string;
  readonly config: string;
}

/** Paths of an identity's TLS material. */
export interface TlsPaths {
  readonly dir: string;
  readonly ca: string;
  readonly cert: string;
  readonly key: string;
}

/** Paths of an organisation's own (verifying) MSP folder. */
export interface OrgMspPaths {
  readonly dir: string;
  readonly cacert: string;
  readonly tlscacert: string;
  readonly config: string;
}

/** Paths of a CA's certificate and key. */
export interface CaPaths {
  readonly cert: string;
  readonly key: string;
}

/** Paths of an agency's licence-signing material. */
export interface AgencyPaths {
  readonly cert: string;
  readonly key: string;
  readonly kid: string;
}

/** File name of the manifest at the root of the output directory. */
export const MANIFEST_FILE = 'manifest.json';
/** Top-level folders the generator owns; nothing else in the output directory is touched. */
export const OWNED_ROOTS = ['ordererOrganizations', 'peerOrganizations', MANIFEST_FILE] as const;

/** Path conventions for one organisation. */
export class OrgLayout {
  readonly root: string;

  constructor(
    readonly kind: OrgKind,
    readonly domain: string,
  ) {
    this.root = `${kind === 'orderer' ? 'ordererOrganizations' : 'peerOrganizations'}/${domain}`;
  }

  /** File name of the MSP CA certificate inside cacerts/. */
  get caFile(): string {
    return `ca.${this.domain}-cert.pem`;
  }

  /** File name of the TLS CA certificate inside tlscacerts/. */
  get tlsCaFile(): string {
    return `tlsca.${this.domain}-cert.pem`;
  }

  /** The MSP root CA. */
  ca(): CaPaths {
    return { cert: `${this.root}/ca/${this.caFile}`, key: `${this.root}/ca/priv_sk` };
  }

  /** The TLS root CA. */
  tlsCa(): CaPaths {
    return { cert: `${this.root}/tlsca/${this.tlsCaFile}`, key: `${this.root}/tlsca/priv_sk` };
  }

  /** The organisation MSP used in channel configuration. */
  orgMsp(): OrgMspPaths {
    const dir = `${this.root}/msp`;
    return {
      dir,
      cacert: `${dir}/cacerts/${this.caFile}`,
      tlscacert: `${dir}/tlscacerts/${this.tlsCaFile}`,
      config: `${dir}/config.yaml`,
    };
  }

  /** Host name of a node, e.g. peer0.guangdong.licence-ledger.example. */
  host(node: string): string {
    return `${node}.${this.domain}`;
  }

  /** Folder of a node (peer or orderer). */
  nodeDir(node: string): string {
    return `${this.root}/${this.kind === 'orderer' ? 'orderers' : 'peers'}/${this.host(node)}`;
  }

  /** Folder of a user, named `<name>@<domain>`. */
  userDir(user: string): string {
    return `${this.root}/users/${user}@${this.domain}`;
  }

  /** MSP folder under an identity folder. */
  identityMsp(identityDir: string): IdentityMspPaths {
    const dir = `${identityDir}/msp`;
    return {
      dir,
      signcert: `${dir}/signcerts/cert.pem`,
      keystore: `${dir}/keystore/priv_sk`,
      cacert: `${dir}/cacerts/${this.caFile}`,
      tlscacert: `${dir}/tlscacerts/${this.tlsCaFile}`,
      config: `${dir}/config.yaml`,
    };
  }

  /** TLS folder under an identity folder: server.* for nodes, client.* for users (as cryptogen names them). */
  identityTls(identityDir: string, side: 'server' | 'client'): TlsPaths {
    const dir = `${identityDir}/tls`;
    return { dir, ca: `${dir}/ca.crt`, cert: `${dir}/${side}.crt`, key: `${dir}/${side}.key` };
  }

  /** An agency's signing material. */
  agency(uscc: string): AgencyPaths {
    const dir = `${this.root}/agencies/${uscc}`;
    return { cert: `${dir}/signing-cert.pem`, key: `${dir}/signing-key.pem`, kid: `${dir}/kid` };
  }
}

/** NodeOUs config.yaml, classifying identities by the OU their certificate carries. */
export function nodeOusConfig(caFile: string): string {
  const entry = (key: string, ou: string): string =>
    `  ${key}:\n    Certificate: cacerts/${caFile}\n    OrganizationalUnitIdentifier: ${ou}\n`;
  return (
    'NodeOUs:\n  Enable: true\n' +
    entry('ClientOUIdentifier', 'client') +
    entry('PeerOUIdentifier', 'peer') +
    entry('AdminOUIdentifier', 'admin') +
    entry('OrdererOUIdentifier', 'orderer')
  );
}
