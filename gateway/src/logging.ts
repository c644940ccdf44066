/**
 * Structured logging with pino. Logs must never carry personal data or credentials, so values of
 * sensitive keys are replaced wherever they appear in a logged object, at any depth.
 */
import pino from 'pino';
import type { Logger, DestinationStream } from 'pino';
import type { LogLevel } from './config';

export type { Logger } from 'pino';

/** What stands in for a redacted value. */
export const REDACTED = '[redacted]';

/**
 * Keys whose values are never logged (compared case-insensitively, ignoring '_' and '-'): licence
 * content and its salts, personal identifiers, and every kind of credential.
 */
export const SENSITIVE_KEYS: readonly string[] = [
  'name',
  'fullname',
  'holdername',
  'idnumber',
  'citizenid',
  'holderid',
  'phone',
  'mobile',
  'address',
  'fields',
  'disclosed',
  'salt',
  'salts',
  'token',
  'accesstoken',
  'presentationtoken',
  'bearer',
  'authorization',
  'cookie',
  'setcookie',
  'password',
  'secret',
  'privatekey',
  'privatekeypem',
  'privatejwk',
];

const SENSITIVE = new Set(SENSITIVE_KEYS);
const MAX_DEPTH = 8;

/** True when a key's value must not be logged. */
export function isSensitiveKey(key: string): boolean {
  return SENSITIVE.has(key.toLowerCase().replace(/[-_]/g, ''));
}

/** Returns a copy of `value` with every sensitive key's value replaced by REDACTED. */
export function scrub(value: unknown, depth = 0): unknown {
  if (depth > MAX_DEPTH) return '[depth]';
  if (Array.isArray(value)) return value.map((v) => scrub(v, depth + 1));
  if (value instanceof Error || typeof value !== 'object' || value === null) return value;
  if (Buffer.isBuffer(value) || value instanceof Date) return value;
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(value as Record<string, unknown>)) {
    out[k] = isSensitiveKey(k) ? REDACTED : scrub(v, depth + 1);
  }
  return out;
}

/** Options for {@link createLogger}. */
export interface LoggerOptions {
  readonly level: LogLevel;
  /** Where lines go (tests pass a memory stream); stdout by default. */
  readonly destination?: DestinationStream;
  /** Bindings on every line, e.g. { province: 'GuangdongMSP' }. */
  readonly base?: Record<string, string>;
}

/** Creates the gateway's root logger; children add request and transaction ids. */
export function createLogger(options: LoggerOptions): Logger {
  const config: pino.LoggerOptions = {
    level: options.level,
    base: { ...options.base },
    timestamp: pino.stdTimeFunctions.isoTime,
    // Header paths are fixed; everything else is caught by the key-based scrub below.
    redact: {
      paths: ['req.headers.authorization', 'req.headers.cookie', 'headers.authorization'],
      censor: REDACTED,
    },
    formatters: { log: (object) => scrub(object) as Record<string, unknown> },
    serializers: { err: pino.stdSerializers.err },
  };
  return options.destination === undefined ? pino(config) : pino(config, options.destination);
}

/** A child logger bound to a ledger transaction id, so every line about the tx can be found. */
export function withTxId(logger: Logger, txId: string): Logger {
  return logger.child({ txId });
}
