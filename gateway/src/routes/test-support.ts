/**
 * Test support for the gateway's HTTP tests: a three-province cluster over one embedded ledger in a
 * temporary directory (the crypto material is generated once per jest worker and reused), tokens
 * for typical callers, and supertest agents per province.
 */
import '../demo/quiet-logs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import request from 'supertest';
import { defaultAudience } from '../config';
import { startCluster } from '../demo/cluster';
import type { Cluster, ClusterOptions } from '../demo/cluster';
import type { PrincipalRole } from '../auth/principal';
import { createLogger } from '../logging';
import { openProvince } from '../main';
import type { ProvinceRuntime } from '../main';
import type { ProvinceServices } from '../services';
import type { IssuanceHooks, IssueStep } from '../services/issuance';
import { holderRef as citizenRef } from '../auth/holder-ref';

/** Province MSP IDs of the test cluster. */
export const GD = 'GuangdongMSP';
export const ZJ = 'ZhejiangMSP';
export const BJ = 'BeijingMSP';

/** Demo agencies used by the tests. */
export const AGENCY = {
  gdDmv: '11440000MB2C93756J',
  gdMarket: '11440100MB2D15098D',
  zjDmv: '11330000MB1F22343T',
  bjDmv: '11110000MB0A33215E',
} as const;

/** A valid citizen ID for test holders (GB 11643 check character correct). */
export const HOLDER_ID = '44010619900307108X';
/** Another holder. */
export const OTHER_HOLDER_ID = '11010519491231002X';

/** A running test cluster and its temp directory. */
export interface TestCluster {
  readonly cluster: Cluster;
  readonly dir: string;
  /** Mints a bearer token (header value) at `province`'s identity provider for its gateway (or `audienceMsp`'s). */
  token(claims: TokenClaims, audienceMsp?: string): Promise<string>;
  /** supertest for a province's app. */
  http(mspId: string): ReturnType<typeof request>;
  /** The holder ref of a citizen ID in a province. */
  holderRef(mspId: string, citizenId: string): string;
  close(): Promise<void>;
}

/** Claims of a test caller. */
export interface TokenClaims {
  readonly role: PrincipalRole;
  readonly province: string;
  readonly agency?: string;
  readonly holderId?: string;
  readonly sub?: string;
}

const repoRoot = resolve(__dirname, '..', '..', '..');

/**
 * Time budget of a hook that starts a test cluster: per province an embedded PostgreSQL (PGlite,
 * WebAssembly) started and migrated and the gateway's services opened, the shared ledger seeded with the
 * consortium, and, once per jest worker, the network's crypto material generated. Three provinces take
 * about 10 s on an idle machine and over a minute on a third of one core (`npm run test:slow`), which
 * the files' 60 s budgets did not cover.
 */
export const CLUSTER_START_MS = 300_000;

/** Starts a test cluster (all three provinces unless `opts.provinces` says otherwise). */
export async function startTestCluster(opts: Partial<ClusterOptions> = {}): Promise<TestCluster> {
  const dir = await mkdtemp(join(tmpdir(), 'll-gateway-'));
  const worker = process.env.JEST_WORKER_ID ?? '0';
  const cluster = await startCluster({
    dataDir: dir,
    cryptoDir: join(tmpdir(), `ll-gateway-pki-${worker}`),
    pkiConfigPath: join(repoRoot, 'crypto-config', 'config', 'network.yaml'),
    trustAllIssuers: true,
    logLevel: (process.env.TEST_LOG_LEVEL as ClusterOptions['logLevel']) ?? 'silent',
    ...opts,
  });
  const holderRef = (mspId: string, id: string): string =>
    citizenRef(cluster.province(mspId).runtime.services.ctx.holderSecret, id);
  return {
    cluster,
    dir,
    holderRef,
    async token(claims, audienceMsp) {
      const idp = cluster.province(claims.province).idp;
      const token = await idp.mint({
        sub: claims.sub ?? `${claims.role}-${claims.province}`,
        role: claims.role,
        province: claims.province,
        ...(claims.agency === undefined ? {} : { agency: claims.agency }),
        ...(claims.holderId === undefined ? {} : { holderRef: holderRef(claims.province, claims.holderId) }),
        ttlSeconds: 600,
        audience: defaultAudience(audienceMsp ?? claims.province),
      });
      return `Bearer ${token}`;
    },
    http: (mspId) => request(cluster.province(mspId).runtime.app),
    async close() {
      await cluster.close();
      await rm(dir, { recursive: true, force: true });
    },
  };
}

/** A driving licence issue body for `holderId`. */
export function drivingLicence(holderId = HOLDER_ID): Record<string, unknown> {
  return {
    typeCode: 'JDCJSZ',
    fields: { name: '张三', idNo: holderId, class: 'C1', firstIssued: '2012-05-04' },
    validFrom: '2024-01-01',
    validUntil: '2034-01-01',
  };
}

/** Issuance hooks that simulate a crash right after step `crashAt` (none while it is undefined). */
export interface CrashSwitch {
  crashAt: IssueStep | undefined;
  readonly hooks: IssuanceHooks;
}

/** A crash switch, off. */
export function crashSwitch(): CrashSwitch {
  const crash: CrashSwitch = {
    crashAt: undefined,
    hooks: {
      after(step) {
        if (step === crash.crashAt) throw new Error(`simulated crash after ${step}`);
      },
    },
  };
  return crash;
}

/** Closes `runtime` and starts its province again over the same ledger and data directory. */
export async function restartProvince(
  t: TestCluster,
  mspId: string,
  runtime: ProvinceRuntime,
  hooks?: IssuanceHooks,
): Promise<ProvinceRuntime> {
  await runtime.close();
  const p = t.cluster.province(mspId);
  return openProvince({
    material: p.material,
    port: t.cluster.port,
    config: p.config,
    logger: createLogger({ level: 'silent' }),
    tokenIssuers: [p.idp.trustEntry()],
    ...(hooks === undefined ? {} : { hooks }),
  });
}

/**
 * An agency's licences on both sides: the province database's rows (id → state) and the ledger's
 * records (ids), every page of each.
 */
export async function agencyLicences(
  services: ProvinceServices,
  agency: string,
): Promise<{ local: Map<string, string>; ledger: string[] }> {
  const local = new Map<string, string>();
  let after: readonly [string, string] | undefined;
  do {
    const page = await services.ctx.store.licences.listByAgency(agency, {
      limit: 100,
      ...(after === undefined ? {} : { after }),
    });
    for (const l of page.items) local.set(l.id, l.state);
    after = page.next;
  } while (after !== undefined);
  const ledger: string[] = [];
  let bookmark = '';
  do {
    const page = await services.ctx.ledger.admin.listLicencesByAgency(agency, { pageSize: 100, bookmark });
    ledger.push(...page.items.map((r) => r.id));
    bookmark = page.bookmark;
  } while (bookmark !== '');
  return { local, ledger };
}

/** Asks Guangdong's gateway, as the holder `auth`, for a presentation of `id` disclosing `disclose`. */
export function presentation(
  t: TestCluster,
  auth: string,
  id: string,
  disclose: readonly string[],
): request.Test {
  return t
    .http(GD)
    .post(`/api/v1/holder/licences/${encodeURIComponent(id)}/presentations`)
    .set('authorization', auth)
    .send({ disclose });
}

/** Issues the sample driving licence as Guangdong's traffic police; returns its id and the issuer's token. */
export async function issueSampleLicence(
  t: TestCluster,
): Promise<{ id: string; issuer: string; body: unknown }> {
  const issuer = await t.token({ role: 'issuer', province: GD, agency: AGENCY.gdDmv });
  const res = await t.http(GD).post('/api/v1/licences').set('authorization', issuer).send(drivingLicence());
  if (res.status !== 201) throw new Error(`issuing the sample licence answered ${res.status}: ${res.text}`);
  const body = res.body as { licence: { id: string } };
  return { id: body.licence.id, issuer, body };
}
