/**
 * The embedded three-province set-up the benchmarks run on: the gateway's own demo cluster
 * (one embedded ledger shared by every province, each province with its own embedded Postgres)
 * in a temporary directory, plus what the benchmarks need from it: callers' bearer tokens, issue
 * bodies and presentation tokens minted the way the holder route mints them (without the QR).
 */
import './sources';
import '../../gateway/src/demo/quiet-logs';
import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { LicenceFields, LicenceRecord, LicenceType } from '@licence-ledger/domain';
import { defaultAudience } from '../../gateway/src/config';
import type { GatewayConfig } from '../../gateway/src/config';
import { startCluster } from '../../gateway/src/demo/cluster';
import type { Cluster } from '../../gateway/src/demo/cluster';
import { defaultPkiConfigPath } from '../../gateway/src/demo/material';
import type { PrincipalRole } from '../../gateway/src/auth/principal';
import { createPresentation } from '../../gateway/src/presentation';
import { REPO_ROOT } from './sources';
import { runOnServer } from '../../gateway/src/storage/db';

/** Province MSP IDs of the demo. */
export const GD = 'GuangdongMSP';
export const ZJ = 'ZhejiangMSP';

/** Guangdong's driving-licence agency (issues in every benchmark). */
export const GD_DMV = '11440000MB2C93756J';
/** Zhejiang's driving-licence agency (the verifier's agency). */
export const ZJ_DMV = '11330000MB1F22343T';

/** The crypto material is generated once and reused by later runs (like the gateway tests do). */
export const BENCH_PKI_DIR = join(tmpdir(), 'll-bench-pki');

/** A made-up citizen ID with a valid GB 11643 check character. */
const HOLDER_ID = '44010619900307108X';

/** A running benchmark cluster. */
export interface BenchCluster {
  readonly cluster: Cluster;
  readonly dir: string;
  /** A bearer header value for a caller of `province`'s gateway. */
  bearer(role: PrincipalRole, province: string, agency?: string): Promise<string>;
  close(): Promise<void>;
}

/** Province MSP IDs of the three-province demo cluster. */
const PROVINCES = ['GuangdongMSP', 'ZhejiangMSP', 'BeijingMSP'] as const;

/**
 * A PostgreSQL server for the provinces' databases instead of the embedded PGlite: the URL in
 * BENCH_DATABASE_URL (any database on the server; each province gets a fresh database of its own,
 * dropped at close), or undefined.
 */
export function benchDatabaseServer(env: NodeJS.ProcessEnv = process.env): string | undefined {
  const url = env.BENCH_DATABASE_URL;
  return url === undefined || url === '' ? undefined : url;
}

/** Creates a database per province on `serverUrl`; returns their URLs and how to drop them. */
async function serverDatabases(
  serverUrl: string,
): Promise<{ urls: Record<string, string>; drop(): Promise<void> }> {
  const tag = randomBytes(4).toString('hex');
  const names = PROVINCES.map((msp) => [msp, `ll_bench_${msp.slice(0, 2).toLowerCase()}_${tag}`] as const);
  const urls: Record<string, string> = {};
  for (const [msp, name] of names) {
    await runOnServer(serverUrl, `CREATE DATABASE ${name}`);
    const url = new URL(serverUrl);
    url.pathname = `/${name}`;
    urls[msp] = url.toString();
  }
  return {
    urls,
    async drop() {
      for (const [, name] of names)
        await runOnServer(serverUrl, `DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
    },
  };
}

/**
 * Starts the three-province cluster in a fresh temporary directory, each province on its embedded
 * PGlite, or on a database of its own on `databaseServerUrl` when given.
 */
export async function startBenchCluster(
  configOverrides: Partial<GatewayConfig> = {},
  databaseServerUrl?: string,
): Promise<BenchCluster> {
  const dir = await mkdtemp(join(tmpdir(), 'll-bench-'));
  const databases = databaseServerUrl === undefined ? undefined : await serverDatabases(databaseServerUrl);
  let cluster: Cluster;
  try {
    cluster = await startCluster({
      dataDir: dir,
      cryptoDir: BENCH_PKI_DIR,
      pkiConfigPath: defaultPkiConfigPath(REPO_ROOT),
      trustAllIssuers: false,
      logLevel: 'warn',
      configOverrides,
      ...(databases === undefined ? {} : { databaseUrls: databases.urls }),
    });
  } catch (error) {
    await databases?.drop();
    await rm(dir, { recursive: true, force: true });
    throw error;
  }
  return {
    cluster,
    dir,
    async bearer(role, province, agency) {
      const token = await cluster.province(province).idp.mint({
        sub: `bench-${role}`,
        role,
        province,
        ...(agency === undefined ? {} : { agency }),
        ttlSeconds: 3600,
        audience: defaultAudience(province),
      });
      return `Bearer ${token}`;
    },
    async close() {
      await cluster.close();
      await databases?.drop();
      await rm(dir, { recursive: true, force: true });
    },
  };
}

/** A driving-licence issue body (the same shape the API and the issuance service take). */
export function drivingLicence(points = 0): {
  typeCode: string;
  fields: Record<string, string | number>;
  validFrom: string;
  validUntil: string;
} {
  return {
    typeCode: 'JDCJSZ',
    fields: { name: '张三', idNo: HOLDER_ID, class: 'C1', firstIssued: '2012-05-04', points },
    validFrom: '2024-01-01',
    validUntil: '2034-01-01',
  };
}

/** Issues `count` driving licences in Guangdong through the issuance service, in batches. */
export async function issueInGuangdong(bc: BenchCluster, count: number): Promise<string[]> {
  const issuance = bc.cluster.province(GD).runtime.services.issuance;
  const ids: string[] = [];
  for (let left = count; left > 0; left -= 100) {
    const items = Array.from({ length: Math.min(100, left) }, () => drivingLicence());
    const out = await issuance.issueBatch(GD_DMV, items);
    ids.push(...out.licences.map((l) => l.id));
  }
  return ids;
}

/**
 * Mints presentation tokens for Guangdong licences as the holder route does (stored content and
 * salts, the agency's active key, the configured lifetime) but without rendering QR codes, so
 * that many distinct tokens (distinct jti) can be made quickly before a load test.
 */
export class PresentationMinter {
  private readonly cache = new Map<
    string,
    {
      licence: LicenceRecord;
      type: LicenceType;
      fields: LicenceFields;
      salts: Readonly<Record<string, string>>;
    }
  >();

  constructor(private readonly bc: BenchCluster) {}

  /** One token for `licenceId` disclosing `disclose`. */
  async mint(licenceId: string, disclose: readonly string[]): Promise<string> {
    const services = this.bc.cluster.province(GD).runtime.services;
    let entry = this.cache.get(licenceId);
    if (entry === undefined) {
      const row = await services.ctx.store.licences.get(licenceId);
      const licence = await services.ctx.ledger.admin.readLicence(licenceId);
      if (row === undefined || licence === null) throw new Error(`licence ${licenceId} is not issued`);
      const type = await services.issuance.types.get(licence.typeCode);
      entry = { licence, type, fields: row.fields, salts: row.salts };
      this.cache.set(licenceId, entry);
    }
    const key = services.ctx.keys.active(entry.licence.issuerUscc);
    const presentation = await createPresentation({
      licence: entry.licence,
      licenceType: entry.type,
      fields: entry.fields,
      salts: entry.salts,
      disclose,
      key: { kid: key.kid, privateKey: key.privateKey },
      ttlSeconds: services.ctx.config.presentationTtlSeconds,
      now: new Date(),
    });
    return presentation.token;
  }
}
