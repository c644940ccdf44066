/**
 * Test and benchmark support for the running Fabric network: each province reaches **its own peer** through
 * the gateway's own Fabric adapter, with its own identities from crypto-config, and the consortium is seeded
 * through the ledger (idempotently, as the demo does). Not used by the gateway at run time.
 */
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import {
  buildLicenceId,
  commit,
  issuanceStatement,
  saltFields,
  signStatement,
  type IssueRequest,
  type LicenceFields,
} from '@licence-ledger/domain';
import '../../../gateway/src/ledger/quiet-logs';
import { loadProvinceMaterial, type ProvinceMaterial } from '../../../gateway/src/demo/material';
import { seedConsortium } from '../../../gateway/src/demo/seed';
import { createFabricLedgerPort, type FabricDeadlines } from '../../../gateway/src/ledger/fabric';
import { LedgerClient } from '../../../gateway/src/ledger/client';
import type { Identity, LedgerPort } from '../../../gateway/src/ledger/port';
import { loadAgencyKeys } from '../../../gateway/src/keys/agency-keys';
import type { ClusterOptions } from '../../../gateway/src/demo/cluster';
import { startTestCluster, type TestCluster } from '../../../gateway/src/routes/test-support';
import { runOnServer } from '../../../gateway/src/storage/db';
import { Network } from '../network';
import type { PeerNode } from '../topology';

/**
 * Deadlines for tests: a Raft leader election stalls commits for about 7.5 s and a SmartBFT view change for
 * about 25 s; the commit-status stage is where that wait lands, so it gets room for both.
 */
export const TEST_DEADLINES: FabricDeadlines = {
  evaluateMs: 15_000,
  endorseMs: 30_000,
  submitMs: 15_000,
  commitStatusMs: 60_000,
};

/**
 * Why the real-Fabric suites cannot run here (undefined when TEST_FABRIC_NETWORK names a network's run folder).
 * Under CI=true a missing network is an error, so the suite can never shrink silently there.
 */
export function fabricNetworkMissing(env: NodeJS.ProcessEnv = process.env): string | undefined {
  const dir = env['TEST_FABRIC_NETWORK'];
  if (dir !== undefined && dir !== '') return undefined;
  const reason = 'TEST_FABRIC_NETWORK is not set (npm run test:all brings the network up and sets it)';
  if (env['CI'] === 'true') throw new Error(`the real-Fabric suites must run in CI: ${reason}`);
  return reason;
}

/** One province on the running network. */
export interface FabricProvince {
  readonly mspId: string;
  readonly peer: PeerNode;
  readonly material: ProvinceMaterial;
  /** A port to the province's own peer. */
  readonly port: LedgerPort;
  /** A client acting as the given identity (default: the province's admin) through its own peer. */
  client(identity?: Identity): LedgerClient;
  /** The issuer identity of one of its agencies. */
  issuer(uscc: string): Identity;
  /** A signed issuance request for a fresh driving licence of one of its agencies (not yet submitted). */
  drivingLicence(uscc: string, serial?: string): IssueRequest;
}

/** The demo's driving licence type (every province's traffic police issues it). */
export const DRIVING_TYPE = 'JDCJSZ';
/** Traffic police agencies of the three provinces. */
export const TRAFFIC_POLICE = {
  GuangdongMSP: '11440000MB2C93756J',
  ZhejiangMSP: '11330000MB1F22343T',
  BeijingMSP: '11110000MB0A33215E',
} as const;

/** A serial no other run has used: licences stay on the ledger between runs of the suites. */
export const freshSerial = (): string => `T${randomBytes(8).toString('hex').toUpperCase()}`;

/** The running network, opened for a test. */
export interface FabricTestNetwork {
  readonly network: Network;
  readonly provinces: readonly FabricProvince[];
  province(mspId: string): FabricProvince;
  /** Opens a further port to a province's peer (e.g. with other deadlines); closed by close(). */
  openPort(mspId: string, deadlines?: FabricDeadlines): LedgerPort;
  close(): Promise<void>;
}

/** Opens the network named by TEST_FABRIC_NETWORK (or `runRoot`) and seeds the consortium if needed. */
export async function openFabricNetwork(
  runRoot = process.env['TEST_FABRIC_NETWORK'] ?? '',
  options: { readonly seed?: boolean } = {},
): Promise<FabricTestNetwork> {
  const network = Network.open(runRoot);
  const { topology, material } = network;
  const ports: LedgerPort[] = [];
  const materials = new Map<string, ProvinceMaterial>();
  const materialOf = (mspId: string): ProvinceMaterial => {
    let m = materials.get(mspId);
    if (m === undefined) {
      m = loadProvinceMaterial(material.cryptoDir, mspId, material.manifest);
      materials.set(mspId, m);
    }
    return m;
  };
  const openPort = (mspId: string, deadlines: FabricDeadlines = TEST_DEADLINES): LedgerPort => {
    const peer = network.peerOf(mspId);
    const port = createFabricLedgerPort({
      peerEndpoint: `127.0.0.1:${peer.port}`,
      tlsRootCertPem: readFileSync(material.tlsCaCert(mspId), 'utf8'),
      hostOverride: peer.host,
      channel: topology.channel,
      chaincode: topology.chaincode,
      deadlines,
      serviceIdentity: materialOf(mspId).identities.verifier,
    });
    ports.push(port);
    return port;
  };
  const provinces = topology.pki.provinces.map((p): FabricProvince => {
    const m = materialOf(p.mspId);
    const port = openPort(p.mspId);
    const ring = loadAgencyKeys(m.agencyKeys);
    return {
      mspId: p.mspId,
      peer: network.peerOf(p.mspId),
      material: m,
      port,
      client: (identity = m.identities.admin) => new LedgerClient(port, identity),
      issuer(uscc) {
        const id = m.identities.issuers.get(uscc);
        if (id === undefined) throw new Error(`no issuer identity for agency ${uscc} in ${p.mspId}`);
        return id;
      },
      drivingLicence(uscc, serial = freshSerial()) {
        const fields: LicenceFields = {
          name: '测试',
          idNo: '44010619900307108X',
          class: 'C1',
          firstIssued: '2012-05-04',
        };
        const salts = saltFields(fields);
        const signing = ring.active(uscc);
        const unsigned = {
          id: buildLicenceId({ typeCode: DRIVING_TYPE, issuerUscc: uscc, serial, version: 1 }),
          typeCode: DRIVING_TYPE,
          issuerUscc: uscc,
          kid: signing.kid,
          commitment: commit(fields, salts),
          validFrom: '2026-01-01',
          validUntil: '2036-01-01',
        };
        return { ...unsigned, signature: signStatement(issuanceStatement(unsigned), signing.privateKey) };
      },
    };
  });
  const province = (mspId: string) => {
    const p = provinces.find((x) => x.mspId === mspId);
    if (p === undefined) throw new Error(`no province ${mspId} in the network`);
    return p;
  };
  const first = provinces[0];
  if (options.seed !== false && first !== undefined) {
    // Suites run in parallel workers and may seed at once; seeding checks the ledger before each write,
    // so a conflict with another worker's write is settled by running it again.
    for (let attempt = 1; ; attempt++) {
      try {
        await seedConsortium(
          first.port,
          provinces.map((p) => p.material),
        );
        break;
      } catch (err) {
        if (attempt >= 4) throw err;
      }
    }
  }
  return {
    network,
    provinces,
    province,
    openPort,
    async close() {
      await Promise.all(ports.map((p) => p.close()));
    },
  };
}

/**
 * Province gateways (in this process, each with its own database) on the running network, each through its
 * own peer with its own identities: the gateway's HTTP test cluster with Fabric ledger ports. With
 * TEST_DATABASE_URL each province gets a database of its own on that PostgreSQL server, dropped at close.
 */
export async function startFabricGateways(
  net: FabricTestNetwork,
  provinces: readonly string[],
  options: Partial<ClusterOptions> = {},
): Promise<TestCluster> {
  const server = process.env['TEST_DATABASE_URL'];
  const databases = new Map<string, string>();
  if (server !== undefined && server !== '') {
    for (const msp of provinces) {
      const name = `ll_fabric_${msp.slice(0, 2).toLowerCase()}_${randomBytes(4).toString('hex')}`;
      await runOnServer(server, `CREATE DATABASE ${name}`);
      const url = new URL(server);
      url.pathname = `/${name}`;
      databases.set(msp, url.toString());
    }
  }
  const t = await startTestCluster({
    provinces: [...provinces],
    cryptoDir: net.network.material.cryptoDir,
    ledgers: new Map(provinces.map((msp) => [msp, net.openPort(msp)])),
    databaseUrls: Object.fromEntries(databases),
    ...options,
  });
  return {
    ...t,
    async close() {
      await t.close();
      for (const name of databases.values()) {
        if (server !== undefined)
          await runOnServer(server, `DROP DATABASE ${new URL(name).pathname.slice(1)} WITH (FORCE)`);
      }
    },
  };
}
