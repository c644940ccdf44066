/**
 * GB 11643-1999 citizen identity number (公民身份号码): 6-digit address code, 8-digit birth date,
 * 3-digit sequence code and an ISO 7064 MOD 11-2 check character. The number is personal data, so
 * no message or detail produced here ever contains it.
 */
import { fail } from './errors';
import { PROVINCE_CODES } from './province-code';

const WEIGHTS = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2] as const;
const CHECK_MAP = '10X98765432';
const CHINA_OFFSET_MS = 8 * 60 * 60 * 1000;
/** Residence permits of Taiwan residents (台湾居民居住证) use address prefix 83, not a GB/T 2260 code. */
const EXTRA_PREFIXES: ReadonlySet<string> = new Set(['83']);

/** The MOD 11-2 check character ('0'-'9' or 'X') for the first 17 digits of a citizen ID. */
export function citizenIdCheckChar(first17: string): string {
  if (typeof first17 !== 'string' || !/^[0-9]{17}$/.test(first17)) {
    fail('INVALID_CITIZEN_ID', 'a citizen ID body is 17 digits', { reason: 'charset' });
  }
  let sum = 0;
  for (let i = 0; i < 17; i++) sum += Number(first17.charAt(i)) * (WEIGHTS[i] ?? 0);
  return CHECK_MAP.charAt(sum % 11);
}

/**
 * Returns the citizen ID in normal form (a lower-case check 'x' becomes 'X', as people often type
 * it) when it is valid at `now`; otherwise throws INVALID_CITIZEN_ID with `details.reason` one of
 * type, length, charset, province, birthDate, check.
 */
export function validateCitizenId(value: unknown, now: Date = new Date()): string {
  const reject = (reason: string, message: string): never => fail('INVALID_CITIZEN_ID', message, { reason });
  if (typeof value !== 'string') return reject('type', 'a citizen ID must be a string');
  if (value.length !== 18) return reject('length', 'a citizen ID has 18 characters');
  const id = value.endsWith('x') ? `${value.slice(0, 17)}X` : value;
  if (!/^[0-9]{17}[0-9X]$/.test(id)) {
    return reject('charset', 'a citizen ID is 17 digits followed by a digit or X');
  }
  const prefix = id.slice(0, 2);
  if (!Object.hasOwn(PROVINCE_CODES, `${prefix}0000`) && !EXTRA_PREFIXES.has(prefix)) {
    return reject('province', 'the first two digits of a citizen ID are not a province code');
  }
  if (!isPlausibleBirthDate(id.slice(6, 14), now)) {
    return reject('birthDate', 'digits 7 to 14 of a citizen ID are not a plausible birth date (YYYYMMDD)');
  }
  if (id.charAt(17) !== citizenIdCheckChar(id.slice(0, 17))) {
    return reject('check', 'the citizen ID check character does not match (mistyped number?)');
  }
  return id;
}

/** True when `value` is a valid citizen ID at `now` (lower-case 'x' accepted). */
export function isValidCitizenId(value: unknown, now: Date = new Date()): boolean {
  try {
    validateCitizenId(value, now);
    return true;
  } catch {
    return false;
  }
}

/**
 * The earliest birth year accepted. GB 11643's own worked example (440524188001010014) was born in
 * 1880, so 18xx is a real century of the format; earlier years cannot be a person's.
 */
export const EARLIEST_BIRTH_YEAR = 1800;

/** A real calendar date from 1800-01-01 up to today in China Standard Time. */
function isPlausibleBirthDate(yyyymmdd: string, now: Date): boolean {
  const year = Number(yyyymmdd.slice(0, 4));
  const month = Number(yyyymmdd.slice(4, 6));
  const day = Number(yyyymmdd.slice(6, 8));
  if (year < EARLIEST_BIRTH_YEAR || month < 1 || month > 12 || day < 1) return false;
  const date = new Date(Date.UTC(year, month - 1, day));
  if (date.getUTCMonth() !== month - 1 || date.getUTCDate() !== day) return false;
  const today = new Date(now.getTime() + CHINA_OFFSET_MS).toISOString().slice(0, 10).replace(/-/g, '');
  // Both sides are fixed-width YYYYMMDD digit strings, so string order is date order.
  return yyyymmdd <= today;
}
