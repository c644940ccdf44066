/**
 * Several province gateways in one process over ONE embedded ledger (the demo, and the gateway's
 * HTTP tests): generates the crypto material if missing, opens the shared ledger, seeds the
 * consortium, starts each province with its own identities, key ring and embedded Postgres, and
 * gives each province a demo identity provider whose tokens its gateway trusts.
 */
import { createPrivateKey } from 'node:crypto';
import type { JsonWebKey } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import type { Server } from 'node:http';
import { join } from 'node:path';
import type { Express } from 'express';
import { loadConfig, defaultAudience } from '../config';
import type { GatewayConfig, LogLevel, TrailPeer } from '../config';
import { createReceiptSigner } from '../keys';
import { createLogger } from '../logging';
import type { Logger, LoggerOptions } from '../logging';
import { createTokenIssuer, generateIssuerKey } from '../auth/issuer';
import type { TokenIssuer } from '../auth/issuer';
import type { LedgerPort } from '../ledger/port';
import { closeServer, loadReceiptKeyPem, openEmbeddedLedger, openProvince } from '../main';
import type { ProvinceOptions, ProvinceRuntime } from '../main';
import { DEMO_PROVINCES } from './catalogue';
import { ensureMaterial, loadProvinceMaterial } from './material';
import type { ProvinceMaterial } from './material';
import { seedConsortium } from './seed';
import type { SeedReport } from './seed';

/** The `iss` of a province's demo identity provider. */
export function demoIssuerName(mspId: string): string {
  return `urn:licence-ledger:idp:${mspId}`;
}

/** Options for {@link startCluster}. */
export interface ClusterOptions {
  /** Where ledger, databases and demo keys live. */
  readonly dataDir: string;
  /** crypto-config output (generated from `pkiConfigPath` when missing). */
  readonly cryptoDir: string;
  readonly pkiConfigPath: string;
  /** MSP IDs to host (default: the three demo provinces). */
  readonly provinces?: readonly string[];
  /** Let every gateway trust every province's identity provider (tests of the province checks). */
  readonly trustAllIssuers?: boolean;
  readonly logLevel?: LogLevel;
  /** Where log lines go (tests pass a memory stream); stdout by default. */
  readonly logDestination?: LoggerOptions['destination'];
  /** Extra per-province options (hooks, background work, clock). */
  readonly provinceOptions?: Partial<
    Pick<ProvinceOptions, 'hooks' | 'background' | 'webhookPollMs' | 'trailPollMs' | 'clock'>
  >;
  /**
   * Listen on `host` (each province on `ports[msp]`, or any free port) before the provinces start,
   * and make every hosted gateway a trail peer of the others (URL and receipt key), so a
   * verification in one province reaches the holder's list in the issuing one.
   */
  readonly serve?: { readonly host: string; readonly ports?: Readonly<Record<string, number>> };
  /** A PostgreSQL server database per province (MSP ID → URL); provinces without one use embedded PGlite. */
  readonly databaseUrls?: Readonly<Record<string, string>>;
  /** Settings applied to every province's configuration. */
  readonly configOverrides?: Partial<GatewayConfig>;
  /**
   * Each province's own ledger port, e.g. to its own peer of a real Fabric network, whose crypto material is
   * `cryptoDir` as it is (nothing is generated). Default: one embedded ledger shared by every province. The
   * cluster closes these ports when it closes.
   */
  readonly ledgers?: ReadonlyMap<string, LedgerPort>;
  readonly onProgress?: (msg: string) => void;
}

/** One hosted province. */
export interface ClusterProvince {
  readonly mspId: string;
  readonly material: ProvinceMaterial;
  readonly runtime: ProvinceRuntime;
  readonly idp: TokenIssuer;
  readonly config: GatewayConfig;
  /** Base URL when the cluster serves HTTP (ClusterOptions.serve). */
  readonly url?: string;
}

/** A running cluster. */
export interface Cluster {
  /** The shared embedded ledger's port, or the first province's own port. */
  readonly port: LedgerPort;
  readonly provinces: ReadonlyMap<string, ClusterProvince>;
  readonly seed: SeedReport;
  readonly materialGenerated: boolean;
  readonly logger: Logger;
  /** Base URL of each province's gateway when the cluster serves HTTP (empty otherwise). */
  readonly urls: ReadonlyMap<string, string>;
  /** The province hosted under `mspId` (throws when it is not). */
  province(mspId: string): ClusterProvince;
  close(): Promise<void>;
}

/** Loads or creates the demo identity providers' keys (JWK, mode 0600) under `dir`. */
export function demoIdentityProviders(dir: string, msps: readonly string[]): Map<string, TokenIssuer> {
  const file = join(dir, 'idp-keys.json');
  const stored: Record<string, JsonWebKey> = existsSync(file)
    ? (JSON.parse(readFileSync(file, 'utf8')) as Record<string, JsonWebKey>)
    : {};
  let changed = false;
  const out = new Map<string, TokenIssuer>();
  for (const msp of msps) {
    let jwk = stored[msp];
    if (jwk === undefined) {
      jwk = generateIssuerKey().export({ format: 'jwk' });
      stored[msp] = jwk;
      changed = true;
    }
    out.set(
      msp,
      createTokenIssuer({
        iss: demoIssuerName(msp),
        audience: defaultAudience(msp),
        privateKey: createPrivateKey({ key: jwk, format: 'jwk' }),
      }),
    );
  }
  if (changed) {
    mkdirSync(dir, { recursive: true });
    writeFileSync(file, JSON.stringify(stored), { mode: 0o600 });
  }
  return out;
}

/** A listening server whose request handler is attached once its province has started. */
interface Listener {
  readonly server: Server;
  readonly url: string;
  attach(app: Express): void;
}

async function listenFirst(host: string, port: number): Promise<Listener> {
  let app: Express | undefined;
  const server = createServer((req, res) => {
    if (app !== undefined) {
      app(req, res);
      return;
    }
    res.writeHead(503, { 'retry-after': '1' }).end();
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => resolve());
  });
  const address = server.address();
  const bound = typeof address === 'object' && address !== null ? address.port : port;
  return {
    server,
    url: `http://${host.includes(':') ? `[${host}]` : host}:${bound}`,
    attach: (a) => {
      app = a;
    },
  };
}

/** Each hosted province's receipt key (created now if missing), as its peers must know it. */
async function receiptJwks(
  configs: ReadonlyMap<string, GatewayConfig>,
): Promise<Map<string, TrailPeer['jwks']>> {
  const out = new Map<string, TrailPeer['jwks']>();
  for (const [msp, config] of configs) {
    const signer = await createReceiptSigner(loadReceiptKeyPem(config.receiptKeyPath));
    out.set(msp, { keys: [{ ...signer.publicJwk() }] });
  }
  return out;
}

/** Starts the cluster. */
export async function startCluster(opts: ClusterOptions): Promise<Cluster> {
  const msps = opts.provinces ?? DEMO_PROVINCES.map((p) => p.mspId);
  const logger = createLogger({
    level: opts.logLevel ?? 'warn',
    ...(opts.logDestination === undefined ? {} : { destination: opts.logDestination }),
  });
  const { manifest, generated } =
    opts.ledgers === undefined
      ? await ensureMaterial(opts.pkiConfigPath, opts.cryptoDir, opts.onProgress)
      : { manifest: undefined, generated: false };
  const materials = msps.map((msp) => loadProvinceMaterial(opts.cryptoDir, msp, manifest));
  const idps = demoIdentityProviders(join(opts.dataDir, 'idp'), msps);
  const shared =
    opts.ledgers === undefined ? await openEmbeddedLedger(join(opts.dataDir, 'ledger'), msps) : undefined;
  const portOf = (msp: string): LedgerPort => {
    const own = shared ?? opts.ledgers?.get(msp);
    if (own === undefined) throw new Error(`no ledger port for ${msp}`);
    return own;
  };
  const port = portOf(msps[0] ?? '');
  const closePorts = async () => {
    for (const p of shared === undefined ? [...(opts.ledgers?.values() ?? [])] : [shared]) await p.close();
  };
  const provinces = new Map<string, ClusterProvince>();
  const listeners = new Map<string, Listener>();
  try {
    opts.onProgress?.('seeding the consortium');
    const seed = await seedConsortium(port, materials);
    const allTrust = [...idps.values()].map((i) => i.trustEntry());
    const configOf = (msp: string, trailPeers: readonly TrailPeer[] = []): GatewayConfig =>
      loadConfig(
        {},
        {
          provinceMsp: msp,
          dataDir: join(opts.dataDir, msp),
          logLevel: opts.logLevel ?? 'warn',
          tokenIssuers: opts.trustAllIssuers === true ? allTrust : [idps.get(msp)!.trustEntry()],
          trailPeers,
          ...(opts.databaseUrls?.[msp] === undefined ? {} : { databaseUrl: opts.databaseUrls[msp] }),
          ...opts.configOverrides,
        },
      );
    const configs = new Map(msps.map((msp) => [msp, configOf(msp)]));
    if (opts.serve !== undefined) {
      for (const msp of msps) {
        listeners.set(msp, await listenFirst(opts.serve.host, opts.serve.ports?.[msp] ?? 0));
      }
      const jwks = await receiptJwks(configs);
      for (const msp of msps) {
        const peers = msps
          .filter((other) => other !== msp)
          .map((other) => ({ msp: other, url: listeners.get(other)!.url, jwks: jwks.get(other)! }));
        configs.set(msp, configOf(msp, peers));
      }
    }
    for (const material of materials) {
      const idp = idps.get(material.mspId)!;
      const config = configs.get(material.mspId)!;
      opts.onProgress?.(`starting ${material.mspId}`);
      const runtime = await openProvince({
        material,
        port: portOf(material.mspId),
        config,
        logger,
        ...opts.provinceOptions,
      });
      const listener = listeners.get(material.mspId);
      listener?.attach(runtime.app);
      provinces.set(material.mspId, {
        mspId: material.mspId,
        material,
        runtime,
        idp,
        config,
        ...(listener === undefined ? {} : { url: listener.url }),
      });
    }
    return {
      port,
      provinces,
      seed,
      materialGenerated: generated,
      logger,
      urls: new Map([...listeners].map(([msp, l]) => [msp, l.url])),
      province(mspId) {
        const p = provinces.get(mspId);
        if (p === undefined) throw new Error(`province ${mspId} is not hosted`);
        return p;
      },
      async close() {
        for (const l of listeners.values()) await closeServer(l.server);
        for (const p of provinces.values()) await p.runtime.close();
        await closePorts();
      },
    };
  } catch (error) {
    for (const l of listeners.values()) await closeServer(l.server).catch(() => undefined);
    for (const p of provinces.values()) await p.runtime.close().catch(() => undefined);
    await closePorts().catch(() => undefined);
    throw error;
  }
}
