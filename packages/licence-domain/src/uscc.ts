/**
 * GB 32100-2015 unified social credit code (统一社会信用代码): 18 characters — registration
 * authority, organisation category, 6-digit administrative division, 9-character organisation
 * code, and a MOD 31 check character.
 */
import { fail } from './errors';

const CHARSET = '0123456789ABCDEFGHJKLMNPQRTUWXY';
const WEIGHTS = [1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28] as const;
const SHAPE = /^[0-9ABCDEFGHJKLMNPQRTUWXY]{18}$/;
const BODY = /^[0-9ABCDEFGHJKLMNPQRTUWXY]{17}$/;
/**
 * Registration authority codes (登记管理部门码): 1 机构编制, 5 民政, 9 工商 and Y 其他 from the
 * standard's table, plus the codes assigned since (2 外交, 3 司法行政, 4 文化, 6 旅游, 7 宗教,
 * 8 工会, A 中央军委改革和编制办公室, N 农业).
 */
const AUTHORITIES = '123456789ANY';

/** The GB 32100 check character for the first 17 characters of a USCC. */
export function usccCheckChar(first17: string): string {
  if (typeof first17 !== 'string' || !BODY.test(first17)) {
    fail('INVALID_USCC', 'a USCC body is 17 characters from 0-9 and A-Y without I, O, S, V, Z', {
      reason: 'charset',
    });
  }
  let sum = 0;
  for (let i = 0; i < 17; i++) sum += CHARSET.indexOf(first17.charAt(i)) * (WEIGHTS[i] ?? 0);
  return CHARSET.charAt((31 - (sum % 31)) % 31);
}

/** Returns `value` when it is a valid USCC; otherwise throws INVALID_USCC saying what is wrong. */
export function validateUscc(value: unknown): string {
  if (typeof value !== 'string') fail('INVALID_USCC', 'a USCC must be a string', { reason: 'type' });
  if (value.length !== 18) {
    fail('INVALID_USCC', `a USCC has 18 characters, not ${value.length}`, { reason: 'length' });
  }
  if (!SHAPE.test(value)) {
    fail('INVALID_USCC', 'a USCC uses only 0-9 and the upper-case letters A-Y except I, O, S, V and Z', {
      reason: 'charset',
    });
  }
  if (!AUTHORITIES.includes(value.charAt(0))) {
    fail('INVALID_USCC', `'${value.charAt(0)}' is not a registration authority code`, {
      reason: 'authority',
    });
  }
  if (!/^[0-9]{6}$/.test(value.slice(2, 8))) {
    fail('INVALID_USCC', 'characters 3 to 8 of a USCC are a 6-digit administrative division code', {
      reason: 'division',
    });
  }
  const expected = usccCheckChar(value.slice(0, 17));
  if (value.charAt(17) !== expected) {
    fail('INVALID_USCC', 'the USCC check character does not match (mistyped code?)', { reason: 'check' });
  }
  return value;
}

/** True when `value` is a valid USCC. */
export function isValidUscc(value: unknown): boolean {
  try {
    validateUscc(value);
    return true;
  } catch {
    return false;
  }
}

/** The region code of a USCC registered by a national (not a provincial or local) registration authority. */
export const NATIONAL_USCC_REGION = '100000';

/**
 * Refuses to let the province with GB/T 2260 code `provinceCode` (e.g. 440000) register the agency
 * `uscc` unless the USCC was issued there: its registration authority's region (characters 3 to 8)
 * lies in that province (same first two digits), or it is 100000, a national registration authority,
 * whose bodies any province may register. INVALID_USCC for a malformed USCC; ACCESS_DENIED (reason
 * 'usccRegion') for one issued elsewhere.
 */
export function requireUsccOfProvince(uscc: string, provinceCode: string): void {
  const region = validateUscc(uscc).slice(2, 8);
  if (region === NATIONAL_USCC_REGION) return;
  if (region.slice(0, 2) !== provinceCode.slice(0, 2)) {
    fail('ACCESS_DENIED', "the USCC was issued in another province's region; that province registers it", {
      reason: 'usccRegion',
      region,
      provinceCode,
    });
  }
}
