import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import { citizenIdCheckChar, isValidCitizenId, validateCitizenId } from './citizen-id';
import { thrownLicenceError } from './errors';

interface Vectors {
  now: string;
  valid: { value: string; normalised: string }[];
  checkChars: { first17: string; check: string }[];
  invalid: { value: unknown; code: string; reason: string }[];
}
const vectors = JSON.parse(
  readFileSync(join(__dirname, '..', 'test-vectors', 'citizen-ids.json'), 'utf8'),
) as Vectors;
const NOW = new Date(vectors.now);

describe('citizen ID vectors', () => {
  it.each(vectors.valid.map((v) => [v.value, v.normalised]))('accepts %s as %s', (value, normalised) => {
    expect(validateCitizenId(value, NOW)).toBe(normalised);
    expect(isValidCitizenId(value, NOW)).toBe(true);
  });

  it.each(vectors.checkChars.map((v) => [v.first17, v.check]))(
    'check character of %s is %s',
    (first17, check) => {
      expect(citizenIdCheckChar(first17)).toBe(check);
    },
  );

  it.each(vectors.invalid.map((v) => [String(v.value), v]))('rejects %s', (_label, v) => {
    const err = thrownLicenceError(() => validateCitizenId(v.value, NOW));
    expect(err?.code).toBe(v.code);
    expect(err?.details?.reason).toBe(v.reason);
    expect(isValidCitizenId(v.value, NOW)).toBe(false);
  });
});

describe('citizen ID rules', () => {
  it('computes the GB 11643 worked example by hand', () => {
    // 1 1 0 1 0 5 1 9 4 9 1 2 3 1 0 0 2 × 7 9 10 5 8 4 2 1 6 3 7 9 10 5 8 4 2
    // = 7+9+0+5+0+20+2+9+24+27+7+18+30+5+0+0+4 = 167; 167 mod 11 = 2 -> "10X98765432"[2] = X.
    expect(citizenIdCheckChar('11010519491231002')).toBe('X');
  });

  it('rejects a body that is not 17 digits', () => {
    expect(thrownLicenceError(() => citizenIdCheckChar('1101051949123100'))?.code).toBe('INVALID_CITIZEN_ID');
    expect(thrownLicenceError(() => citizenIdCheckChar('1101051949123100X'))?.code).toBe(
      'INVALID_CITIZEN_ID',
    );
  });

  it('judges "not in the future" by the calendar date in China Standard Time', () => {
    const id = '110105202611210014'; // born 2026-11-21
    // 2026-11-20T17:00Z is already 21 November in Beijing (01:00 +08:00).
    expect(isValidCitizenId(id, new Date('2026-11-20T17:00:00Z'))).toBe(true);
    expect(
      thrownLicenceError(() => validateCitizenId(id, new Date('2026-11-20T15:59:59.999Z')))?.details?.reason,
    ).toBe('birthDate');
  });

  it('uses the current time by default', () => {
    expect(isValidCitizenId('11010519491231002X')).toBe(true);
    expect(isValidCitizenId('110105299912310017')).toBe(false);
  });

  it('never puts the number in the message or details', () => {
    for (const v of vectors.invalid) {
      if (typeof v.value !== 'string') continue;
      const err = thrownLicenceError(() => validateCitizenId(v.value, NOW));
      expect(err?.message).not.toContain(v.value.slice(0, 14));
      expect(JSON.stringify(err?.details)).not.toContain(v.value.slice(6, 14));
    }
  });
});

const birthDate = fc
  .date({ min: new Date('1800-01-01T00:00:00Z'), max: new Date('2026-11-20T00:00:00Z'), noInvalidDate: true })
  .map((d) => d.toISOString().slice(0, 10).replace(/-/g, ''));
const idArb = fc
  .tuple(
    fc.constantFrom('11', '31', '44', '54', '65', '71', '82'),
    fc.stringMatching(/^[0-9]{4}$/),
    birthDate,
    fc.stringMatching(/^[0-9]{3}$/),
  )
  .map(([prov, area, birth, seq]) => {
    const body = `${prov}${area}${birth}${seq}`;
    return body + citizenIdCheckChar(body);
  });

describe('citizen ID properties', () => {
  it('accepts every synthetic number built with its check character', () => {
    fc.assert(fc.property(idArb, (id) => expect(validateCitizenId(id, NOW)).toBe(id)));
  });

  it('rejects every single-character substitution (except x for X, the same number)', () => {
    fc.assert(
      fc.property(idArb, fc.nat(17), fc.constantFrom(...'0123456789XxA -'), (id, at, ch) => {
        fc.pre(id.charAt(at) !== ch);
        fc.pre(!(at === 17 && id.charAt(17) === 'X' && ch === 'x'));
        const tampered = id.slice(0, at) + ch + id.slice(at + 1);
        expect(isValidCitizenId(tampered, NOW)).toBe(false);
      }),
    );
  });

  it('never throws anything but INVALID_CITIZEN_ID', () => {
    fc.assert(
      fc.property(fc.oneof(fc.stringMatching(/^[0-9]{17}[0-9Xx]$/), fc.anything()), (value) => {
        const err = thrownLicenceError(() => validateCitizenId(value, NOW));
        if (err !== undefined) expect(err.code).toBe('INVALID_CITIZEN_ID');
      }),
    );
  });
});
