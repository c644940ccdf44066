/**
 * GB/T 36904 licence identifiers: `1.2.156.3005.2.<type code>.<issuer USCC>.<serial>.<version>.<check>`,
 * with an ISO/IEC 7064 MOD 37,36 check character over type code + issuer USCC + serial + version.
 */
import { LicenceError, fail } from './errors';
import { validateUscc } from './uscc';

/** The fixed OID arc every licence identifier starts with. */
export const LICENCE_ID_PREFIX = '1.2.156.3005.2.';
/** Longest licence identifier accepted. */
export const LICENCE_ID_MAX_LENGTH = 128;

const ALPHABET = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ';
const M = 36;
const SEGMENT = /^[0-9A-Z]{1,32}$/;
const ALPHANUMERIC = /^[0-9A-Z]*$/;

/** The parts of a licence identifier. */
export interface LicenceIdParts {
  readonly typeCode: string;
  readonly issuerUscc: string;
  readonly serial: string;
  /** 1..999, written as three digits. */
  readonly version: number;
}

/** A parsed licence identifier. */
export interface ParsedLicenceId extends LicenceIdParts {
  readonly check: string;
}

/**
 * Runs the hybrid system over `data` and returns the intermediate value P (1..36) that the check
 * character must complement: for each character S = (P + value) mod 36 (0 read as 36), P = 2S mod 37.
 */
function hybridState(data: string): number {
  let p = M;
  for (const ch of data) {
    const value = ALPHABET.indexOf(ch);
    if (value < 0) fail('INVALID_ARGUMENT', 'MOD 37,36 input must be characters 0-9 and A-Z');
    const s = (p + value) % M || M;
    p = (s * 2) % (M + 1);
  }
  return p;
}

/** The ISO/IEC 7064 MOD 37,36 (hybrid) check character of `data` (characters 0-9, A-Z). */
export function mod37_36CheckChar(data: string): string {
  // The check character c makes (P + c) mod 36 = 1.
  return ALPHABET.charAt((M + 1 - hybridState(data)) % M);
}

/** True when the last character of `dataWithCheck` is its correct MOD 37,36 check character. */
export function mod37_36IsValid(dataWithCheck: string): boolean {
  if (typeof dataWithCheck !== 'string' || dataWithCheck.length < 2 || !ALPHANUMERIC.test(dataWithCheck)) {
    return false;
  }
  const check = ALPHABET.indexOf(dataWithCheck.charAt(dataWithCheck.length - 1));
  return (hybridState(dataWithCheck.slice(0, -1)) + check) % M === 1;
}

/** Builds a licence identifier, computing its check character; INVALID_IDENTIFIER for bad parts. */
export function buildLicenceId(parts: LicenceIdParts): string {
  const { typeCode, issuerUscc, serial, version } = parts;
  checkSegment(typeCode, 'type code');
  checkSegment(serial, 'serial');
  checkIssuer(issuerUscc);
  if (!Number.isInteger(version) || version < 1 || version > 999) {
    fail('INVALID_IDENTIFIER', 'the licence version is an integer from 1 to 999', { reason: 'version' });
  }
  const versionText = String(version).padStart(3, '0');
  const check = mod37_36CheckChar(typeCode + issuerUscc + serial + versionText);
  // At most 15 + 32 + 18 + 32 + 3 + 1 + 4 dots = 105 characters, within LICENCE_ID_MAX_LENGTH.
  return `${LICENCE_ID_PREFIX}${typeCode}.${issuerUscc}.${serial}.${versionText}.${check}`;
}

/** Parses and checks a licence identifier; throws INVALID_IDENTIFIER naming the first problem. */
export function parseLicenceId(id: unknown): ParsedLicenceId {
  if (typeof id !== 'string')
    fail('INVALID_IDENTIFIER', 'a licence identifier must be a string', { reason: 'type' });
  if (id.length > LICENCE_ID_MAX_LENGTH) {
    fail('INVALID_IDENTIFIER', `a licence identifier has at most ${LICENCE_ID_MAX_LENGTH} characters`, {
      reason: 'length',
    });
  }
  if (!id.startsWith(LICENCE_ID_PREFIX)) {
    fail('INVALID_IDENTIFIER', `a licence identifier starts with ${LICENCE_ID_PREFIX}`, { reason: 'prefix' });
  }
  const segments = id.slice(LICENCE_ID_PREFIX.length).split('.');
  if (segments.length !== 5) {
    fail(
      'INVALID_IDENTIFIER',
      'a licence identifier has five parts after the prefix: type code, issuer USCC, serial, version, check',
      { reason: 'structure' },
    );
  }
  const [typeCode = '', issuerUscc = '', serial = '', versionText = '', check = ''] = segments;
  checkSegment(typeCode, 'type code');
  checkIssuer(issuerUscc);
  checkSegment(serial, 'serial');
  if (!/^[0-9]{3}$/.test(versionText) || versionText === '000') {
    fail('INVALID_IDENTIFIER', 'the licence version is three digits from 001 to 999', { reason: 'version' });
  }
  if (!/^[0-9A-Z]$/.test(check)) {
    fail('INVALID_IDENTIFIER', 'the check part is one character 0-9 or A-Z', { reason: 'check' });
  }
  if (!mod37_36IsValid(typeCode + issuerUscc + serial + versionText + check)) {
    fail('INVALID_IDENTIFIER', 'the licence identifier check character does not match (mistyped?)', {
      reason: 'check',
    });
  }
  return { typeCode, issuerUscc, serial, version: Number(versionText), check };
}

/** True when `id` is a well-formed licence identifier with a correct check character. */
export function isValidLicenceId(id: unknown): boolean {
  try {
    parseLicenceId(id);
    return true;
  } catch {
    return false;
  }
}

function checkSegment(value: unknown, what: string): asserts value is string {
  if (typeof value !== 'string' || !SEGMENT.test(value)) {
    fail('INVALID_IDENTIFIER', `the ${what} is 1 to 32 characters 0-9 or A-Z`, {
      reason: what === 'serial' ? 'serial' : 'typeCode',
    });
  }
}

function checkIssuer(value: unknown): asserts value is string {
  try {
    validateUscc(value);
  } catch (err) {
    const reason = err instanceof LicenceError ? err.details?.reason : undefined;
    fail('INVALID_IDENTIFIER', 'the issuer part of a licence identifier is not a valid USCC', {
      reason: 'issuer',
      usccReason: typeof reason === 'string' ? reason : null,
    });
  }
}
