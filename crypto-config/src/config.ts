/** The PKI configuration: its types, YAML loading and validation. */
import { readFileSync } from 'node:fs';
import { parse as parseYaml, YAMLError } from 'yaml';
import { LicenceError, validateProvinceCode, validateUscc } from '@licence-ledger/domain';
import { configError, readInteger, readList, readObject, readString, requireUnique } from './config-reader';
import { DEFAULT_CA_DAYS } from './ca';
import { DEFAULT_IDENTITY_DAYS } from './identity';
import { DEFAULT_SIGNING_KEY_DAYS } from './agency-key';
import { isDnsName, toGeneralNames } from './sans';
import { checkNameValue } from './subject';
import { MAX_VALID_DAYS } from './validity';

/** Certificate lifetimes in days. */
export interface ValidityConfig {
  readonly caDays: number;
  readonly identityDays: number;
  readonly signingKeyDays: number;
}

/** The ordering organisation. */
export interface OrdererOrgConfig {
  readonly name: string;
  readonly mspId: string;
  /** DNS domain; orderer hosts are `<node>.<domain>`. */
  readonly domain: string;
  /** Orderer node names, e.g. orderer0. */
  readonly orderers: readonly string[];
}

/** An issuing agency of a province. */
export interface AgencyConfig {
  /** Unified social credit code (GB 32100). */
  readonly uscc: string;
  readonly name: string;
}

/** A province: one Fabric peer organisation. */
export interface ProvinceConfig {
  readonly name: string;
  /** GB/T 2260 province-level code, e.g. 440000. */
  readonly code: string;
  readonly mspId: string;
  readonly domain: string;
  /** Peer node names, e.g. peer0. */
  readonly peers: readonly string[];
  /** Verifier client user names (role verifier). */
  readonly verifiers: readonly string[];
  readonly agencies: readonly AgencyConfig[];
}

/** The whole PKI configuration (config/network.yaml). */
export interface PkiConfig {
  readonly version: 1;
  readonly validity: ValidityConfig;
  /** Extra subject alternative names put on every TLS certificate (e.g. localhost, 127.0.0.1). */
  readonly tlsSans: readonly string[];
  readonly orderer: OrdererOrgConfig;
  readonly provinces: readonly ProvinceConfig[];
}

const MSP_ID = /^[A-Za-z][A-Za-z0-9_.-]{0,63}$/;
const NODE_NAME = /^[a-z][a-z0-9-]{0,30}$/;
const USER_NAME = /^[A-Za-z][A-Za-z0-9_-]{0,30}$/;

function readDomain(value: unknown, path: string): string {
  const domain = readString(value, path).toLowerCase();
  if (!isDnsName(domain) || !domain.includes('.'))
    configError(path, 'expected a DNS domain such as org.example', 'format');
  return domain;
}

function readValidity(value: unknown, path: string): ValidityConfig {
  if (value === undefined) {
    return {
      caDays: DEFAULT_CA_DAYS,
      identityDays: DEFAULT_IDENTITY_DAYS,
      signingKeyDays: DEFAULT_SIGNING_KEY_DAYS,
    };
  }
  const v = readObject(value, path, ['caDays', 'identityDays', 'signingKeyDays']);
  const days = (key: string, fallback: number): number =>
    v[key] === undefined ? fallback : readInteger(v[key], `${path}.${key}`, 1, MAX_VALID_DAYS);
  const validity = {
    caDays: days('caDays', DEFAULT_CA_DAYS),
    identityDays: days('identityDays', DEFAULT_IDENTITY_DAYS),
    signingKeyDays: days('signingKeyDays', DEFAULT_SIGNING_KEY_DAYS),
  };
  // A leaf outliving its CA would be silently unusable for the remainder.
  if (validity.identityDays > validity.caDays || validity.signingKeyDays > validity.caDays) {
    configError(path, 'certificate lifetimes must not exceed caDays', 'range');
  }
  return validity;
}

function readName(value: unknown, path: string): string {
  const name = readString(value, path);
  try {
    return checkNameValue(name, path);
  } catch {
    return configError(path, 'expected a name of at most 64 characters without control characters', 'format');
  }
}

function readOrderer(value: unknown, path: string): OrdererOrgConfig {
  const o = readObject(value, path, ['name', 'mspId', 'domain', 'orderers']);
  const orderers = readList(o.orderers, `${path}.orderers`, 1, (v, p) =>
    readString(v, p, NODE_NAME, 'expected a lower-case host label such as orderer0'),
  );
  requireUnique(
    orderers,
    (n) => n,
    (i) => `${path}.orderers[${i}]`,
    'orderer',
  );
  return {
    name: readName(o.name, `${path}.name`),
    mspId: readString(o.mspId, `${path}.mspId`, MSP_ID, 'expected an MSP ID such as OrdererMSP'),
    domain: readDomain(o.domain, `${path}.domain`),
    orderers,
  };
}

function readAgency(value: unknown, path: string, provinceCode: string): AgencyConfig {
  const a = readObject(value, path, ['uscc', 'name']);
  let uscc: string;
  try {
    uscc = validateUscc(a.uscc);
  } catch (err) {
    if (err instanceof LicenceError)
      throw new LicenceError(err.code, `${path}.uscc: ${err.message}`, {
        ...err.details,
        path: `${path}.uscc`,
      });
    throw err;
  }
  // Characters 3-4 of a USCC are the registering province; an agency listed under another
  // province is almost always a copy-paste slip.
  if (uscc.slice(2, 4) !== provinceCode.slice(0, 2)) {
    throw new LicenceError('INVALID_USCC', `${path}.uscc: registered outside province ${provinceCode}`, {
      path: `${path}.uscc`,
      reason: 'province',
    });
  }
  return { uscc, name: readName(a.name, `${path}.name`) };
}

function readProvince(value: unknown, path: string): ProvinceConfig {
  const p = readObject(value, path, ['name', 'code', 'mspId', 'domain', 'peers', 'verifiers', 'agencies']);
  // YAML reads an unquoted 440000 as a number; province codes never start with 0, so this is lossless.
  const rawCode = typeof p.code === 'number' && Number.isInteger(p.code) ? String(p.code) : p.code;
  let code: string;
  try {
    code = validateProvinceCode(rawCode);
  } catch (err) {
    if (err instanceof LicenceError)
      throw new LicenceError(err.code, `${path}.code: ${err.message}`, {
        ...err.details,
        path: `${path}.code`,
      });
    throw err;
  }
  const peers = readList(p.peers ?? ['peer0'], `${path}.peers`, 1, (v, q) =>
    readString(v, q, NODE_NAME, 'expected a lower-case host label such as peer0'),
  );
  requireUnique(
    peers,
    (n) => n,
    (i) => `${path}.peers[${i}]`,
    'peer',
  );
  const verifiers = readList(p.verifiers ?? ['Verifier'], `${path}.verifiers`, 0, (v, q) =>
    readString(v, q, USER_NAME, 'expected a user name such as Verifier'),
  );
  requireUnique(
    verifiers,
    (n) => n,
    (i) => `${path}.verifiers[${i}]`,
    'verifier',
  );
  if (verifiers.some((v) => v.toLowerCase() === 'admin' || v.toLowerCase().startsWith('issuer-'))) {
    configError(`${path}.verifiers`, 'Admin and Issuer-* are reserved user names', 'reserved');
  }
  const agencies = readList(p.agencies ?? [], `${path}.agencies`, 0, (v, q) => readAgency(v, q, code));
  requireUnique(
    agencies,
    (a) => a.uscc,
    (i) => `${path}.agencies[${i}].uscc`,
    'agency USCC',
  );
  return {
    name: readName(p.name, `${path}.name`),
    code,
    mspId: readString(p.mspId, `${path}.mspId`, MSP_ID, 'expected an MSP ID such as GuangdongMSP'),
    domain: readDomain(p.domain, `${path}.domain`),
    peers,
    verifiers,
    agencies,
  };
}

/**
 * Validates a parsed configuration object. Throws LicenceError INVALID_ARGUMENT (details.path
 * names the field), INVALID_USCC or INVALID_PROVINCE_CODE.
 */
export function parsePkiConfig(value: unknown): PkiConfig {
  const root = readObject(value, '$', ['version', 'validity', 'tlsSans', 'orderer', 'provinces']);
  if (root.version !== 1) configError('$.version', 'expected version: 1', 'version');
  const tlsSans = readList(root.tlsSans ?? [], '$.tlsSans', 0, (v, p) => readString(v, p));
  try {
    toGeneralNames(tlsSans);
  } catch {
    configError('$.tlsSans', 'every entry must be a DNS name or an IP address', 'format');
  }
  const orderer = readOrderer(root.orderer, '$.orderer');
  const provinces = readList(root.provinces, '$.provinces', 1, readProvince);
  const orgs = [orderer, ...provinces];
  const orgPath = (i: number): string => (i === 0 ? '$.orderer' : `$.provinces[${i - 1}]`);
  requireUnique(
    orgs,
    (o) => o.mspId,
    (i) => `${orgPath(i)}.mspId`,
    'MSP ID',
  );
  requireUnique(
    orgs,
    (o) => o.domain,
    (i) => `${orgPath(i)}.domain`,
    'domain',
  );
  requireUnique(
    provinces,
    (p) => p.code,
    (i) => `$.provinces[${i}].code`,
    'province code',
  );
  const agencies = provinces.flatMap((p, i) =>
    p.agencies.map((a, j) => ({ uscc: a.uscc, path: `$.provinces[${i}].agencies[${j}].uscc` })),
  );
  const firstAgencyPath = new Map<string, string>();
  for (const a of agencies) {
    const first = firstAgencyPath.get(a.uscc);
    if (first !== undefined)
      configError(a.path, `duplicate agency USCC '${a.uscc}' (also at ${first})`, 'duplicate');
    firstAgencyPath.set(a.uscc, a.path);
  }
  return { version: 1, validity: readValidity(root.validity, '$.validity'), tlsSans, orderer, provinces };
}

/** Parses configuration YAML text; `source` names it in error messages. */
export function parsePkiConfigYaml(text: string, source = 'config'): PkiConfig {
  let doc: unknown;
  try {
    doc = parseYaml(text, { uniqueKeys: true, prettyErrors: true });
  } catch (err) {
    const detail = err instanceof YAMLError ? (err.message.split('\n')[0] ?? '') : 'unreadable';
    throw new LicenceError('INVALID_ARGUMENT', `${source}: not valid YAML (${detail})`, { reason: 'yaml' });
  }
  return parsePkiConfig(doc);
}

/** Reads and validates a YAML configuration file. */
export function loadPkiConfig(path: string): PkiConfig {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch {
    throw new LicenceError('NOT_FOUND', 'configuration file cannot be read', { reason: 'read' });
  }
  return parsePkiConfigYaml(text, 'configuration file');
}
