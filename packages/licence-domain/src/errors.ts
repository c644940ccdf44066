/**
 * One error class with a closed union of stable codes. The code, never the message text, is what
 * callers branch on. `toWire`/`fromWire` carry the code across the Fabric boundary, where only the
 * chaincode's error message survives.
 */

export const ERROR_CODES = [
  'INVALID_ARGUMENT',
  'MALFORMED_JSON',
  'PAYLOAD_TOO_LARGE',
  'UNSUPPORTED_MEDIA_TYPE',
  'SCHEMA_VIOLATION',
  'INVALID_IDENTIFIER',
  'INVALID_USCC',
  'INVALID_CITIZEN_ID',
  'INVALID_PROVINCE_CODE',
  'UNAUTHENTICATED',
  'ACCESS_DENIED',
  'NOT_FOUND',
  'ALREADY_EXISTS',
  'ILLEGAL_TRANSITION',
  'TERMINAL_STATE',
  'PROVINCE_NOT_ACTIVE',
  'AGENCY_NOT_ACTIVE',
  'AGENCY_NOT_AUTHORISED',
  'LICENCE_TYPE_UNKNOWN',
  'KEY_UNKNOWN',
  'KEY_NOT_ACTIVE',
  'CERTIFICATE_INVALID',
  'INVALID_SIGNATURE',
  'NOTICE_PERIOD',
  'PROPOSAL_CLOSED',
  'CONFLICT',
  'MVCC_READ_CONFLICT',
  'ENDORSEMENT_POLICY_FAILURE',
  'RATE_LIMITED',
  'LEDGER_UNAVAILABLE',
  'STORAGE_UNAVAILABLE',
  'INTERNAL',
] as const;

/** A stable machine-readable error code. */
export type ErrorCode = (typeof ERROR_CODES)[number];

const CODE_SET: ReadonlySet<string> = new Set(ERROR_CODES);

/** True when `value` is one of the closed set of error codes. */
export function isErrorCode(value: unknown): value is ErrorCode {
  return typeof value === 'string' && CODE_SET.has(value);
}

/** Optional structured detail attached to an error (never personal data). */
export type ErrorDetails = Readonly<Record<string, string | number | boolean | null | readonly string[]>>;

/** Marker that prefixes the JSON form of an error inside a chaincode error message. */
export const WIRE_MARKER = 'LLERR';

/** The single error class of the project. */
export class LicenceError extends Error {
  override readonly name = 'LicenceError';

  constructor(
    readonly code: ErrorCode,
    message: string,
    readonly details?: ErrorDetails,
  ) {
    super(message);
  }

  /** The form that crosses the Fabric boundary: `LLERR {"code":…,"message":…,"details":…}`. */
  toWire(): string {
    return `${WIRE_MARKER} ${JSON.stringify({ code: this.code, message: this.message, details: this.details ?? null })}`;
  }

  /**
   * Finds a wire-form error anywhere in `text` (Fabric wraps chaincode messages in its own prose,
   * e.g. "chaincode response 500, LLERR {...}") and rebuilds it; undefined when there is none.
   */
  static fromWire(text: string): LicenceError | undefined {
    const marker = `${WIRE_MARKER} {`;
    for (let at = text.indexOf(marker); at >= 0; at = text.indexOf(marker, at + 1)) {
      const found = parseWireObject(extractJsonObject(text, at + WIRE_MARKER.length + 1));
      if (found) return found;
    }
    return undefined;
  }
}

function parseWireObject(json: string | undefined): LicenceError | undefined {
  if (json === undefined) return undefined;
  try {
    const parsed: unknown = JSON.parse(json);
    if (typeof parsed !== 'object' || parsed === null) return undefined;
    const { code, message, details } = parsed as { code?: unknown; message?: unknown; details?: unknown };
    if (!isErrorCode(code) || typeof message !== 'string') return undefined;
    return new LicenceError(code, message, isDetails(details) ? details : undefined);
  } catch {
    return undefined;
  }
}

function isDetails(value: unknown): value is ErrorDetails {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Returns the balanced JSON object starting at `start` (which must be '{'), honouring strings. */
function extractJsonObject(text: string, start: number): string | undefined {
  let depth = 0;
  let inString = false;
  for (let i = start; i < text.length; i++) {
    const ch = text[i];
    if (inString) {
      if (ch === '\\') i++;
      else if (ch === '"') inString = false;
      continue;
    }
    if (ch === '"') inString = true;
    else if (ch === '{') depth++;
    else if (ch === '}') {
      depth--;
      if (depth === 0) return text.slice(start, i + 1);
    }
  }
  return undefined;
}

/** Shorthand used by validators: throws a LicenceError with the given code. */
export function fail(code: ErrorCode, message: string, details?: ErrorDetails): never {
  throw new LicenceError(code, message, details);
}

/** One invalid input location: a JSON pointer and what is wrong there. */
export interface FieldError {
  readonly path: string;
  readonly message: string;
}

/**
 * Packs field errors into LicenceError details (which hold only flat values), in the one form that
 * the gateway's problem handler turns into the `errors` list of a problem+json body.
 */
export function fieldErrorDetails(errors: readonly FieldError[]): { paths: string[]; messages: string[] } {
  return { paths: errors.map((e) => e.path), messages: errors.map((e) => e.message) };
}

/** Unpacks field errors stored by {@link fieldErrorDetails}; undefined when there are none. */
export function fieldErrorsOf(error: LicenceError): FieldError[] | undefined {
  const paths = error.details?.paths;
  const messages = error.details?.messages;
  if (!Array.isArray(paths) || !Array.isArray(messages)) return undefined;
  return paths.map((path: string, i) => ({ path, message: String(messages[i] ?? '') }));
}

/**
 * The LicenceError that `fn` throws, or undefined when it returns. Any other error is rethrown, so a
 * caller (typically a test) never mistakes a bug for a refusal.
 */
export function thrownLicenceError(fn: () => unknown): LicenceError | undefined {
  try {
    fn();
  } catch (error) {
    if (error instanceof LicenceError) return error;
    throw error;
  }
  return undefined;
}

/** The LicenceError that `promise` rejects with, or undefined when it resolves; other rejections propagate. */
export async function rejectedLicenceError(promise: Promise<unknown>): Promise<LicenceError | undefined> {
  try {
    await promise;
  } catch (error) {
    if (error instanceof LicenceError) return error;
    throw error;
  }
  return undefined;
}

/** The code of the LicenceError `fn` throws, or undefined when it returns; other errors propagate. */
export function thrownCode(fn: () => unknown): ErrorCode | undefined {
  return thrownLicenceError(fn)?.code;
}

/** The code of the LicenceError `promise` rejects with, or undefined when it resolves; other rejections propagate. */
export async function rejectionCode(promise: Promise<unknown>): Promise<ErrorCode | undefined> {
  return (await rejectedLicenceError(promise))?.code;
}
