import fc from 'fast-check';
import { LicenceError, buildLicenceId, parseLicenceId, thrownCode } from '@licence-ledger/domain';
import { licenceIdOfTokenLid, tokenLid } from './lid';

const GD_DRIVING = '11440000MB2C93756J';
const GZ_MARKET = '11440100MB2D15098D';
const ZJ_DRIVING = '11330000MB1F22343T';
const USCCS = [GD_DRIVING, GZ_MARKET, ZJ_DRIVING, '91350100M000100Y43'];

const segment = fc.string({
  unit: fc.constantFrom(...'0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ'),
  minLength: 1,
  maxLength: 32,
});
const licenceId = fc
  .record({
    typeCode: segment,
    issuerUscc: fc.constantFrom(...USCCS),
    serial: segment,
    version: fc.integer({ min: 1, max: 999 }),
  })
  .map((parts) => buildLicenceId(parts));

describe('token lid', () => {
  it('drops the prefix and the issuer USCC, and nothing else', () => {
    const id = buildLicenceId({ typeCode: 'JSZ', issuerUscc: GD_DRIVING, serial: '2026000001', version: 1 });
    const lid = tokenLid(id);
    expect(lid).toBe(`JSZ.2026000001.001.${id.slice(-1)}`);
    expect(id.length - lid.length).toBe('1.2.156.3005.2.'.length + GD_DRIVING.length + 1);
  });

  it("round-trips every identifier with its own issuer's USCC", () => {
    fc.assert(
      fc.property(licenceId, (id) => {
        expect(licenceIdOfTokenLid(tokenLid(id), parseLicenceId(id).issuerUscc)).toBe(id);
      }),
    );
  });

  it("never names a licence of the lid's issuer when completed with another agency's USCC", () => {
    fc.assert(
      fc.property(licenceId, fc.constantFrom(...USCCS), (id, signer) => {
        const issuer = parseLicenceId(id).issuerUscc;
        fc.pre(signer !== issuer);
        let rebuilt: string | undefined;
        try {
          rebuilt = licenceIdOfTokenLid(tokenLid(id), signer);
        } catch (err) {
          expect(err instanceof LicenceError && err.code).toBe('INVALID_IDENTIFIER');
        }
        // When the check character happens to hold, the id is the signer's own, never the issuer's.
        if (rebuilt !== undefined) expect(parseLicenceId(rebuilt).issuerUscc).toBe(signer);
      }),
    );
  });

  it.each([
    ['the full identifier', `1.2.156.3005.2.JSZ.${GD_DRIVING}.2026000001.001.V`],
    ['the older form with the USCC', `JSZ.${GD_DRIVING}.2026000001.001.V`],
    ['three parts', 'JSZ.2026000001.001'],
    ['an empty string', ''],
    ['a bad check character', 'JSZ.2026000001.001.0'],
    ['version 000', 'JSZ.2026000001.000.V'],
    ['lower case', 'jsz.2026000001.001.V'],
    ['a very long string', `${'A'.repeat(200)}.1.001.V`],
    ['a number', 42],
  ])('refuses %s with INVALID_IDENTIFIER', (_what, lid) => {
    expect(thrownCode(() => licenceIdOfTokenLid(lid, GD_DRIVING))).toBe('INVALID_IDENTIFIER');
  });

  it('refuses to shorten anything that is not a licence identifier', () => {
    expect(thrownCode(() => tokenLid('JSZ.2026000001.001.V'))).toBe('INVALID_IDENTIFIER');
  });
});
