import fc from 'fast-check';
import { thrownCode } from './errors';
import { PROVINCE_CODES, isValidProvinceCode, validateProvinceCode } from './province-code';

// Written out independently of the module: GB/T 2260 provincial-level prefixes.
const EXPECTED_PREFIXES = [
  11, 12, 13, 14, 15, 21, 22, 23, 31, 32, 33, 34, 35, 36, 37, 41, 42, 43, 44, 45, 46, 50, 51, 52, 53, 54, 61,
  62, 63, 64, 65, 71, 81, 82,
];

describe('PROVINCE_CODES', () => {
  it('lists exactly the 34 provincial-level divisions', () => {
    expect(Object.keys(PROVINCE_CODES).sort()).toEqual(EXPECTED_PREFIXES.map((p) => `${p}0000`));
  });

  it('names the demo provinces', () => {
    expect(PROVINCE_CODES['440000']).toMatchObject({ zh: '广东省', zhShort: '广东', en: 'Guangdong' });
    expect(PROVINCE_CODES['330000']).toMatchObject({ zh: '浙江省', en: 'Zhejiang' });
    expect(PROVINCE_CODES['110000']).toMatchObject({ zh: '北京市', zhShort: '北京', en: 'Beijing' });
    expect(PROVINCE_CODES['820000']).toMatchObject({ zhShort: '澳门', en: 'Macao' });
  });

  it('gives every division a short name contained in its full name', () => {
    for (const name of Object.values(PROVINCE_CODES)) {
      expect(name.zh.startsWith(name.zhShort)).toBe(true);
      expect(name.en).toMatch(/^[A-Z][a-z]+( [A-Z][a-z]+)?$/);
    }
  });

  it('cannot be modified', () => {
    expect(Object.isFrozen(PROVINCE_CODES)).toBe(true);
    expect(Object.isFrozen(PROVINCE_CODES['440000'])).toBe(true);
  });
});

describe('validateProvinceCode', () => {
  it.each(EXPECTED_PREFIXES.map((p) => [`${p}0000`]))('accepts %s', (code) => {
    expect(validateProvinceCode(code)).toBe(code);
    expect(isValidProvinceCode(code)).toBe(true);
  });

  it.each([
    ['a city code', '440100'],
    ['an unassigned prefix', '160000'],
    ['Taiwan residence-permit prefix (not a division)', '830000'],
    ['too short', '44000'],
    ['too long', '4400000'],
    ['letters', '44000A'],
    ['empty', ''],
    ['a number', 440000],
    ['null', null],
    ['an inherited property name', 'toString'],
    ['__proto__', '__proto__'],
  ])('rejects %s', (_name, value) => {
    expect(thrownCode(() => validateProvinceCode(value))).toBe('INVALID_PROVINCE_CODE');
    expect(isValidProvinceCode(value)).toBe(false);
  });

  it('agrees with isValidProvinceCode on any input', () => {
    fc.assert(
      fc.property(fc.oneof(fc.stringMatching(/^[0-9]{6}$/), fc.anything()), (value) => {
        expect(thrownCode(() => validateProvinceCode(value)) === undefined).toBe(isValidProvinceCode(value));
      }),
    );
  });
});
