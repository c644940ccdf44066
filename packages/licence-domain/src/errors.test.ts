import fc from 'fast-check';
import {
  ERROR_CODES,
  LicenceError,
  WIRE_MARKER,
  fail,
  isErrorCode,
  rejectedLicenceError,
  thrownLicenceError,
} from './errors';

describe('LicenceError', () => {
  it('is an Error with a stable code, message and details', () => {
    const err = new LicenceError('NOT_FOUND', 'no such licence', { id: 'x' });
    expect(err).toBeInstanceOf(Error);
    expect(err).toBeInstanceOf(LicenceError);
    expect(err.name).toBe('LicenceError');
    expect(err.code).toBe('NOT_FOUND');
    expect(err.details).toEqual({ id: 'x' });
  });

  it('fail() throws a LicenceError with the given code and details', () => {
    expect(() => fail('CONFLICT', 'busy', { retry: true })).toThrow(LicenceError);
    try {
      fail('CONFLICT', 'busy', { retry: true });
    } catch (err) {
      expect((err as LicenceError).code).toBe('CONFLICT');
      expect((err as LicenceError).details).toEqual({ retry: true });
    }
  });

  it('knows its closed set of codes', () => {
    expect(new Set(ERROR_CODES).size).toBe(ERROR_CODES.length);
    for (const code of ERROR_CODES) expect(isErrorCode(code)).toBe(true);
    for (const v of ['not_found', 'ERR', '', null, 42, 'constructor']) expect(isErrorCode(v)).toBe(false);
  });
});

describe('wire form', () => {
  it('starts with the marker and carries code, message and details as JSON', () => {
    const wire = new LicenceError('ACCESS_DENIED', 'nope', { msp: 'GuangdongMSP' }).toWire();
    expect(wire.startsWith(`${WIRE_MARKER} {`)).toBe(true);
    expect(JSON.parse(wire.slice(WIRE_MARKER.length + 1))).toEqual({
      code: 'ACCESS_DENIED',
      message: 'nope',
      details: { msp: 'GuangdongMSP' },
    });
    expect(JSON.parse(new LicenceError('INTERNAL', 'x').toWire().slice(6))).toEqual({
      code: 'INTERNAL',
      message: 'x',
      details: null,
    });
  });

  it('round-trips through fromWire', () => {
    const err = new LicenceError('ILLEGAL_TRANSITION', 'no', {
      from: '06',
      action: 'suspend',
      list: ['a', 'b'],
    });
    const back = LicenceError.fromWire(err.toWire());
    expect(back).toBeInstanceOf(LicenceError);
    expect(back?.code).toBe(err.code);
    expect(back?.message).toBe(err.message);
    expect(back?.details).toEqual(err.details);
    expect(LicenceError.fromWire(new LicenceError('INTERNAL', 'x').toWire())?.details).toBeUndefined();
  });

  it('is found inside Fabric prose', () => {
    const wire = new LicenceError('MVCC_READ_CONFLICT', 'retry', { key: 'licence' }).toWire();
    const texts = [
      `chaincode response 500, ${wire}`,
      `10 ABORTED: failed to endorse transaction, see attached details for more info: chaincode response 500, ${wire} (peer0.guangdong)`,
      `error in simulation: transaction returned with failure: ${wire}\nstack: ...`,
    ];
    for (const text of texts) {
      const back = LicenceError.fromWire(text);
      expect(back?.code).toBe('MVCC_READ_CONFLICT');
      expect(back?.details).toEqual({ key: 'licence' });
    }
  });

  it('copes with braces, quotes and backslashes inside strings', () => {
    const err = new LicenceError('SCHEMA_VIOLATION', 'field "a}" {bad} \\ end }}', { path: '{x}"\\', n: 1 });
    const back = LicenceError.fromWire(`prefix ${err.toWire()} } trailing {`);
    expect(back?.message).toBe(err.message);
    expect(back?.details).toEqual(err.details);
  });

  it.each([
    ['no marker', 'chaincode response 500, something failed'],
    ['an empty string', ''],
    ['a marker without an object', 'LLERR nothing'],
    ['an unbalanced object', 'LLERR {"code":"INTERNAL","message":"x"'],
    ['invalid JSON in balanced braces', 'LLERR {code: INTERNAL}'],
    ['an unknown code', 'LLERR {"code":"EXPLODED","message":"x","details":null}'],
    ['a non-string message', 'LLERR {"code":"INTERNAL","message":42,"details":null}'],
    ['a missing message', 'LLERR {"code":"INTERNAL"}'],
    ['a lower-case marker', 'llerr {"code":"INTERNAL","message":"x","details":null}'],
  ])('returns undefined for %s', (_name, text) => {
    expect(LicenceError.fromWire(text)).toBeUndefined();
  });

  it('drops details that are not an object', () => {
    expect(
      LicenceError.fromWire('LLERR {"code":"INTERNAL","message":"x","details":[1]}')?.details,
    ).toBeUndefined();
    expect(
      LicenceError.fromWire('LLERR {"code":"INTERNAL","message":"x","details":"d"}')?.details,
    ).toBeUndefined();
  });

  it('round-trips any message and details inside any surrounding prose', () => {
    const prose = fc.string().filter((s) => !s.includes(`${WIRE_MARKER} {`));
    fc.assert(
      fc.property(
        fc.constantFrom(...ERROR_CODES),
        fc.string(),
        fc.option(
          fc.dictionary(fc.string(), fc.oneof(fc.string(), fc.integer(), fc.boolean(), fc.constant(null))),
        ),
        prose,
        prose,
        (code, message, details, before, after) => {
          const err = new LicenceError(code, message, details ?? undefined);
          const back = LicenceError.fromWire(`${before}${err.toWire()}${after}`);
          expect(back?.code).toBe(code);
          expect(back?.message).toBe(message);
          expect(back?.details).toEqual(details ?? undefined);
        },
      ),
    );
  });

  it('never throws on arbitrary text', () => {
    fc.assert(
      fc.property(fc.string(), fc.string(), (a, b) => {
        expect(() => LicenceError.fromWire(`${a}LLERR {${b}`)).not.toThrow();
      }),
    );
  });

  it('skips a stray marker and finds the real error after it', () => {
    const real = new LicenceError('NOT_FOUND', 'no such licence');
    const text = `peer said LLERR {not json} and then ${real.toWire()}`;
    expect(LicenceError.fromWire(text)?.code).toBe('NOT_FOUND');
  });
});

describe('thrownLicenceError / rejectedLicenceError', () => {
  it('return the LicenceError, undefined on success, and let any other error through', async () => {
    expect(thrownLicenceError(() => fail('NOT_FOUND', 'x'))?.code).toBe('NOT_FOUND');
    expect(thrownLicenceError(() => 1)).toBeUndefined();
    expect(() => thrownLicenceError(() => JSON.parse('{'))).toThrow(SyntaxError);
    expect((await rejectedLicenceError(Promise.reject(new LicenceError('CONFLICT', 'x'))))?.code).toBe(
      'CONFLICT',
    );
    expect(await rejectedLicenceError(Promise.resolve(1))).toBeUndefined();
    await expect(rejectedLicenceError(Promise.reject(new TypeError('bug')))).rejects.toThrow(TypeError);
  });
});
