import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import { MAX_JSON_DEPTH, canonicalBytes, canonicalize, parseJsonStrict } from './canonical-json';
import { LicenceError, thrownCode } from './errors';

interface Vectors {
  documents: { name: string; input: string; expected: string; expectedKeyOrder?: string[] }[];
  numbers: { ieee754: string; expected: string | null }[];
  malformed: { name: string; input: string }[];
}
const vectors = JSON.parse(
  readFileSync(join(__dirname, '..', 'test-vectors', 'canonical-json.json'), 'utf8'),
) as Vectors;

const BIG = 1 << 20;

function sparseArray(): unknown[] {
  const holes: unknown[] = [1];
  holes[2] = 3;
  return holes;
}

/** An explicit UTF-16 code unit comparison, written out rather than relying on Array.prototype.sort. */
function byCodeUnits(a: string, b: string): number {
  for (let i = 0; i < Math.min(a.length, b.length); i++) {
    const d = a.charCodeAt(i) - b.charCodeAt(i);
    if (d !== 0) return d;
  }
  return a.length - b.length;
}

describe('canonicalize: RFC 8785 vectors', () => {
  it.each(vectors.documents.map((d) => [d.name, d] as const))('%s', (_name, doc) => {
    const parsed = parseJsonStrict(doc.input, BIG);
    expect(canonicalize(parsed)).toBe(doc.expected);
    if (doc.expectedKeyOrder) {
      // Object.keys would list integer-like keys first, so read the order off the text itself.
      const positions = doc.expectedKeyOrder.map((key) => doc.expected.indexOf(`${JSON.stringify(key)}:`));
      expect(positions.every((at, i) => at >= 0 && (i === 0 || at > (positions[i - 1] ?? -1)))).toBe(true);
      expect([...doc.expectedKeyOrder].sort(byCodeUnits)).toEqual(doc.expectedKeyOrder);
    }
  });

  it.each(vectors.numbers.map((n) => [n.ieee754, n.expected] as const))(
    'number %s -> %s',
    (hex, expected) => {
      const value = Buffer.from(hex, 'hex').readDoubleBE(0);
      if (expected === null) {
        expect(thrownCode(() => canonicalize(value))).toBe('INVALID_ARGUMENT');
      } else {
        expect(canonicalize(value)).toBe(expected);
        expect(canonicalize([value])).toBe(`[${expected}]`);
      }
    },
  );
});

describe('canonicalize', () => {
  it('encodes as UTF-8 bytes', () => {
    expect(canonicalBytes({ 名: '证' }).equals(Buffer.from('{"名":"证"}', 'utf8'))).toBe(true);
  });

  it('sorts by UTF-16 code units, not by code points', () => {
    // By code point U+FB33 comes before U+1F600; in UTF-16 the emoji's high surrogate (0xD83D) sorts first.
    expect(canonicalize({ '\uFB33': 2, '\u{1F600}': 1 })).toBe('{"\u{1F600}":1,"\uFB33":2}');
    expect(canonicalize({ b: 1, a: 2, B: 3, aa: 4, '': 5 })).toBe('{"":5,"B":3,"a":2,"aa":4,"b":1}');
  });

  it('keeps array order and nested structure', () => {
    expect(canonicalize([3, 1, { z: [], a: {} }, 'x', null, false])).toBe(
      '[3,1,{"a":{},"z":[]},"x",null,false]',
    );
  });

  it('accepts objects without a prototype', () => {
    const bare = Object.create(null) as Record<string, unknown>;
    bare.k = 'v';
    expect(canonicalize(bare)).toBe('{"k":"v"}');
  });

  it('escapes control characters the RFC 8785 way', () => {
    expect(canonicalize('\u0000\u0008\t\n\u000b\f\r\u001f"\\/\u007f')).toBe(
      '"\\u0000\\b\\t\\n\\u000b\\f\\r\\u001f\\"\\\\/\u007f"',
    );
  });

  it.each([
    ['undefined', undefined],
    ['a function', () => 1],
    ['a symbol', Symbol('s')],
    ['a bigint', BigInt(1)],
    ['NaN', NaN],
    ['Infinity', Infinity],
    ['-Infinity', -Infinity],
    ['a Date', new Date(0)],
    ['a Map', new Map()],
    ['a Set', new Set()],
    ['a boxed string', Object('x') as unknown],
    [
      'a class instance',
      new (class Point {
        x = 1;
      })(),
    ],
    ['a Buffer', Buffer.from('x')],
    ['a lone high surrogate', '\uD800'],
    ['a lone low surrogate', 'a\uDC00'],
    ['a reversed surrogate pair', '\uDC00\uD800'],
    ['a lone surrogate in a key', { '\uD800': 1 }],
    ['undefined inside an object', { a: undefined }],
    ['undefined inside an array', [undefined]],
    ['a sparse array', sparseArray()],
    ['a symbol-keyed property', { [Symbol('k')]: 1 }],
    ['a nested NaN', { a: [{ b: NaN }] }],
  ])('rejects %s with INVALID_ARGUMENT', (_name, value) => {
    expect(thrownCode(() => canonicalize(value))).toBe('INVALID_ARGUMENT');
  });

  it('rejects cycles', () => {
    const a: Record<string, unknown> = {};
    a.self = a;
    expect(thrownCode(() => canonicalize(a))).toBe('INVALID_ARGUMENT');
    const arr: unknown[] = [];
    arr.push([arr]);
    expect(thrownCode(() => canonicalize(arr))).toBe('INVALID_ARGUMENT');
  });

  it('accepts the same object twice when it is not a cycle', () => {
    const shared = { x: 1 };
    expect(canonicalize({ a: shared, b: shared })).toBe('{"a":{"x":1},"b":{"x":1}}');
  });

  it(`accepts ${MAX_JSON_DEPTH} levels of nesting and refuses one more`, () => {
    const nest = (depth: number): unknown => (depth === 0 ? 0 : [nest(depth - 1)]);
    expect(canonicalize(nest(MAX_JSON_DEPTH))).toBe(
      `${'['.repeat(MAX_JSON_DEPTH)}0${']'.repeat(MAX_JSON_DEPTH)}`,
    );
    expect(thrownCode(() => canonicalize(nest(MAX_JSON_DEPTH + 1)))).toBe('INVALID_ARGUMENT');
  });

  const jsonValue = fc.jsonValue({ maxDepth: 5 });

  it('is a fixed point through JSON.parse (idempotent)', () => {
    fc.assert(
      fc.property(jsonValue, (value) => {
        const once = canonicalize(value);
        expect(canonicalize(JSON.parse(once))).toBe(once);
        // parseJsonStrict refuses "__proto__" members by design.
        if (!once.includes('"__proto__"')) expect(canonicalize(parseJsonStrict(once, BIG))).toBe(once);
      }),
    );
  });

  it('is valid JSON describing the same value', () => {
    fc.assert(
      fc.property(jsonValue, (value) => {
        // JSON.stringify is an independent serialiser; only member order and -0 may differ.
        expect(JSON.parse(canonicalize(value))).toEqual(JSON.parse(JSON.stringify(value)));
      }),
    );
  });

  it('orders members by UTF-16 code units for any keys', () => {
    fc.assert(
      fc.property(
        fc.uniqueArray(
          fc.string({ unit: 'grapheme' }).filter((k) => k !== '__proto__'),
          { maxLength: 8 },
        ),
        (keys) => {
          const parsed = parseJsonStrict(
            canonicalize(Object.fromEntries(keys.map((k) => [k, 0]))),
            BIG,
          ) as object;
          const expected = [...keys]
            .sort(byCodeUnits)
            .map((k) => JSON.stringify(k))
            .join(':0,');
          expect(canonicalize(parsed)).toBe(keys.length === 0 ? '{}' : `{${expected}:0}`);
        },
      ),
    );
  });

  it('does not depend on the order members were added', () => {
    fc.assert(
      fc.property(fc.dictionary(fc.string(), fc.integer()), (dict) => {
        const reversed = Object.fromEntries(Object.entries(dict).reverse());
        expect(canonicalize(reversed)).toBe(canonicalize(dict));
      }),
    );
  });

  it('contains no insignificant whitespace', () => {
    fc.assert(
      fc.property(
        fc.dictionary(
          fc.string({ unit: 'binary-ascii' }).filter((s) => !/\s/.test(s)),
          fc.integer(),
        ),
        (d) => {
          expect(canonicalize(d)).not.toMatch(/\s/);
        },
      ),
    );
  });
});

describe('parseJsonStrict', () => {
  it.each(vectors.malformed.map((m) => [m.name, m.input] as const))(
    'rejects %s with MALFORMED_JSON',
    (_n, input) => {
      expect(thrownCode(() => parseJsonStrict(input, BIG))).toBe('MALFORMED_JSON');
    },
  );

  it('parses what JSON.parse parses, to the same value', () => {
    fc.assert(
      fc.property(fc.jsonValue({ maxDepth: 5 }), fc.boolean(), (value, pretty) => {
        const text = pretty ? JSON.stringify(value, null, 2) : JSON.stringify(value);
        fc.pre(!text.includes('"__proto__"'));
        expect(parseJsonStrict(text, BIG)).toEqual(JSON.parse(text));
      }),
    );
  });

  it('decodes escapes and surrogate pairs', () => {
    expect(parseJsonStrict('"\\u00e9\\ud83d\\ude00\\n\\/\\"\\\\\\b\\f\\r\\t"', 100)).toBe(
      'é😀\n/"\\\b\f\r\t',
    );
    expect(parseJsonStrict(' { "a" : [ 1 , -2.5e3 , true , false , null , { } , [ ] ] } ', 100)).toEqual({
      a: [1, -2500, true, false, null, {}, []],
    });
  });

  it('creates ordinary objects whose prototype cannot be replaced', () => {
    const parsed = parseJsonStrict('{"constructor":{"prototype":1},"toString":2}', 100) as Record<
      string,
      unknown
    >;
    expect(Object.getPrototypeOf(parsed)).toBe(Object.prototype);
    expect(Object.keys(parsed)).toEqual(['constructor', 'toString']);
  });

  it('measures the limit in UTF-8 bytes', () => {
    const text = '"证照"'; // 2 quotes + 2 * 3 bytes
    expect(parseJsonStrict(text, 8)).toBe('证照');
    expect(thrownCode(() => parseJsonStrict(text, 7))).toBe('PAYLOAD_TOO_LARGE');
    expect(thrownCode(() => parseJsonStrict('[1]'.padEnd(100, ' '), 99))).toBe('PAYLOAD_TOO_LARGE');
  });

  it('checks the size before the syntax', () => {
    expect(thrownCode(() => parseJsonStrict('{{{{', 3))).toBe('PAYLOAD_TOO_LARGE');
  });

  it(`accepts ${MAX_JSON_DEPTH} levels of nesting and refuses one more`, () => {
    const ok = `${'['.repeat(MAX_JSON_DEPTH)}${']'.repeat(MAX_JSON_DEPTH)}`;
    expect(() => parseJsonStrict(ok, BIG)).not.toThrow();
    const deep = `${'{"a":'.repeat(MAX_JSON_DEPTH + 1)}1${'}'.repeat(MAX_JSON_DEPTH + 1)}`;
    expect(thrownCode(() => parseJsonStrict(deep, BIG))).toBe('MALFORMED_JSON');
    expect(thrownCode(() => parseJsonStrict('['.repeat(100000), 1 << 20))).toBe('MALFORMED_JSON');
  });

  it('rejects a non-string input', () => {
    expect(thrownCode(() => parseJsonStrict(Buffer.from('{}') as unknown as string, 100))).toBe(
      'MALFORMED_JSON',
    );
  });

  it('never throws anything but a LicenceError on arbitrary text', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 60 }), (text) => {
        const code = thrownCode(() => parseJsonStrict(text, BIG));
        expect([undefined, 'MALFORMED_JSON']).toContain(code);
      }),
    );
  });

  it('reports the offset of the problem, never the input', () => {
    try {
      parseJsonStrict('{"secret": 12345, x}', 100);
      throw new Error('expected a failure');
    } catch (err) {
      expect(err).toBeInstanceOf(LicenceError);
      expect((err as LicenceError).details).toEqual({ offset: 18 });
      expect((err as LicenceError).message).not.toContain('12345');
    }
  });
});
