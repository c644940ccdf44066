import fc from 'fast-check';
import { effectiveRule } from '@licence-ledger/domain';
import type { RecognitionRule } from '@licence-ledger/domain';
import { removesIssuer } from './recognition';

const msps = fc.uniqueArray(fc.constantFrom('GuangdongMSP', 'ZhejiangMSP', 'BeijingMSP', 'ShanghaiMSP'), {
  minLength: 1,
});

function rule(
  version: number,
  effectiveFrom: string,
  issuingMsps: string[],
  effectiveTo?: string,
): RecognitionRule {
  return {
    docType: 'recognitionRule',
    typeCode: 'DL01',
    recognisingMsp: 'ZhejiangMSP',
    issuingMsps,
    effectiveFrom,
    ...(effectiveTo === undefined ? {} : { effectiveTo }),
    version,
    publishedAt: effectiveFrom,
  };
}

describe('removesIssuer', () => {
  it('is false for the same set, any superset and the wildcard', () => {
    fc.assert(
      fc.property(msps, msps, (a, b) => {
        expect(removesIssuer(a, a)).toBe(false);
        expect(removesIssuer(a, [...new Set([...a, ...b])])).toBe(false);
        expect(removesIssuer(a, ['*'])).toBe(false);
      }),
    );
  });

  it('is true exactly when some previous issuer is missing', () => {
    fc.assert(fc.property(msps, msps, (a, b) => removesIssuer(a, b) === a.some((m) => !b.includes(m))));
  });

  it('treats replacing the wildcard by a list as narrowing', () => {
    fc.assert(fc.property(msps, (b) => removesIssuer(['*'], b)));
  });
});

describe('effectiveRule', () => {
  const history = [
    rule(1, '2026-01-01T00:00:00.000Z', ['GuangdongMSP']),
    rule(2, '2026-03-01T00:00:00.000Z', ['*']),
    rule(3, '2026-06-01T00:00:00.000Z', ['BeijingMSP'], '2026-12-01T00:00:00.000Z'),
  ];

  it.each([
    ['2025-12-31T23:59:59.999Z', 'GuangdongMSP', null],
    ['2026-01-01T00:00:00.000Z', 'GuangdongMSP', 1],
    ['2026-02-01T00:00:00.000Z', 'BeijingMSP', null],
    ['2026-03-01T00:00:00.000Z', 'BeijingMSP', 2],
    ['2026-06-01T00:00:00.000Z', 'GuangdongMSP', null],
    ['2026-06-01T00:00:00.000Z', 'BeijingMSP', 3],
    ['2026-12-01T00:00:00.000Z', 'BeijingMSP', null],
  ])('at %s for %s gives version %p', (at, issuer, version) => {
    expect(effectiveRule(history, issuer, at)?.version ?? null).toBe(version);
  });

  it('never returns a rule that has not started, has ended or does not cover the issuer', () => {
    const iso = fc
      .integer({ min: Date.parse('2025-06-01'), max: Date.parse('2027-06-01') })
      .map((t) => new Date(t).toISOString());
    fc.assert(
      fc.property(iso, fc.constantFrom('GuangdongMSP', 'BeijingMSP', 'ZhejiangMSP'), (at, issuer) => {
        const found = effectiveRule(history, issuer, at);
        if (found === null) return true;
        return (
          found.effectiveFrom <= at &&
          (found.effectiveTo === undefined || at < found.effectiveTo) &&
          (found.issuingMsps.includes('*') || found.issuingMsps.includes(issuer))
        );
      }),
    );
  });
});
