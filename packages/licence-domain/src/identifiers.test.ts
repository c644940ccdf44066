import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import { thrownLicenceError } from './errors';
import {
  LICENCE_ID_PREFIX,
  buildLicenceId,
  isValidLicenceId,
  mod37_36CheckChar,
  mod37_36IsValid,
  parseLicenceId,
} from './identifiers';
import { usccCheckChar } from './uscc';

interface Parts {
  typeCode: string;
  issuerUscc: string;
  serial: string;
  version: number;
  check: string;
}
interface Vectors {
  mod37_36: { published: { data: string; check: string }[] };
  valid: { id: string; parts: Parts }[];
  invalid: { id: unknown; code: string; reason: string }[];
}
const vectors = JSON.parse(
  readFileSync(join(__dirname, '..', 'test-vectors', 'licence-ids.json'), 'utf8'),
) as Vectors;

const ALPHABET = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ';

describe('ISO/IEC 7064 MOD 37,36', () => {
  it.each(vectors.mod37_36.published.map((v) => [v.data, v.check]))(
    'published example %s -> %s',
    (data, check) => {
      expect(mod37_36CheckChar(data)).toBe(check);
      expect(mod37_36IsValid(data + check)).toBe(true);
    },
  );

  it('follows a worked example step by step', () => {
    // P starts at 36. For each character: S = (P + value) mod 36, with 0 read as 36; P = 2S mod 37.
    // J=19: S = 55 mod 36 = 19, P = 38 mod 37 = 1
    // S=28: S = 29,              P = 58 mod 37 = 21
    // Z=35: S = 56 mod 36 = 20,  P = 40 mod 37 = 3
    // 1=1:  S = 4,               P = 8
    // The check value c makes (P + c) mod 36 = 1: c = 29 = 'T'.
    expect(mod37_36CheckChar('JSZ1')).toBe('T');
    expect(mod37_36IsValid('JSZ1T')).toBe(true);
  });

  it('reads a running sum of 0 as 36', () => {
    // 0: S = 36 mod 36 = 0 -> 36, P = 72 mod 37 = 35; (35 + c) mod 36 = 1 gives c = 2.
    expect(mod37_36CheckChar('0')).toBe('2');
    // J alone leaves P = 1, so the check value is 0.
    expect(mod37_36CheckChar('J')).toBe('0');
    expect(mod37_36CheckChar('')).toBe('1');
  });

  it('rejects characters outside 0-9, A-Z', () => {
    expect(thrownLicenceError(() => mod37_36CheckChar('ab'))?.code).toBe('INVALID_ARGUMENT');
    expect(thrownLicenceError(() => mod37_36CheckChar('A.B'))?.code).toBe('INVALID_ARGUMENT');
    expect(mod37_36IsValid('a12425GABC1234002M')).toBe(false);
    expect(mod37_36IsValid('M')).toBe(false);
    expect(mod37_36IsValid(42 as unknown as string)).toBe(false);
  });

  it('has exactly one valid check character for any data', () => {
    fc.assert(
      fc.property(fc.string({ unit: fc.constantFrom(...ALPHABET), minLength: 1, maxLength: 40 }), (data) => {
        const valid = [...ALPHABET].filter((c) => mod37_36IsValid(data + c));
        expect(valid).toEqual([mod37_36CheckChar(data)]);
      }),
    );
  });

  it('detects every single-character substitution, exhaustively after every state', () => {
    // One leading character reaches each of the 36 intermediate states.
    const accepted: string[] = [];
    for (const lead of ALPHABET) {
      for (const x of ALPHABET) {
        const valid = lead + x + mod37_36CheckChar(lead + x);
        for (let at = 0; at < valid.length; at++) {
          for (const y of ALPHABET) {
            const tampered = valid.slice(0, at) + y + valid.slice(at + 1);
            if (y !== valid.charAt(at) && mod37_36IsValid(tampered)) accepted.push(tampered);
          }
        }
      }
    }
    expect(accepted).toEqual([]);
  });

  /**
   * The hybrid system is not a perfect transposition detector. Swapping neighbours x, y goes
   * unnoticed exactly when, with P the state before them, (P + x) mod 36 and (P + y) mod 36 are 18
   * and 19: both orders then lead to the same next state (2·18 = 36, then 36 + 19 ≡ 19; 2·19 ≡ 1,
   * then 1 + 18 = 19). That is 2 of the 1260 ordered pairs per state (about 0.16%).
   */
  function blindSpot(prefix: string, x: string, y: string): boolean {
    let p = 36;
    for (const ch of prefix) p = (((p + ALPHABET.indexOf(ch)) % 36 || 36) * 2) % 37;
    const sums = [(p + ALPHABET.indexOf(x)) % 36, (p + ALPHABET.indexOf(y)) % 36].sort((a, b) => a - b);
    return sums[0] === 18 && sums[1] === 19;
  }

  it('detects every adjacent transposition except the documented blind spot, exhaustively', () => {
    let undetected = 0;
    const mismatches: string[] = [];
    for (const lead of ALPHABET) {
      for (const a of ALPHABET) {
        for (const b of ALPHABET) {
          if (a === b) continue;
          const accepted = mod37_36IsValid(lead + b + a + mod37_36CheckChar(lead + a + b));
          if (accepted) undetected++;
          if (accepted !== blindSpot(lead, a, b)) mismatches.push(lead + a + b);
        }
        // Swapping the last data character with the check character.
        const c = mod37_36CheckChar(lead + a);
        if (c !== a && mod37_36IsValid(lead + c + a) !== blindSpot(lead, a, c)) mismatches.push(lead + a + c);
      }
    }
    expect(mismatches).toEqual([]);
    expect(undetected).toBe(36 * 2);
  });

  it('detects random adjacent transpositions in long strings unless in the blind spot', () => {
    fc.assert(
      fc.property(
        fc.string({ unit: fc.constantFrom(...ALPHABET), minLength: 2, maxLength: 60 }),
        fc.nat(),
        (data, n) => {
          const full = data + mod37_36CheckChar(data);
          const i = n % (full.length - 1);
          const x = full.charAt(i);
          const y = full.charAt(i + 1);
          fc.pre(x !== y);
          const swapped = full.slice(0, i) + y + x + full.slice(i + 2);
          expect(mod37_36IsValid(swapped)).toBe(blindSpot(full.slice(0, i), x, y));
        },
      ),
    );
  });
});

describe('licence identifier vectors', () => {
  it.each(vectors.valid.map((v) => [v.id, v.parts]))('parses %s', (id, parts) => {
    expect(parseLicenceId(id)).toEqual(parts);
    expect(isValidLicenceId(id)).toBe(true);
    const { check: _check, ...buildParts } = parts;
    expect(buildLicenceId(buildParts)).toBe(id);
  });

  it.each(vectors.invalid.map((v) => [String(v.id), v]))('rejects %s', (_label, v) => {
    const err = thrownLicenceError(() => parseLicenceId(v.id));
    expect(err?.code).toBe(v.code);
    expect(err?.details?.reason).toBe(v.reason);
    expect(isValidLicenceId(v.id)).toBe(false);
  });

  it('rejects identifiers longer than 128 characters before parsing them', () => {
    const long = `${LICENCE_ID_PREFIX}${'A'.repeat(120)}`;
    expect(thrownLicenceError(() => parseLicenceId(long))?.details?.reason).toBe('length');
  });

  it('passes on why the issuer USCC is invalid', () => {
    const err = thrownLicenceError(() =>
      parseLicenceId('1.2.156.3005.2.JSZ.11440000MB2C93756K.2026000001.001.V'),
    );
    expect(err?.details).toEqual({ reason: 'issuer', usccReason: 'check' });
  });
});

describe('buildLicenceId', () => {
  const base = { typeCode: 'JSZ', issuerUscc: '11440000MB2C93756J', serial: '2026000001', version: 1 };

  it.each([
    ['an empty type code', { typeCode: '' }, 'typeCode'],
    ['a lower-case type code', { typeCode: 'jsz' }, 'typeCode'],
    ['a 33-character type code', { typeCode: 'A'.repeat(33) }, 'typeCode'],
    ['a dot in the serial', { serial: '2026.1' }, 'serial'],
    ['a 33-character serial', { serial: '1'.repeat(33) }, 'serial'],
    ['an invalid issuer', { issuerUscc: '11440000MB2C93756K' }, 'issuer'],
    ['version 0', { version: 0 }, 'version'],
    ['version 1000', { version: 1000 }, 'version'],
    ['a fractional version', { version: 1.5 }, 'version'],
    ['a NaN version', { version: NaN }, 'version'],
  ])('refuses %s', (_name, change, reason) => {
    const err = thrownLicenceError(() => buildLicenceId({ ...base, ...change }));
    expect(err?.code).toBe('INVALID_IDENTIFIER');
    expect(err?.details?.reason).toBe(reason);
  });

  it('renders the version as three digits', () => {
    expect(buildLicenceId({ ...base, version: 7 })).toMatch(/\.007\.[0-9A-Z]$/);
    expect(buildLicenceId({ ...base, version: 42 })).toMatch(/\.042\.[0-9A-Z]$/);
  });
});

const USCC_CHARS = '0123456789ABCDEFGHJKLMNPQRTUWXY';
const segment = fc.string({ unit: fc.constantFrom(...ALPHABET), minLength: 1, maxLength: 32 });
const uscc = fc
  .tuple(
    fc.constantFrom(...'159Y'),
    fc.constantFrom(...USCC_CHARS),
    fc.stringMatching(/^[0-9]{6}$/),
    fc.string({ unit: fc.constantFrom(...USCC_CHARS), minLength: 9, maxLength: 9 }),
  )
  .map(([a, b, d, o]) => a + b + d + o + usccCheckChar(a + b + d + o));
const partsArb = fc.record({
  typeCode: segment,
  issuerUscc: uscc,
  serial: segment,
  version: fc.integer({ min: 1, max: 999 }),
});

describe('licence identifier properties', () => {
  it('parse(build(parts)) returns the parts', () => {
    fc.assert(
      fc.property(partsArb, (parts) => {
        const id = buildLicenceId(parts);
        expect(id.length).toBeLessThanOrEqual(128);
        expect(parseLicenceId(id)).toEqual({ ...parts, check: id.charAt(id.length - 1) });
      }),
    );
  });

  it('rejects every single-character substitution anywhere in the identifier', () => {
    fc.assert(
      fc.property(partsArb, fc.nat(), fc.constantFrom(...`${ALPHABET}.a-_ `), (parts, n, ch) => {
        const id = buildLicenceId(parts);
        const at = n % id.length;
        fc.pre(id.charAt(at) !== ch);
        expect(isValidLicenceId(id.slice(0, at) + ch + id.slice(at + 1))).toBe(false);
      }),
    );
  });

  it('rejects adjacent transpositions, the MOD 37,36 blind spot excepted', () => {
    fc.assert(
      fc.property(partsArb, fc.nat(), (parts, n) => {
        const id = buildLicenceId(parts);
        const at = n % (id.length - 1);
        const x = id.charAt(at);
        const y = id.charAt(at + 1);
        fc.pre(x !== y);
        const swapped = id.slice(0, at) + y + x + id.slice(at + 2);
        if (!isValidLicenceId(swapped)) return;
        // Accepted only when both characters lie in the checked data and fall in the blind spot.
        expect(x === '.' || y === '.').toBe(false);
        const checked = id.slice(LICENCE_ID_PREFIX.length).replace(/\./g, '');
        const offset = id.slice(LICENCE_ID_PREFIX.length, at).replace(/\./g, '').length;
        expect(blindSpotOf(checked.slice(0, offset), x, y)).toBe(true);
      }),
    );
  });

  it('never throws anything but INVALID_IDENTIFIER', () => {
    fc.assert(
      fc.property(fc.oneof(fc.string({ maxLength: 140 }), fc.anything()), (value) => {
        const err = thrownLicenceError(() => parseLicenceId(value));
        expect(err?.code).toBe('INVALID_IDENTIFIER');
      }),
    );
  });
});

function blindSpotOf(prefix: string, x: string, y: string): boolean {
  let p = 36;
  for (const ch of prefix) p = (((p + ALPHABET.indexOf(ch)) % 36 || 36) * 2) % 37;
  const sums = [(p + ALPHABET.indexOf(x)) % 36, (p + ALPHABET.indexOf(y)) % 36].sort((a, b) => a - b);
  return sums[0] === 18 && sums[1] === 19;
}
