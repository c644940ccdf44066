import type { RecognitionRule } from './model';
import { effectiveRule } from './recognition';

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

describe('effectiveRule', () => {
  const history = [
    rule(1),
    rule(2, { issuingMsps: ['*'] }),
    rule(3, { issuingMsps: ['BeijingMSP'], effectiveTo: '2026-05-01T00:00:00.000Z' }),
  ];

  it('is null without any version, or before the first takes effect', () => {
    expect(effectiveRule([], 'GuangdongMSP', '2026-06-01T00:00:00.000Z')).toBeNull();
    expect(effectiveRule(history, 'GuangdongMSP', '2025-12-31T23:59:59.999Z')).toBeNull();
  });

  it('takes the newest version in force, from its effectiveFrom on', () => {
    expect(effectiveRule(history, 'GuangdongMSP', '2026-01-01T00:00:00.000Z')?.version).toBe(1);
    expect(effectiveRule(history, 'GuangdongMSP', '2026-02-01T00:00:00.000Z')?.version).toBe(2);
    expect(effectiveRule(history, 'HainanMSP', '2026-02-15T00:00:00.000Z')?.version).toBe(2);
  });

  it('does not fall back to an older version when the newest excludes the issuer or has ended', () => {
    expect(effectiveRule(history, 'GuangdongMSP', '2026-03-15T00:00:00.000Z')).toBeNull();
    expect(effectiveRule(history, 'BeijingMSP', '2026-03-15T00:00:00.000Z')?.version).toBe(3);
    expect(effectiveRule(history, 'BeijingMSP', '2026-04-30T23:59:59.999Z')?.version).toBe(3);
    expect(effectiveRule(history, 'BeijingMSP', '2026-05-01T00:00:00.000Z')).toBeNull();
  });

  it('does not depend on the order of the history', () => {
    const reversed = [...history].reverse();
    for (const at of ['2026-01-15', '2026-02-15', '2026-03-15', '2026-06-15']) {
      for (const msp of ['GuangdongMSP', 'BeijingMSP']) {
        expect(effectiveRule(reversed, msp, `${at}T00:00:00.000Z`)).toEqual(
          effectiveRule(history, msp, `${at}T00:00:00.000Z`),
        );
      }
    }
  });
});
