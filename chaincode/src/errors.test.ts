import fc from 'fast-check';
import { ERROR_CODES, LicenceError } from '@licence-ledger/domain';
import { asLicenceError, toFabricError } from './errors';

describe('errors crossing the Fabric boundary', () => {
  it('round-trips every code and message through the wire form', () => {
    fc.assert(
      fc.property(fc.constantFrom(...ERROR_CODES), fc.string(), (code, message) => {
        const wire = toFabricError(new LicenceError(code, message, { n: 1 })).message;
        const back = LicenceError.fromWire(`chaincode response 500, ${wire}`);
        return back?.code === code && back.message === message && back.details?.n === 1;
      }),
    );
  });

  it('keeps a LicenceError from another copy of the domain package', () => {
    const foreign = Object.assign(new Error('key gone'), { name: 'LicenceError', code: 'KEY_UNKNOWN' });
    expect(asLicenceError(foreign).code).toBe('KEY_UNKNOWN');
  });

  it('recovers a wire-form error wrapped in another error', () => {
    const inner = new LicenceError('NOTICE_PERIOD', 'too soon').toWire();
    expect(asLicenceError(new Error(`peer said: ${inner}`)).code).toBe('NOTICE_PERIOD');
  });

  it.each([
    ['a plain Error', new Error('boom')],
    ['a string', 'boom'],
    ['an object with a bogus code', Object.assign(new Error('x'), { name: 'LicenceError', code: 'NOPE' })],
  ])('turns %s into INTERNAL', (_what, thrown) => {
    expect(asLicenceError(thrown).code).toBe('INTERNAL');
  });
});
