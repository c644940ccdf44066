import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import { thrownLicenceError } from './errors';
import { isValidUscc, requireUsccOfProvince, usccCheckChar, validateUscc } from './uscc';

interface Vectors {
  valid: { value: string }[];
  checkChars: { first17: string; check: string }[];
  invalid: { value: unknown; code: string; reason: string }[];
}
const vectors = JSON.parse(
  readFileSync(join(__dirname, '..', 'test-vectors', 'uscc.json'), 'utf8'),
) as Vectors;

const CHARSET = '0123456789ABCDEFGHJKLMNPQRTUWXY';

describe('USCC vectors', () => {
  it.each(vectors.valid.map((v) => [v.value]))('accepts %s', (value) => {
    expect(validateUscc(value)).toBe(value);
    expect(isValidUscc(value)).toBe(true);
  });

  it.each(vectors.checkChars.map((v) => [v.first17, v.check]))(
    'check character of %s is %s',
    (first17, check) => {
      expect(usccCheckChar(first17)).toBe(check);
    },
  );

  it.each(vectors.invalid.map((v) => [JSON.stringify(v.value), v]))('rejects %s', (_label, v) => {
    const err = thrownLicenceError(() => validateUscc(v.value));
    expect(err?.code).toBe(v.code);
    expect(err?.details?.reason).toBe(v.reason);
    expect(isValidUscc(v.value)).toBe(false);
  });
});

describe('USCC check character', () => {
  it('follows the GB 32100 worked computation for 91350100M000100Y4', () => {
    // Values: 9 1 3 5 0 1 0 0 M(21) 0 0 0 1 0 0 Y(30) 4, weights 1 3 9 27 19 26 16 17 20 29 25 13 8 24 10 30 28:
    // 9 + 3 + 27 + 135 + 0 + 26 + 0 + 0 + 420 + 0 + 0 + 0 + 8 + 0 + 0 + 900 + 112 = 1640; 1640 mod 31 = 28; 31 - 28 = 3.
    expect(usccCheckChar('91350100M000100Y4')).toBe('3');
  });

  it('maps a remainder of 0 to the character 0', () => {
    // 9*1 + 1*3 + 3*9 + 5*27 + 1*26 + F(15)*28 = 620 = 20 * 31.
    expect(usccCheckChar('9135010000000000F')).toBe('0');
  });

  it('rejects a body that is not 17 charset characters', () => {
    expect(thrownLicenceError(() => usccCheckChar('1144000MB2C93756'))?.code).toBe('INVALID_USCC');
    expect(thrownLicenceError(() => usccCheckChar('11440000MB2C9375I'))?.code).toBe('INVALID_USCC');
    expect(thrownLicenceError(() => usccCheckChar(17 as unknown as string))?.code).toBe('INVALID_USCC');
  });
});

const usccArb = fc
  .tuple(
    fc.constantFrom(...'123456789ANY'),
    fc.constantFrom(...CHARSET),
    fc.stringMatching(/^[0-9]{6}$/),
    fc.array(fc.constantFrom(...CHARSET), { minLength: 9, maxLength: 9 }),
  )
  .map(([a, b, division, org]) => {
    const body = `${a}${b}${division}${org.join('')}`;
    return body + usccCheckChar(body);
  });

describe('USCC properties', () => {
  it('accepts every code built with its check character', () => {
    fc.assert(fc.property(usccArb, (code) => expect(validateUscc(code)).toBe(code)));
  });

  it('rejects every single-character substitution', () => {
    fc.assert(
      fc.property(usccArb, fc.nat(17), fc.constantFrom(...`${CHARSET}IOSVZabx -`), (code, at, ch) => {
        fc.pre(code.charAt(at) !== ch);
        const tampered = code.slice(0, at) + ch + code.slice(at + 1);
        expect(isValidUscc(tampered)).toBe(false);
      }),
    );
  });

  it('rejects every single-character substitution of a demo code, exhaustively', () => {
    for (const { value } of vectors.valid) {
      for (let at = 0; at < 18; at++) {
        for (const ch of CHARSET) {
          if (ch === value.charAt(at)) continue;
          expect(isValidUscc(value.slice(0, at) + ch + value.slice(at + 1))).toBe(false);
        }
      }
    }
  });

  it('never throws anything but INVALID_USCC', () => {
    fc.assert(
      fc.property(fc.oneof(fc.string({ maxLength: 20 }), fc.anything()), (value) => {
        const err = thrownLicenceError(() => validateUscc(value));
        if (err !== undefined) expect(err.code).toBe('INVALID_USCC');
      }),
    );
  });
});

describe('which province may register a USCC', () => {
  const uscc = (first17: string): string => first17 + usccCheckChar(first17);

  it.each([
    ['a provincial authority of the same province', '11440000MB2C93756', '440000'],
    ['a city authority of the same province', '11440100MB2D15098', '440000'],
    ['a district authority of the same municipality', '11110105MB1E72869', '110000'],
    ['a national registration authority (100000), any province', '91100000M00010001', '330000'],
  ])('lets %s register', (_what, first17, provinceCode) => {
    expect(() => requireUsccOfProvince(uscc(first17), provinceCode)).not.toThrow();
  });

  it.each([
    ['Fujian (350100) in Zhejiang', '91350100M000100Y4', '330000'],
    ['Zhejiang (330000) in Guangdong', '11330000MB1F22343', '440000'],
    ['Guangdong (440100) in Beijing', '11440100MB2D15098', '110000'],
    ['a local code that only starts with 10 (100100)', '91100100M00010001', '440000'],
  ])('refuses %s with ACCESS_DENIED', (_what, first17, provinceCode) => {
    const err = thrownLicenceError(() => requireUsccOfProvince(uscc(first17), provinceCode));
    expect(err?.code).toBe('ACCESS_DENIED');
    expect(err?.details?.reason).toBe('usccRegion');
  });

  it('refuses a malformed USCC as INVALID_USCC, whatever its region', () => {
    expect(thrownLicenceError(() => requireUsccOfProvince('11440000MB2C93756K', '440000'))?.code).toBe(
      'INVALID_USCC',
    );
  });
});
