#!/usr/bin/env node
/**
 * `npm run demo:fabric`: the demo in the shape a deployment has. Brings the Fabric network up (or reuses it),
 * seeds the consortium through the ledger, and starts three province gateways as three separate processes
 * (`licence-ledger serve`), each connected with its own identities to its own province's peer and each with its
 * own database (embedded PostgreSQL, or DATABASE_URL_GUANGDONG / _ZHEJIANG / _BEIJING). Writes the same
 * ready-made tokens as `npm start`, so the README walk-through runs unchanged, and stops its gateways on Ctrl-C.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { createWriteStream, mkdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { createReceiptSigner } from '@licence-ledger/gateway/dist/keys';
import { DEMO_PROVINCES } from '@licence-ledger/gateway/dist/demo/catalogue';
import { demoIdentityProviders } from '@licence-ledger/gateway/dist/demo/cluster';
import { loadProvinceMaterial } from '@licence-ledger/gateway/dist/demo/material';
import { printDemoGuide, writeDemoTokens, type DemoTokenSource } from '@licence-ledger/gateway/dist/demo/run';
import { seedConsortium } from '@licence-ledger/gateway/dist/demo/seed';
import { createFabricLedgerPort } from '@licence-ledger/gateway/dist/ledger/fabric';
import { holderSecretFor, loadReceiptKeyPem } from '@licence-ledger/gateway/dist/main';
import { defaultSecretPaths } from '@licence-ledger/gateway/dist/config';
import { cliCommand, commandLine } from '@licence-ledger/gateway/dist/cli-next';
import { REPO_ROOT } from './layout';
import { Network, installFabric } from './network';
import { httpGet, waitFor } from './processes';
import { loadSettings } from './settings';

const out = (line: string) => process.stdout.write(`${line}\n`);
const DEFAULT_PORTS = [7101, 7102, 7103] as const;
const CLI = join(REPO_ROOT, 'gateway', 'dist', 'cli.js');

const USAGE = `Usage: npm run demo:fabric [-- --ports 7101,7102,7103] [--data-dir DIR]

Starts the real Fabric network (or reuses it) and three province gateways as separate processes, each on its own
peer with its own identities and database. Ctrl-C stops the gateways; the network keeps running
(npm run network:down stops it).

Environment: the network's (node network/dist/cli.js --help), and DATABASE_URL_GUANGDONG, DATABASE_URL_ZHEJIANG,
DATABASE_URL_BEIJING to put a province's database on a PostgreSQL server (default: embedded PostgreSQL).
`;

function parseArgs(argv: readonly string[]): { ports: number[]; dataDir: string } | undefined {
  let ports: number[] = [...DEFAULT_PORTS];
  let dataDir = join(REPO_ROOT, '.data');
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    const value = argv[i + 1];
    if (arg === '--help' || arg === '-h') return undefined;
    if (arg === '--ports' && value !== undefined) {
      ports = value.split(',').map(Number);
      if (ports.length !== 3 || ports.some((p) => !Number.isInteger(p) || p < 1 || p > 65_535)) {
        throw new Error('--ports takes three port numbers, e.g. 7101,7102,7103');
      }
      i++;
    } else if (arg === '--data-dir' && value !== undefined) {
      dataDir = value;
      i++;
    } else throw new Error(`unknown argument ${String(arg)}\n${USAGE}`);
  }
  return { ports, dataDir };
}

async function main(argv: readonly string[]): Promise<void> {
  const args = parseArgs(argv);
  if (args === undefined) {
    out(USAGE);
    return;
  }
  const started = Date.now();
  out(
    'licence-ledger demo on Hyperledger Fabric: three provinces, three gateways, three peers (电子证照跨省互认演示)',
  );
  const settings = loadSettings();
  const home = await installFabric((line) => out(`  ${line}`));
  const network = new Network(settings.topology, settings.runRoot, home, (line) => out(`  ${line}`));
  await network.up();
  const { material, topology } = network;

  const provinces = DEMO_PROVINCES.filter((p) => topology.peers.some((peer) => peer.mspId === p.mspId));
  const materials = provinces.map((p) =>
    loadProvinceMaterial(material.cryptoDir, p.mspId, material.manifest),
  );
  const portOf = (mspId: string) => {
    const peer = network.peerOf(mspId);
    const m = materials.find((x) => x.mspId === mspId);
    if (m === undefined) throw new Error(`no material for ${mspId}`);
    return createFabricLedgerPort({
      peerEndpoint: `127.0.0.1:${peer.port}`,
      tlsRootCertPem: readFileSync(material.tlsCaCert(mspId), 'utf8'),
      hostOverride: peer.host,
      channel: topology.channel,
      chaincode: topology.chaincode,
      deadlines: { evaluateMs: 10_000, endorseMs: 30_000, submitMs: 15_000, commitStatusMs: 60_000 },
      serviceIdentity: m.identities.verifier,
    });
  };
  out('  seeding the consortium through the ledger (once: provinces, licence types, agencies, keys, rules)');
  const seedPort = portOf(provinces[0]?.mspId ?? 'GuangdongMSP');
  try {
    const report = await seedConsortium(seedPort, materials);
    out(
      `  seeded: ${report.bootstrapped ? 'consortium, ' : ''}${report.agencies} agencies, ${report.keys} keys, ${report.rules} rules`,
    );
  } finally {
    await seedPort.close();
  }

  const demoDir = join(args.dataDir, 'fabric-demo');
  const idps = demoIdentityProviders(
    join(demoDir, 'idp'),
    provinces.map((p) => p.mspId),
  );
  const urls: Record<string, string> = {};
  provinces.forEach((p, i) => (urls[p.mspId] = `http://127.0.0.1:${args.ports[i] ?? 0}`));
  const dirOf = (mspId: string) => join(demoDir, mspId);
  const receiptJwks = new Map<string, { keys: object[] }>();
  for (const p of provinces) {
    mkdirSync(dirOf(p.mspId), { recursive: true });
    const signer = await createReceiptSigner(
      loadReceiptKeyPem(defaultSecretPaths(dirOf(p.mspId)).receiptKeyPath),
    );
    receiptJwks.set(p.mspId, { keys: [{ ...signer.publicJwk() }] });
  }

  const children = new Map<string, ChildProcess>();
  let stopping = false;
  const stopAll = async (code: number) => {
    if (stopping) return;
    stopping = true;
    out('\nstopping the gateways (the network keeps running: npm run network:down stops it)');
    for (const [mspId, child] of children) {
      if (child.exitCode === null && child.pid !== undefined) {
        process.kill(child.pid, 'SIGTERM');
        out(`  ${mspId} gateway (pid ${child.pid}) stopped`);
      }
    }
    await Promise.all(
      [...children.values()].map(
        (c) => new Promise((resolve) => (c.exitCode !== null ? resolve(undefined) : c.once('exit', resolve))),
      ),
    );
    process.exit(code);
  };
  process.once('SIGINT', () => void stopAll(0));
  process.once('SIGTERM', () => void stopAll(0));

  const logsDir = join(demoDir, 'logs');
  mkdirSync(logsDir, { recursive: true });
  provinces.forEach((p, i) => {
    const m = materials[i];
    if (m === undefined) return;
    const peer = network.peerOf(p.mspId);
    const verifier = material.user(p.mspId, 'Verifier');
    const envKey = `DATABASE_URL_${p.key.toUpperCase()}`;
    const databaseUrl = process.env[envKey];
    const env: Record<string, string> = {
      PROVINCE_MSP: p.mspId,
      HOST: '127.0.0.1',
      PORT: String(args.ports[i]),
      DATA_DIR: dirOf(p.mspId),
      LEDGER: 'fabric',
      CRYPTO_DIR: material.cryptoDir,
      FABRIC_PEER_ENDPOINT: `127.0.0.1:${peer.port}`,
      FABRIC_PEER_HOST_ALIAS: peer.host,
      FABRIC_TLS_CA_PATH: material.tlsCaCert(p.mspId),
      FABRIC_CERT_PATH: verifier.signcert,
      FABRIC_KEY_PATH: verifier.key,
      FABRIC_CHANNEL: topology.channel,
      FABRIC_CHAINCODE: topology.chaincode,
      TOKEN_ISSUERS: JSON.stringify([idps.get(p.mspId)?.trustEntry()]),
      TRAIL_PEERS: JSON.stringify(
        provinces
          .filter((o) => o.mspId !== p.mspId)
          .map((o) => ({ msp: o.mspId, url: urls[o.mspId], jwks: receiptJwks.get(o.mspId) })),
      ),
      LOG_LEVEL: process.env['LOG_LEVEL'] ?? 'info',
      ...(databaseUrl === undefined || databaseUrl === '' ? {} : { DATABASE_URL: databaseUrl }),
    };
    const log = createWriteStream(join(logsDir, `${p.mspId}.log`), { flags: 'a' });
    const child = spawn(process.execPath, [CLI, 'serve'], {
      env: { ...process.env, ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    child.stdout.pipe(log);
    child.stderr.pipe(log);
    child.once('exit', (code) => {
      if (!stopping) {
        out(
          `${p.mspId} gateway exited (code ${String(code)}); see ${relative(process.cwd(), log.path.toString())}`,
        );
        void stopAll(1);
      }
    });
    children.set(p.mspId, child);
    out(
      `  starting ${p.name} gateway (pid ${child.pid ?? '?'}) on ${urls[p.mspId] ?? ''}: peer ${peer.host}, ${databaseUrl === undefined ? 'embedded PostgreSQL' : envKey}`,
    );
  });
  try {
    for (const p of provinces) {
      let polls = 0;
      await waitFor(
        `${p.mspId} gateway (${urls[p.mspId] ?? ''}/readyz)`,
        async () => {
          // A new database on a long-lived ledger first reads the agencies' serials from the ledger.
          if (++polls % 75 === 0)
            out(
              `  … ${p.mspId} gateway still starting (${relative(process.cwd(), join(logsDir, `${p.mspId}.log`))})`,
            );
          return (await httpGet(`${urls[p.mspId] ?? ''}/readyz`))?.status === 200;
        },
        600_000,
        { log: join(logsDir, `${p.mspId}.log`), alive: () => children.get(p.mspId)?.exitCode === null },
      );
    }
  } catch (err) {
    process.stderr.write(`error: ${err instanceof Error ? err.message : String(err)}\n`);
    await stopAll(1);
  }

  const sources = new Map<string, DemoTokenSource>();
  for (const p of provinces) {
    const idp = idps.get(p.mspId);
    if (idp !== undefined) sources.set(p.mspId, { idp, holderSecret: holderSecretFor(dirOf(p.mspId)) });
  }
  const tokensFile = await writeDemoTokens(args.dataDir, sources, urls);
  out('');
  out(
    `ready in ${((Date.now() - started) / 1000).toFixed(1)} s; gateway logs in ${relative(process.cwd(), logsDir)}`,
  );
  const defaultDataDir = args.dataDir === join(REPO_ROOT, '.data');
  printDemoGuide(
    {
      cli: (command, options) =>
        commandLine(
          cliCommand(REPO_ROOT),
          command,
          defaultDataDir ? options : [...options, ['data-dir', args.dataDir]],
        ),
      out,
    },
    urls,
    tokensFile,
  );
  out(
    'Ctrl-C stops the three gateways; the network keeps running (npm run network:status, npm run network:down).',
  );
}

main(process.argv.slice(2)).catch((e: unknown) => {
  process.stderr.write(`error: ${e instanceof Error ? e.message : String(e)}\n`);
  process.exit(1);
});
