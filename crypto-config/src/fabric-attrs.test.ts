import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import { LicenceError, thrownCode } from '@licence-ledger/domain';
import { checkAttrs, encodeFabricAttrs, readFabricAttrs } from './fabric-attrs';

interface Vector {
  readonly name: string;
  readonly attrs: Record<string, string>;
  readonly json: string;
}
const { vectors } = JSON.parse(
  readFileSync(join(__dirname, '..', 'test-vectors', 'fabric-attrs.json'), 'utf8'),
) as {
  vectors: Vector[];
};

describe('encodeFabricAttrs', () => {
  it('orders integer-like keys as text, as Go does', () => {
    expect(Buffer.from(encodeFabricAttrs({ b: 'x', '10': 'y', '9': 'z' })).toString()).toBe(
      '{"attrs":{"10":"y","9":"z","b":"x"}}',
    );
  });

  it.each(vectors.map((v) => [v.name, v] as const))('matches the Fabric CA bytes: %s', (_name, v) => {
    expect(Buffer.from(encodeFabricAttrs(v.attrs)).toString('utf8')).toBe(v.json);
  });

  it('round-trips any valid attribute map through JSON.parse', () => {
    const name = fc.stringMatching(/^[A-Za-z0-9._-]{1,20}$/).filter((n) => n !== '__proto__');
    const value = fc.string({ minLength: 1, maxLength: 40, unit: 'grapheme' });
    fc.assert(
      fc.property(fc.dictionary(name, value, { maxKeys: 6 }), (attrs) => {
        const parsed = JSON.parse(new TextDecoder().decode(encodeFabricAttrs(attrs))) as {
          attrs: Record<string, string>;
        };
        expect(parsed.attrs).toEqual(attrs);
        // Go writes map keys in sorted byte order; find where each key appears in the text.
        const text = new TextDecoder().decode(encodeFabricAttrs(attrs));
        const sorted = Object.keys(attrs).sort();
        const positions = sorted.map((k) => text.indexOf(`${JSON.stringify(k)}:`));
        expect(positions).toEqual([...positions].sort((a, b) => a - b));
      }),
    );
  });
});

describe('checkAttrs', () => {
  it('rejects an attribute named __proto__ instead of dropping it (regression: found by fast-check)', () => {
    const attrs = JSON.parse('{"__proto__":"x"}') as Record<string, string>;
    let code: string | undefined;
    try {
      checkAttrs(attrs);
    } catch (error) {
      code = error instanceof LicenceError ? error.code : 'not a LicenceError';
    }
    expect(code).toBe('INVALID_ARGUMENT');
  });

  it.each([[null], [[]], ['x'], [{ 'a b': 'x' }], [{ a: 1 }], [{ a: 'x'.repeat(257) }]])(
    'rejects %p with INVALID_ARGUMENT',
    (attrs) => {
      expect(thrownCode(() => checkAttrs(attrs))).toBe('INVALID_ARGUMENT');
    },
  );
});

describe('readFabricAttrs', () => {
  it('rejects something that is not a certificate with CERTIFICATE_INVALID', () => {
    const notACert = '-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n';
    expect(thrownCode(() => readFabricAttrs(notACert))).toBe('CERTIFICATE_INVALID');
  });
});
