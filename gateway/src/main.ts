/**
 * Wires real dependencies: a province's database (embedded PGlite under the data directory, or
 * DATABASE_URL), migrations, its services over a ledger port, outbox recovery, the projection
 * listener and the webhook loop; then listens, and shuts down cleanly on SIGTERM/SIGINT.
 *
 * `openProvince` builds one province over a ledger port it is given (the demo hosts three over one
 * embedded ledger); `startGateway` is the single-province entry point configured from the
 * environment.
 */
import './demo/quiet-logs';
import { generateKeyPairSync, randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import type { Server } from 'node:http';
import { dirname, join } from 'node:path';
import type { Express } from 'express';
import type { Pool } from 'pg';
import { LicenceError } from '@licence-ledger/domain';
import { EmbeddedLedger } from '@licence-ledger/embedded-ledger';
import { contracts } from '@licence-ledger/chaincode';
import { createApp } from './app';
import { systemClock } from './clock';
import type { Clock } from './clock';
import type { GatewayConfig, TokenIssuerConfig } from './config';
import { defaultSecretPaths, loadConfig } from './config';
import { createLogger } from './logging';
import type { Logger } from './logging';
import { createTokenVerifier } from './auth/tokens';
import { MIN_HOLDER_SECRET_BYTES } from './auth/holder-ref';
import { createReceiptSigner, loadAgencyKeys } from './keys';
import { createEmbeddedLedgerPort, createFabricLedgerPort } from './ledger';
import type { LedgerPort } from './ledger';
import { openStore } from './storage/store';
import { CONTENT_KEY_BYTES, createContentCipher, newContentKey } from './storage/content-cipher';
import { provinceRouters } from './routes';
import { createServices } from './services';
import type { ProvinceServices } from './services';
import type { IssuanceHooks } from './services/issuance';
import { provinceLedger } from './services/identities';
import { fileKeyVault } from './services/key-vault';
import { loadProvinceMaterial } from './demo/material';
import type { ProvinceMaterial } from './demo/material';
import { createWebRouter } from './web';

/** Channel and chaincode names of the embedded ledger (as on the Fabric network). */
export const CHANNEL = 'licences';
export const CHAINCODE = 'licence-ledger';

/** What openProvince needs. */
export interface ProvinceOptions {
  readonly material: ProvinceMaterial;
  readonly port: LedgerPort;
  readonly config: GatewayConfig;
  readonly logger: Logger;
  /** Trusted access-token issuers (defaults to config.tokenIssuers). */
  readonly tokenIssuers?: readonly TokenIssuerConfig[];
  /** HMAC secret for holder refs (≥ 32 bytes); read from or created under the data dir when absent. */
  readonly holderSecret?: Buffer;
  /** Test hooks for the issuance path. */
  readonly hooks?: IssuanceHooks;
  /** Milliseconds between webhook delivery rounds (default 1000). */
  readonly webhookPollMs?: number;
  /** Milliseconds between trail delivery rounds (default 1000). */
  readonly trailPollMs?: number;
  /** Skip the listener and the delivery loops (tests that drive them by hand). */
  readonly background?: boolean;
  /** The clock of every time window in the province (default the system clock; tests move theirs). */
  readonly clock?: Clock;
}

/** A running province: its services, its app and what to close. */
export interface ProvinceRuntime {
  readonly services: ProvinceServices;
  readonly app: Express;
  readonly pool: Pool;
  /** The outcome of the start-up recovery of unfinished ledger writes. */
  readonly recovered: { committed: number; failed: number };
  /** Stops background work and closes the database (not the ledger port, which may be shared). */
  close(): Promise<void>;
}

/** Writes a new secret file (mode 0600), never over an existing one. */
function createSecretFile(file: string, content: string): void {
  mkdirSync(dirname(file), { recursive: true });
  writeFileSync(file, content, { mode: 0o600, flag: 'wx' });
}

/**
 * Reads the holder secret (base64url) at `file`, or creates one there. A file that holds too few
 * bytes stops start-up rather than being replaced: a new secret would orphan every holder ref.
 */
export function loadHolderSecret(file: string): Buffer {
  if (!existsSync(file)) {
    const secret = randomBytes(MIN_HOLDER_SECRET_BYTES);
    createSecretFile(file, secret.toString('base64url'));
    return secret;
  }
  const secret = Buffer.from(readFileSync(file, 'utf8').trim(), 'base64url');
  if (secret.length < MIN_HOLDER_SECRET_BYTES) {
    throw new LicenceError(
      'INVALID_ARGUMENT',
      `HOLDER_SECRET_FILE must hold at least ${MIN_HOLDER_SECRET_BYTES} bytes as base64url`,
      { variables: ['HOLDER_SECRET_FILE'] },
    );
  }
  return secret;
}

/** The holder secret of a gateway whose secret file is at its default place under `dataDir`. */
export function holderSecretFor(dataDir: string): Buffer {
  return loadHolderSecret(defaultSecretPaths(dataDir).holderSecretPath);
}

/** Reads the receipt key PEM at `file`, or creates an EC P-256 key there (checked by createReceiptSigner). */
export function loadReceiptKeyPem(file: string): string {
  if (existsSync(file)) return readFileSync(file, 'utf8');
  const pem = generateKeyPairSync('ec', { namedCurve: 'P-256' })
    .privateKey.export({ format: 'pem', type: 'pkcs8' })
    .toString();
  createSecretFile(file, pem);
  return pem;
}

/**
 * Reads the content key (base64url, 32 bytes) at `file`, or creates one there. A file of the wrong
 * size stops start-up rather than being replaced: a new key would make every stored licence unreadable.
 */
export function loadContentKey(file: string): Buffer {
  if (!existsSync(file)) {
    const key = newContentKey();
    createSecretFile(file, key.toString('base64url'));
    return key;
  }
  const key = Buffer.from(readFileSync(file, 'utf8').trim(), 'base64url');
  if (key.length !== CONTENT_KEY_BYTES) {
    throw new LicenceError(
      'INVALID_ARGUMENT',
      `CONTENT_KEY_FILE must hold exactly ${CONTENT_KEY_BYTES} bytes as base64url`,
      { variables: ['CONTENT_KEY_FILE'] },
    );
  }
  return key;
}

/** Builds and starts one province over `port`. */
export async function openProvince(opts: ProvinceOptions): Promise<ProvinceRuntime> {
  const { material, config, logger } = opts;
  const clock = opts.clock ?? systemClock;
  const store = await openStore({
    databaseUrl: config.databaseUrl,
    dataDir: config.dataDir,
    cipher: createContentCipher(loadContentKey(config.contentKeyPath)),
  });
  try {
    const keyVault = fileKeyVault(join(config.dataDir, 'agency-keys'));
    const keys = loadAgencyKeys([...material.agencyKeys, ...keyVault.loadAll()]);
    const ctx = {
      msp: material.mspId,
      provinceCode: material.code,
      ledger: provinceLedger(opts.port, material.identities),
      store,
      keys,
      keyVault,
      receipt: await createReceiptSigner(loadReceiptKeyPem(config.receiptKeyPath)),
      signingCa: material.ca,
      holderSecret: opts.holderSecret ?? loadHolderSecret(config.holderSecretPath),
      config,
      logger: logger.child({ province: material.mspId }),
      clock,
    };
    const services = createServices(ctx, {
      ...(opts.hooks === undefined ? {} : { hooks: opts.hooks }),
      ...(opts.webhookPollMs === undefined ? {} : { webhookPollMs: opts.webhookPollMs }),
      ...(opts.trailPollMs === undefined ? {} : { trailPollMs: opts.trailPollMs }),
    });
    await services.issuance.reconcileSerials(material.agencyKeys.map((k) => k.agencyUscc));
    const recovered = await services.issuance.recover();
    if (recovered.committed + recovered.failed > 0)
      ctx.logger.info(recovered, 'finished unfinished ledger writes');
    // Requests the last process was running when it stopped: their keys are free for a retry,
    // which resumes what each had recorded (the ledger writes just finished) or runs afresh.
    const interrupted = await ctx.store.idempotency.interruptAll();
    if (interrupted > 0)
      ctx.logger.info({ interrupted }, 'idempotency keys of interrupted requests released');
    if (opts.background !== false) {
      services.projection.start();
      services.webhooks.start();
      services.trail.start();
      services.outboxRecovery.start();
    }
    const verifier = createTokenVerifier({
      issuers: opts.tokenIssuers ?? config.tokenIssuers,
      audience: config.tokenAudience,
      clockToleranceSeconds: config.clockToleranceSeconds,
      now: clock,
    });
    const app = createApp({
      logger: ctx.logger,
      bodyLimitBytes: config.bodyLimitBytes,
      verifier,
      routers: [
        ...provinceRouters(services),
        createWebRouter({ mspId: material.mspId, provinceCode: material.code }),
      ],
      readiness: async () => {
        const database = await store.ping();
        let ledger = false;
        try {
          ledger = (await opts.port.chainInfo()).height > 0;
        } catch {
          ledger = false;
        }
        return { ok: database && ledger, checks: { database, ledger } };
      },
      openapiInfo: { title: `licence-ledger province gateway (${material.mspId})`, version: '1.0.0' },
    });
    let closed = false;
    return {
      services,
      app,
      pool: store.pool,
      recovered,
      async close() {
        if (closed) return;
        closed = true;
        await services.projection.stop();
        await services.webhooks.stop();
        await services.trail.stop();
        await services.outboxRecovery.stop();
        await store.close();
      },
    };
  } catch (error) {
    await store.close().catch(() => undefined);
    throw error;
  }
}

/** Opens the embedded ledger under `dir` with the chaincode and the given member MSPs. */
export async function openEmbeddedLedger(dir: string, members: readonly string[]): Promise<LedgerPort> {
  mkdirSync(dir, { recursive: true });
  const ledger = await EmbeddedLedger.open({
    path: dir,
    channelId: CHANNEL,
    chaincodeName: CHAINCODE,
    contracts: [...contracts],
    members: [...members],
  });
  return createEmbeddedLedgerPort(ledger);
}

/** Listens on host:port; resolves with the server once it is accepting connections. */
export function listen(app: Express, port: number, host: string): Promise<Server> {
  return new Promise((resolvePromise, reject) => {
    const server = app.listen(port, host);
    server.once('listening', () => resolvePromise(server));
    server.once('error', reject);
  });
}

/** Closes a server, ending idle keep-alive connections. */
export function closeServer(server: Server): Promise<void> {
  return new Promise((resolvePromise) => {
    server.close(() => resolvePromise());
    server.closeIdleConnections();
  });
}

/** Runs `stop` once on SIGTERM or SIGINT, then exits. */
export function onShutdown(logger: Logger, stop: () => Promise<void>): void {
  let stopping = false;
  const handler = (signal: NodeJS.Signals): void => {
    if (stopping) return;
    stopping = true;
    logger.info({ signal }, 'shutting down');
    stop().then(
      () => process.exit(0),
      (error: unknown) => {
        logger.error({ err: error }, 'shutdown failed');
        process.exit(1);
      },
    );
  };
  process.once('SIGTERM', handler);
  process.once('SIGINT', handler);
}

/** A running single-province gateway. */
export interface RunningGateway {
  readonly url: string;
  readonly runtime: ProvinceRuntime;
  stop(): Promise<void>;
}

/**
 * Starts one province's gateway from `config`: its material from config.cryptoDir, the embedded
 * ledger over config.ledgerMembers or, in Fabric mode, the configured peer with the province's
 * verifier identity as its service identity.
 */
export async function startGateway(config: GatewayConfig): Promise<RunningGateway> {
  const logger = createLogger({ level: config.logLevel });
  const material = loadProvinceMaterial(config.cryptoDir, config.provinceMsp);
  let port: LedgerPort;
  if (config.ledger === 'embedded') {
    port = await openEmbeddedLedger(join(config.dataDir, 'ledger'), config.ledgerMembers);
  } else {
    port = createFabricLedgerPort({
      peerEndpoint: config.fabric.peerEndpoint,
      tlsRootCertPem: readFileSync(config.fabric.tlsCaPath, 'utf8'),
      ...(config.fabric.peerHostAlias === '' ? {} : { hostOverride: config.fabric.peerHostAlias }),
      channel: config.fabric.channel,
      chaincode: config.fabric.chaincode,
      deadlines: config.deadlines,
      serviceIdentity: material.identities.verifier,
    });
  }
  let runtime: ProvinceRuntime;
  try {
    runtime = await openProvince({ material, port, config, logger });
  } catch (error) {
    await port.close();
    throw error;
  }
  const server = await listen(runtime.app, config.port, config.host);
  const address = server.address();
  const url = `http://${config.host}:${typeof address === 'object' && address !== null ? address.port : config.port}`;
  logger.info({ url }, 'gateway listening');
  return {
    url,
    runtime,
    async stop() {
      await closeServer(server);
      await runtime.close();
      await port.close();
    },
  };
}

/** Entry point for `node dist/main.js`: one province from the environment. */
export async function main(): Promise<void> {
  let config: GatewayConfig;
  try {
    config = loadConfig(process.env);
  } catch (error) {
    process.stderr.write(`${error instanceof LicenceError ? error.message : String(error)}\n`);
    process.exit(2);
  }
  const gateway = await startGateway(config);
  onShutdown(createLogger({ level: config.logLevel }), () => gateway.stop());
}

if (require.main === module) {
  main().catch((error: unknown) => {
    process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n`);
    process.exit(1);
  });
}
