import type { RecognitionRule } from '@licence-ledger/domain';
import { effectiveRuleAt } from './recognition';

const rule = (version: number, over: Partial<RecognitionRule> = {}): RecognitionRule => ({
  docType: 'recognitionRule',
  recognisingMsp: 'ZhejiangMSP',
  typeCode: 'JSZ',
  issuingMsps: ['GuangdongMSP'],
  effectiveFrom: `2026-0${version}-01T00:00:00.000Z`,
  version,
  publishedAt: '2025-12-01T00:00:00.000Z',
  ...over,
});

describe('effectiveRuleAt', () => {
  const history = [
    rule(1),
    rule(2, { issuingMsps: ['*'] }),
    rule(3, { issuingMsps: ['BeijingMSP'], effectiveTo: '2026-05-01T00:00:00.000Z' }),
  ];

  it('is null without any version, or before the first takes effect', () => {
    expect(effectiveRuleAt([], 'GuangdongMSP', '2026-06-01T00:00:00.000Z')).toBeNull();
    expect(effectiveRuleAt(history, 'GuangdongMSP', '2025-12-31T23:59:59.999Z')).toBeNull();
  });

  it('takes the newest version in force, from its effectiveFrom on', () => {
    expect(effectiveRuleAt(history, 'GuangdongMSP', '2026-01-01T00:00:00.000Z')?.version).toBe(1);
    expect(effectiveRuleAt(history, 'GuangdongMSP', '2026-02-01T00:00:00.000Z')?.version).toBe(2);
    expect(effectiveRuleAt(history, 'HainanMSP', '2026-02-15T00:00:00.000Z')?.version).toBe(2);
  });

  it('does not fall back to an older version when the newest excludes the issuer or has ended', () => {
    expect(effectiveRuleAt(history, 'GuangdongMSP', '2026-03-15T00:00:00.000Z')).toBeNull();
    expect(effectiveRuleAt(history, 'BeijingMSP', '2026-03-15T00:00:00.000Z')?.version).toBe(3);
    expect(effectiveRuleAt(history, 'BeijingMSP', '2026-04-30T23:59:59.999Z')?.version).toBe(3);
    expect(effectiveRuleAt(history, 'BeijingMSP', '2026-05-01T00:00:00.000Z')).toBeNull();
  });

  it('does not depend on the order of the history', () => {
    const reversed = [...history].reverse();
    for (const at of ['2026-01-15', '2026-02-15', '2026-03-15', '2026-06-15']) {
      for (const msp of ['GuangdongMSP', 'BeijingMSP']) {
        expect(effectiveRuleAt(reversed, msp, `${at}T00:00:00.000Z`)).toEqual(
          effectiveRuleAt(history, msp, `${at}T00:00:00.000Z`),
        );
      }
    }
  });
});
