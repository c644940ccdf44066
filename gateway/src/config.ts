/**
 * The gateway's configuration: read once from the environment, validated as a whole, and handed to
 * everything else as a typed, frozen object. A bad setting stops the process at start-up with one
 * message that names every offending variable, rather than failing later on first use.
 */
import path from 'node:path';
import { LicenceError } from '@licence-ledger/domain';
import type { BackoffPolicy } from './storage/webhooks';

/** Log levels understood by the logger. */
export const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;
/** A log level. */
export type LogLevel = (typeof LOG_LEVELS)[number];

/** Which ledger the gateway talks to. */
export type LedgerMode = 'embedded' | 'fabric';

/** A public JSON Web Key as it appears in configuration (only the members the verifier reads). */
export interface PublicJwk {
  readonly kty: string;
  readonly crv?: string;
  readonly x?: string;
  readonly y?: string;
  readonly kid?: string;
  readonly alg?: string;
  readonly use?: string;
  readonly [member: string]: unknown;
}

/** One trusted access-token issuer: its `iss` and its public keys, as a JWKS or as SPKI PEM. */
export type TokenIssuerConfig =
  | { readonly iss: string; readonly jwks: { readonly keys: readonly PublicJwk[] } }
  | { readonly iss: string; readonly pem: string };

/**
 * Another province's gateway, for the holders' verification trail: where to notify it of
 * verifications of its licences, and its published receipt key(s) that sign what it sends us.
 */
export interface TrailPeer {
  readonly msp: string;
  /** Base URL of its gateway (https; plain http only to the loopback interface). */
  readonly url: string;
  readonly jwks: { readonly keys: readonly PublicJwk[] };
}

/** Per-stage deadlines for ledger calls (milliseconds), as fabric-gateway takes them. */
export interface LedgerDeadlines {
  readonly evaluateMs: number;
  readonly endorseMs: number;
  readonly submitMs: number;
  readonly commitStatusMs: number;
}

/** Connection settings for a real Fabric peer (used only when `ledger` is 'fabric'). */
export interface FabricConfig {
  readonly peerEndpoint: string;
  /** TLS server name to expect from the peer, when it differs from the endpoint's host. */
  readonly peerHostAlias: string;
  readonly tlsCaPath: string;
  readonly certPath: string;
  readonly keyPath: string;
  readonly channel: string;
  readonly chaincode: string;
}

/** The validated gateway configuration. */
export interface GatewayConfig {
  readonly port: number;
  readonly host: string;
  readonly provinceMsp: string;
  /** Absolute directory for this gateway's on-disk state (embedded ledger, embedded Postgres). */
  readonly dataDir: string;
  /** Absolute directory of crypto-config's output (the province's identities and agency keys). */
  readonly cryptoDir: string;
  /** MSP IDs of the embedded ledger's channel (includes provinceMsp). */
  readonly ledgerMembers: readonly string[];
  /** Absolute path of the holder-ref HMAC secret (base64url, ≥ 32 bytes; created when missing). */
  readonly holderSecretPath: string;
  /** Absolute path of the receipt key (PKCS#8 PEM, EC P-256; created when missing). */
  readonly receiptKeyPath: string;
  /**
   * Absolute path of the content key that seals licence content in the database (32 bytes as
   * base64url; created when missing). Without it the stored licences cannot be read: back it up.
   */
  readonly contentKeyPath: string;
  /** PostgreSQL URL; undefined means "start the embedded PGlite server under dataDir". */
  readonly databaseUrl: string | undefined;
  readonly ledger: LedgerMode;
  readonly fabric: FabricConfig;
  readonly deadlines: LedgerDeadlines;
  readonly tokenIssuers: readonly TokenIssuerConfig[];
  /** The `aud` access tokens must carry. */
  readonly tokenAudience: string;
  readonly presentationTtlSeconds: number;
  readonly clockToleranceSeconds: number;
  /** Largest accepted request body, in bytes. */
  readonly bodyLimitBytes: number;
  /** Verification requests allowed per minute per (province, subject). */
  readonly verifyRateLimitPerMinute: number;
  /** Trail notifications accepted per minute per sending address (the intake is public). */
  readonly trailRateLimitPerMinute: number;
  /**
   * How long verification may reuse a licence record read from the ledger, in ms (0: read it for
   * every verification). The event listener drops a record as soon as a change of it is seen, so
   * this bounds staleness only while events are not arriving.
   */
  readonly statusCacheTtlMs: number;
  /** The other provinces' gateways (empty: no trail notifications sent or accepted). */
  readonly trailPeers: readonly TrailPeer[];
  /** Backoff of trail deliveries. */
  readonly trailRetry: BackoffPolicy;
  /** The periodic pass that finishes ledger writes left unfinished while the gateway runs. */
  readonly outboxRecovery: OutboxRecoveryConfig;
  readonly logLevel: LogLevel;
}

/** When unfinished ledger writes are picked up again without a restart. */
export interface OutboxRecoveryConfig {
  /** Pause between recovery passes. */
  readonly intervalMs: number;
  /**
   * An unfinished write is taken over only when it has not moved for this long: longer than the
   * endorse, submit and commit-status deadlines together, so no request still working on it is
   * overtaken.
   */
  readonly staleAfterMs: number;
}

/** Largest presentation lifetime an operator may configure (15 minutes). */
export const MAX_PRESENTATION_TTL_SECONDS = 900;
/**
 * Longest an operator may let verification reuse a licence record (5 s, the bound the threat model
 * sets for an online verifier's status cache).
 */
export const MAX_STATUS_CACHE_TTL_MS = 5_000;
/** Largest request body an operator may configure (batch issuance stays well below this). */
export const MAX_BODY_LIMIT_BYTES = 16 * 1024 * 1024;

/** Defaults for every optional setting. */
export const DEFAULTS = {
  port: 8080,
  host: '127.0.0.1',
  provinceMsp: 'GuangdongMSP',
  dataDir: '.data/gateway',
  cryptoDir: '.data/crypto',
  ledgerMembers: ['GuangdongMSP', 'ZhejiangMSP', 'BeijingMSP'],
  ledger: 'embedded' as LedgerMode,
  fabric: {
    peerEndpoint: '',
    peerHostAlias: '',
    tlsCaPath: '',
    certPath: '',
    keyPath: '',
    channel: 'licences',
    chaincode: 'licence-ledger',
  },
  deadlines: { evaluateMs: 5_000, endorseMs: 15_000, submitMs: 5_000, commitStatusMs: 60_000 },
  presentationTtlSeconds: 300,
  clockToleranceSeconds: 30,
  bodyLimitBytes: 64 * 1024,
  verifyRateLimitPerMinute: 600,
  trailRateLimitPerMinute: 12_000,
  statusCacheTtlMs: 2_000,
  // 5 s doubling to an hour: 40 attempts keep trying for about a day and a half.
  trailRetry: { baseMs: 5_000, maxMs: 3_600_000, maxAttempts: 40 },
  outboxRecovery: { intervalMs: 30_000, staleAfterMs: 120_000 },
  logLevel: 'info' as LogLevel,
} as const;

/** Fabric MSP IDs as this project names them, e.g. GuangdongMSP. */
export const MSP_ID_PATTERN = /^[A-Z][A-Za-z0-9]{0,62}MSP$/;

/** Where the secret files live when HOLDER_SECRET_FILE, RECEIPT_KEY_FILE and CONTENT_KEY_FILE are not set. */
export function defaultSecretPaths(dataDir: string): {
  holderSecretPath: string;
  receiptKeyPath: string;
  contentKeyPath: string;
} {
  return {
    holderSecretPath: path.join(dataDir, 'holder-secret'),
    receiptKeyPath: path.join(dataDir, 'receipt-key.pem'),
    contentKeyPath: path.join(dataDir, 'content-key'),
  };
}

/** The audience a province's gateway expects in access tokens when TOKEN_AUDIENCE is not set. */
export function defaultAudience(provinceMsp: string): string {
  return `urn:licence-ledger:gateway:${provinceMsp}`;
}

/**
 * Reads and validates the configuration; `overrides` (typed values, e.g. from the CLI or a test)
 * win over the environment and are validated the same way. Throws INVALID_ARGUMENT listing every
 * bad variable at once.
 */
export function loadConfig(env: NodeJS.ProcessEnv, overrides: Partial<GatewayConfig> = {}): GatewayConfig {
  const problems = new Problems();
  const str = (name: string): string | undefined => {
    const value = env[name];
    return value === undefined || value.trim() === '' ? undefined : value.trim();
  };
  const int = (name: string, fallback: number, min: number, max: number): number =>
    problems.int(name, str(name), fallback, min, max);

  const provinceMsp = str('PROVINCE_MSP') ?? DEFAULTS.provinceMsp;
  const dataDir = path.resolve(str('DATA_DIR') ?? DEFAULTS.dataDir);
  // Files default to the final data directory, so a dataDir override moves them along.
  const secretDefaults = defaultSecretPaths(overrides.dataDir ?? dataDir);
  const file = (name: string, fallback: string): string => {
    const value = str(name);
    return value === undefined ? fallback : path.resolve(value);
  };
  const fromEnv: GatewayConfig = {
    port: int('PORT', DEFAULTS.port, 0, 65_535),
    host: str('HOST') ?? DEFAULTS.host,
    provinceMsp,
    dataDir,
    cryptoDir: path.resolve(str('CRYPTO_DIR') ?? DEFAULTS.cryptoDir),
    // Checked as a whole, after overrides, in checkMembers.
    ledgerMembers:
      str('LEDGER_MEMBERS')
        ?.split(',')
        .map((m) => m.trim()) ?? DEFAULTS.ledgerMembers,
    holderSecretPath: file('HOLDER_SECRET_FILE', secretDefaults.holderSecretPath),
    receiptKeyPath: file('RECEIPT_KEY_FILE', secretDefaults.receiptKeyPath),
    contentKeyPath: file('CONTENT_KEY_FILE', secretDefaults.contentKeyPath),
    databaseUrl: str('DATABASE_URL'),
    ledger: problems.oneOf('LEDGER', str('LEDGER'), ['embedded', 'fabric'] as const, DEFAULTS.ledger),
    fabric: {
      peerEndpoint: str('FABRIC_PEER_ENDPOINT') ?? DEFAULTS.fabric.peerEndpoint,
      peerHostAlias: str('FABRIC_PEER_HOST_ALIAS') ?? DEFAULTS.fabric.peerHostAlias,
      tlsCaPath: str('FABRIC_TLS_CA_PATH') ?? DEFAULTS.fabric.tlsCaPath,
      certPath: str('FABRIC_CERT_PATH') ?? DEFAULTS.fabric.certPath,
      keyPath: str('FABRIC_KEY_PATH') ?? DEFAULTS.fabric.keyPath,
      channel: str('FABRIC_CHANNEL') ?? DEFAULTS.fabric.channel,
      chaincode: str('FABRIC_CHAINCODE') ?? DEFAULTS.fabric.chaincode,
    },
    deadlines: {
      evaluateMs: int('DEADLINE_EVALUATE_MS', DEFAULTS.deadlines.evaluateMs, 1, 600_000),
      endorseMs: int('DEADLINE_ENDORSE_MS', DEFAULTS.deadlines.endorseMs, 1, 600_000),
      submitMs: int('DEADLINE_SUBMIT_MS', DEFAULTS.deadlines.submitMs, 1, 600_000),
      commitStatusMs: int('DEADLINE_COMMIT_STATUS_MS', DEFAULTS.deadlines.commitStatusMs, 1, 600_000),
    },
    tokenIssuers: problems.tokenIssuers('TOKEN_ISSUERS', str('TOKEN_ISSUERS')),
    tokenAudience: str('TOKEN_AUDIENCE') ?? defaultAudience(overrides.provinceMsp ?? provinceMsp),
    presentationTtlSeconds: int(
      'PRESENTATION_TTL_SECONDS',
      DEFAULTS.presentationTtlSeconds,
      1,
      MAX_PRESENTATION_TTL_SECONDS,
    ),
    clockToleranceSeconds: int('CLOCK_TOLERANCE_SECONDS', DEFAULTS.clockToleranceSeconds, 0, 300),
    bodyLimitBytes: problems.size('BODY_LIMIT', str('BODY_LIMIT'), DEFAULTS.bodyLimitBytes),
    verifyRateLimitPerMinute: int('VERIFY_RATE_LIMIT', DEFAULTS.verifyRateLimitPerMinute, 1, 1_000_000),
    trailRateLimitPerMinute: int('TRAIL_RATE_LIMIT', DEFAULTS.trailRateLimitPerMinute, 1, 1_000_000),
    statusCacheTtlMs: int('STATUS_CACHE_TTL_MS', DEFAULTS.statusCacheTtlMs, 0, MAX_STATUS_CACHE_TTL_MS),
    trailPeers: problems.trailPeers('TRAIL_PEERS', str('TRAIL_PEERS')),
    trailRetry: {
      baseMs: int('TRAIL_RETRY_BASE_MS', DEFAULTS.trailRetry.baseMs, 1, 86_400_000),
      maxMs: int('TRAIL_RETRY_MAX_MS', DEFAULTS.trailRetry.maxMs, 1, 86_400_000),
      maxAttempts: int('TRAIL_RETRY_ATTEMPTS', DEFAULTS.trailRetry.maxAttempts, 1, 1000),
    },
    outboxRecovery: {
      intervalMs: int('OUTBOX_RECOVERY_INTERVAL_MS', DEFAULTS.outboxRecovery.intervalMs, 100, 86_400_000),
      staleAfterMs: int('OUTBOX_STALE_AFTER_MS', DEFAULTS.outboxRecovery.staleAfterMs, 0, 86_400_000),
    },
    logLevel: problems.oneOf('LOG_LEVEL', str('LOG_LEVEL'), LOG_LEVELS, DEFAULTS.logLevel),
  };
  const config: GatewayConfig = { ...fromEnv, ...overrides };
  checkWhole(config, problems);
  problems.throwIfAny();
  return Object.freeze(config);
}

/** Range and cross-field checks, applied after overrides so they bind the final values too. */
function checkWhole(c: GatewayConfig, problems: Problems): void {
  const range = (name: string, value: number, min: number, max: number): void => {
    if (!Number.isInteger(value) || value < min || value > max) {
      problems.add(name, `must be an integer from ${min} to ${max}`);
    }
  };
  range('PORT', c.port, 0, 65_535);
  range('PRESENTATION_TTL_SECONDS', c.presentationTtlSeconds, 1, MAX_PRESENTATION_TTL_SECONDS);
  range('CLOCK_TOLERANCE_SECONDS', c.clockToleranceSeconds, 0, 300);
  range('BODY_LIMIT', c.bodyLimitBytes, 1, MAX_BODY_LIMIT_BYTES);
  range('VERIFY_RATE_LIMIT', c.verifyRateLimitPerMinute, 1, 1_000_000);
  range('TRAIL_RATE_LIMIT', c.trailRateLimitPerMinute, 1, 1_000_000);
  range('STATUS_CACHE_TTL_MS', c.statusCacheTtlMs, 0, MAX_STATUS_CACHE_TTL_MS);
  if (!MSP_ID_PATTERN.test(c.provinceMsp)) {
    problems.add('PROVINCE_MSP', 'must be an MSP ID such as GuangdongMSP');
  }
  if (c.host.length === 0) problems.add('HOST', 'must not be empty');
  if (c.databaseUrl !== undefined && !/^postgres(ql)?:\/\//.test(c.databaseUrl)) {
    problems.add('DATABASE_URL', 'must be a postgres:// or postgresql:// URL');
  }
  if (c.tokenAudience.length === 0) problems.add('TOKEN_AUDIENCE', 'must not be empty');
  const absolute: Array<[string, string]> = [
    ['DATA_DIR', c.dataDir],
    ['CRYPTO_DIR', c.cryptoDir],
    ['HOLDER_SECRET_FILE', c.holderSecretPath],
    ['RECEIPT_KEY_FILE', c.receiptKeyPath],
    ['CONTENT_KEY_FILE', c.contentKeyPath],
  ];
  for (const [name, value] of absolute) {
    if (!path.isAbsolute(value)) problems.add(name, 'must be an absolute path');
  }
  const writeDeadlines = c.deadlines.endorseMs + c.deadlines.submitMs + c.deadlines.commitStatusMs;
  if (c.outboxRecovery.staleAfterMs <= writeDeadlines) {
    problems.add(
      'OUTBOX_STALE_AFTER_MS',
      `must exceed the endorse, submit and commit-status deadlines together (${writeDeadlines} ms), or recovery could overtake a request still writing`,
    );
  }
  if (c.holderSecretPath === c.receiptKeyPath) {
    problems.add('RECEIPT_KEY_FILE', 'must not be the same file as HOLDER_SECRET_FILE');
  }
  if (c.contentKeyPath === c.holderSecretPath || c.contentKeyPath === c.receiptKeyPath) {
    problems.add('CONTENT_KEY_FILE', 'must not be the same file as HOLDER_SECRET_FILE or RECEIPT_KEY_FILE');
  }
  checkMembers(c, problems);
  checkTrail(c, problems);
  if (c.ledger === 'fabric') {
    const required: Array<[string, string]> = [
      ['FABRIC_PEER_ENDPOINT', c.fabric.peerEndpoint],
      ['FABRIC_TLS_CA_PATH', c.fabric.tlsCaPath],
      ['FABRIC_CERT_PATH', c.fabric.certPath],
      ['FABRIC_KEY_PATH', c.fabric.keyPath],
    ];
    for (const [name, value] of required) {
      if (value === '') problems.add(name, 'is required when LEDGER=fabric');
    }
    if (c.fabric.peerEndpoint !== '' && !/^[A-Za-z0-9.-]+:\d{1,5}$/.test(c.fabric.peerEndpoint)) {
      problems.add('FABRIC_PEER_ENDPOINT', 'must be host:port');
    }
  }
}

/** The embedded ledger's members: MSP IDs, each once, including this gateway's own province. */
function checkMembers(c: GatewayConfig, problems: Problems): void {
  const members = c.ledgerMembers;
  if (members.length === 0 || members.some((m) => !MSP_ID_PATTERN.test(m))) {
    problems.add('LEDGER_MEMBERS', 'must list MSP IDs such as GuangdongMSP,ZhejiangMSP');
  } else if (new Set(members).size !== members.length) {
    problems.add('LEDGER_MEMBERS', 'lists the same MSP ID twice');
  } else if (
    c.ledger === 'embedded' &&
    MSP_ID_PATTERN.test(c.provinceMsp) &&
    !members.includes(c.provinceMsp)
  ) {
    problems.add('LEDGER_MEMBERS', `must include this gateway's province (${c.provinceMsp})`);
  }
}

/** Peers: valid, each once, never this province; a retry policy whose cap is not below its base. */
function checkTrail(c: GatewayConfig, problems: Problems): void {
  const msps = c.trailPeers.map((p) => p.msp);
  if (c.trailPeers.some((p) => parsePeer(p) === undefined)) {
    problems.add('TRAIL_PEERS', TRAIL_PEERS_SHAPE);
  } else if (new Set(msps).size !== msps.length) {
    problems.add('TRAIL_PEERS', 'lists the same province twice');
  } else if (msps.includes(c.provinceMsp)) {
    problems.add('TRAIL_PEERS', "must not list this gateway's own province");
  }
  const r = c.trailRetry;
  const range = (name: string, value: number, max: number): void => {
    if (!Number.isInteger(value) || value < 1 || value > max) {
      problems.add(name, `must be an integer from 1 to ${max}`);
    }
  };
  range('TRAIL_RETRY_BASE_MS', r.baseMs, 86_400_000);
  range('TRAIL_RETRY_MAX_MS', r.maxMs, 86_400_000);
  range('TRAIL_RETRY_ATTEMPTS', r.maxAttempts, 1000);
  if (r.maxMs < r.baseMs) problems.add('TRAIL_RETRY_MAX_MS', 'must not be below TRAIL_RETRY_BASE_MS');
}

const TRAIL_PEERS_SHAPE =
  'must be JSON: [{"msp": "ZhejiangMSP", "url": "https://…", "jwks": {"keys": [EC P-256 public JWK, …]}}] (http only to 127.0.0.1/localhost)';

/** A peer entry as configured, or undefined when it is not one. */
function parsePeer(entry: unknown): TrailPeer | undefined {
  if (typeof entry !== 'object' || entry === null) return undefined;
  const { msp, url, jwks } = entry as { msp?: unknown; url?: unknown; jwks?: unknown };
  if (typeof msp !== 'string' || !MSP_ID_PATTERN.test(msp)) return undefined;
  if (typeof url !== 'string' || !isPeerUrl(url)) return undefined;
  const keys = (jwks as { keys?: unknown } | null | undefined)?.keys;
  if (!Array.isArray(keys) || keys.length === 0 || keys.length > 8) return undefined;
  const publicEc = (k: unknown): boolean => {
    const jwk = k as Record<string, unknown> | null;
    return (
      typeof jwk === 'object' &&
      jwk !== null &&
      jwk.kty === 'EC' &&
      jwk.crv === 'P-256' &&
      typeof jwk.x === 'string' &&
      typeof jwk.y === 'string' &&
      typeof jwk.kid === 'string' &&
      jwk.d === undefined
    );
  };
  if (!keys.every(publicEc)) return undefined;
  return { msp, url: url.replace(/\/+$/, ''), jwks: { keys: keys as PublicJwk[] } };
}

/** https anywhere; plain http only to the loopback interface (the demo); no credentials or query. */
function isPeerUrl(raw: string): boolean {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    return false;
  }
  const loopback = ['127.0.0.1', 'localhost', '[::1]'].includes(url.hostname);
  if (url.protocol !== 'https:' && !(url.protocol === 'http:' && loopback)) return false;
  return url.username === '' && url.password === '' && url.search === '' && url.hash === '';
}

/** Collects every problem so the operator sees them all in one go. */
class Problems {
  private readonly items: Array<{ name: string; message: string }> = [];

  add(name: string, message: string): void {
    if (!this.items.some((p) => p.name === name)) this.items.push({ name, message });
  }

  int(name: string, raw: string | undefined, fallback: number, min: number, max: number): number {
    if (raw === undefined) return fallback;
    const value = /^\d{1,10}$/.test(raw) ? Number(raw) : NaN;
    if (!Number.isInteger(value) || value < min || value > max) {
      this.add(name, `must be an integer from ${min} to ${max}`);
      return fallback;
    }
    return value;
  }

  oneOf<T extends string>(name: string, raw: string | undefined, allowed: readonly T[], fallback: T): T {
    if (raw === undefined) return fallback;
    if ((allowed as readonly string[]).includes(raw)) return raw as T;
    this.add(name, `must be one of ${allowed.join(', ')}`);
    return fallback;
  }

  /** Sizes as bytes or with a kb/mb suffix (binary multiples, like express's `limit`). */
  size(name: string, raw: string | undefined, fallback: number): number {
    if (raw === undefined) return fallback;
    const m = /^(\d{1,9})\s*(b|kb|mb)?$/i.exec(raw);
    if (m === null) {
      this.add(name, 'must be a size such as 65536, 64kb or 1mb');
      return fallback;
    }
    const unit = (m[2] ?? 'b').toLowerCase();
    const factor = unit === 'mb' ? 1024 * 1024 : unit === 'kb' ? 1024 : 1;
    return Number(m[1]) * factor;
  }

  /** A JSON list whose every entry `parse` accepts; [] (and a problem saying `shape`) otherwise. */
  jsonList<T>(
    name: string,
    raw: string | undefined,
    parse: (entry: unknown) => T | undefined,
    shape: string,
  ): T[] {
    if (raw === undefined) return [];
    let parsed: unknown;
    try {
      parsed = JSON.parse(raw);
    } catch {
      parsed = undefined;
    }
    const items = Array.isArray(parsed) ? parsed.map(parse) : [undefined];
    if (items.some((i) => i === undefined)) {
      this.add(name, shape);
      return [];
    }
    return items as T[];
  }

  trailPeers(name: string, raw: string | undefined): TrailPeer[] {
    return this.jsonList(name, raw, parsePeer, TRAIL_PEERS_SHAPE);
  }

  tokenIssuers(name: string, raw: string | undefined): TokenIssuerConfig[] {
    const issuers = this.jsonList(
      name,
      raw,
      parseIssuer,
      'must be JSON: [{"iss": "...", "jwks": {"keys": [...]}} or {"iss": "...", "pem": "..."}], each with a non-empty "iss"',
    );
    const names = issuers.map((i) => i.iss);
    if (new Set(names).size !== names.length) this.add(name, 'lists the same "iss" twice');
    return issuers;
  }

  throwIfAny(): void {
    if (this.items.length === 0) return;
    const lines = this.items.map((p) => `${p.name} ${p.message}`);
    throw new LicenceError('INVALID_ARGUMENT', `invalid configuration: ${lines.join('; ')}`, {
      variables: this.items.map((p) => p.name),
    });
  }
}

function parseIssuer(entry: unknown): TokenIssuerConfig | undefined {
  if (typeof entry !== 'object' || entry === null) return undefined;
  const { iss, jwks, pem } = entry as { iss?: unknown; jwks?: unknown; pem?: unknown };
  if (typeof iss !== 'string' || iss.length === 0) return undefined;
  if (typeof pem === 'string' && jwks === undefined) return { iss, pem };
  if (pem !== undefined || typeof jwks !== 'object' || jwks === null) return undefined;
  const keys = (jwks as { keys?: unknown }).keys;
  if (!Array.isArray(keys) || keys.length === 0) return undefined;
  if (!keys.every((k) => typeof k === 'object' && k !== null && typeof (k as PublicJwk).kty === 'string')) {
    return undefined;
  }
  return { iss, jwks: { keys: keys as PublicJwk[] } };
}
