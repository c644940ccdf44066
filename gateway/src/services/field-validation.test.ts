import fc from 'fast-check';
import { LicenceError, citizenIdCheckChar, fieldErrorsOf, thrownCode } from '@licence-ledger/domain';
import type { LicenceType } from '@licence-ledger/domain';
import { DRIVING_LICENCE, FOOD_PERMIT } from '../demo/catalogue';
import { isIsoDate, validateFields } from './field-validation';

const driving: LicenceType = {
  ...DRIVING_LICENCE,
  docType: 'licenceType',
  addedAt: '2026-01-01T00:00:00.000Z',
};
const food: LicenceType = { ...FOOD_PERMIT, docType: 'licenceType', addedAt: '2026-01-01T00:00:00.000Z' };
const body17 = '44010619900307123';
const citizenId = body17 + citizenIdCheckChar(body17);

const goodDriving = { name: '张三', idNo: citizenId, class: 'C1', firstIssued: '2012-05-04' };

describe('validateFields', () => {
  it('accepts a complete driving licence and returns the holder id', () => {
    const result = validateFields(driving, goodDriving);
    expect(result.holderId).toBe(citizenId);
    expect(result.fields).toEqual(goodDriving);
  });

  it('normalises a lower-case x in a citizen ID', () => {
    const body = '44010619900307108';
    expect(citizenIdCheckChar(body)).toBe('X');
    const result = validateFields(driving, { ...goodDriving, idNo: `${body}x` });
    expect(result.holderId).toBe(`${body}X`);
  });

  it('rejects a missing required field, an unknown field, a wrong type and a pattern mismatch', () => {
    const withoutName: Record<string, unknown> = { ...goodDriving };
    delete withoutName.name;
    expect(thrownCode(() => validateFields(driving, withoutName))).toBe('SCHEMA_VIOLATION');
    expect(thrownCode(() => validateFields(driving, { ...goodDriving, extra: 'x' }))).toBe(
      'SCHEMA_VIOLATION',
    );
    expect(thrownCode(() => validateFields(driving, { ...goodDriving, points: '3' }))).toBe(
      'SCHEMA_VIOLATION',
    );
    expect(thrownCode(() => validateFields(driving, { ...goodDriving, class: 'Z9' }))).toBe(
      'SCHEMA_VIOLATION',
    );
    expect(thrownCode(() => validateFields(driving, { ...goodDriving, firstIssued: '2012-02-30' }))).toBe(
      'SCHEMA_VIOLATION',
    );
    expect(thrownCode(() => validateFields(driving, { ...goodDriving, name: 'x'.repeat(51) }))).toBe(
      'SCHEMA_VIOLATION',
    );
    expect(thrownCode(() => validateFields(driving, null))).toBe('SCHEMA_VIOLATION');
    expect(thrownCode(() => validateFields(driving, ['a']))).toBe('SCHEMA_VIOLATION');
  });

  it('lists every problem as field errors the problem handler shows (regression: they were dropped)', () => {
    try {
      validateFields(driving, { extra: 1 });
      throw new Error('expected a failure');
    } catch (error) {
      expect(error).toBeInstanceOf(LicenceError);
      const errors = fieldErrorsOf(error as LicenceError) ?? [];
      expect(errors).toHaveLength(5);
      expect(errors).toContainEqual({
        path: '/fields/extra',
        message: 'is not a field of this licence type',
      });
    }
  });

  it('validates the holder id by holder kind', () => {
    expect(thrownCode(() => validateFields(driving, { ...goodDriving, idNo: '99010619900307123X' }))).toBe(
      'INVALID_CITIZEN_ID',
    );
    const badCheck = body17 + (citizenIdCheckChar(body17) === '0' ? '1' : '0');
    expect(thrownCode(() => validateFields(driving, { ...goodDriving, idNo: badCheck }))).toBe(
      'INVALID_CITIZEN_ID',
    );
    const permit = {
      operator: '某某餐饮有限公司',
      uscc: '91350100M000100Y43',
      legalRep: '李四',
      address: '广州市天河区',
      category: '餐饮服务经营者',
    };
    expect(validateFields(food, permit).holderId).toBe('91350100M000100Y43');
    expect(thrownCode(() => validateFields(food, { ...permit, uscc: '91350100M000100Y44' }))).toBe(
      'INVALID_USCC',
    );
  });

  it('never throws anything but a LicenceError, whatever the input', () => {
    fc.assert(
      fc.property(fc.anything(), (input) => {
        const code = thrownCode(() => validateFields(driving, input));
        expect(code).not.toBeUndefined();
      }),
    );
    fc.assert(
      fc.property(
        fc.record({
          name: fc.anything(),
          idNo: fc.anything(),
          class: fc.anything(),
          firstIssued: fc.anything(),
        }),
        (input) => {
          thrownCode(() => validateFields(driving, input));
        },
      ),
    );
  });
});

describe('isIsoDate', () => {
  it('agrees with the calendar for every day of a leap and a common year', () => {
    fc.assert(
      fc.property(
        fc.date({ min: new Date('1900-01-01'), max: new Date('2100-12-31'), noInvalidDate: true }),
        (d) => {
          expect(isIsoDate(d.toISOString().slice(0, 10))).toBe(true);
        },
      ),
    );
    expect(isIsoDate('2024-02-29')).toBe(true);
    expect(isIsoDate('2023-02-29')).toBe(false);
    expect(isIsoDate('2023-13-01')).toBe(false);
    expect(isIsoDate('20230101')).toBe(false);
  });
});
