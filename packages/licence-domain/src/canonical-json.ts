/**
 * RFC 8785 JSON Canonicalization Scheme (JCS), the byte form that is hashed and signed, and a strict
 * I-JSON (RFC 7493) parser for untrusted input.
 */
import { fail } from './errors';

/** Deepest nesting canonicalize and parseJsonStrict accept; deeper input is refused, not overflowed. */
export const MAX_JSON_DEPTH = 64;

const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

/**
 * Serialises `value` as RFC 8785 canonical JSON: object members sorted by UTF-16 code units,
 * ECMAScript number serialisation, no insignificant whitespace. Throws INVALID_ARGUMENT for
 * anything JSON cannot represent exactly (undefined, functions, symbols, bigint, NaN/Infinity,
 * non-plain objects, sparse arrays, cycles, lone surrogates).
 */
export function canonicalize(value: unknown): string {
  return serialise(value, [], '$');
}

/** The UTF-8 bytes of `canonicalize(value)`. */
export function canonicalBytes(value: unknown): Buffer {
  return Buffer.from(canonicalize(value), 'utf8');
}

function serialise(value: unknown, stack: object[], path: string): string {
  switch (typeof value) {
    case 'string':
      return serialiseString(value, path);
    case 'number':
      if (!Number.isFinite(value)) fail('INVALID_ARGUMENT', `${path}: ${String(value)} has no JSON form`);
      // ECMAScript Number-to-String is exactly the RFC 8785 number form (and maps -0 to 0).
      return JSON.stringify(value);
    case 'boolean':
      return value ? 'true' : 'false';
    case 'object':
      if (value === null) return 'null';
      return serialiseContainer(value, stack, path);
    default:
      return fail('INVALID_ARGUMENT', `${path}: a ${typeof value} has no JSON form`);
  }
}

function serialiseString(value: string, path: string): string {
  if (LONE_SURROGATE.test(value)) fail('INVALID_ARGUMENT', `${path}: string contains a lone surrogate`);
  // For well-formed strings JSON.stringify applies exactly the RFC 8785 escaping rules.
  return JSON.stringify(value);
}

function serialiseContainer(value: object, stack: object[], path: string): string {
  if (stack.includes(value)) fail('INVALID_ARGUMENT', `${path}: cyclic structure`);
  if (stack.length >= MAX_JSON_DEPTH)
    fail('INVALID_ARGUMENT', `${path}: nested deeper than ${MAX_JSON_DEPTH}`);
  stack.push(value);
  try {
    if (Array.isArray(value)) return serialiseArray(value as unknown[], stack, path);
    const proto: unknown = Object.getPrototypeOf(value);
    if (proto !== Object.prototype && proto !== null) {
      fail('INVALID_ARGUMENT', `${path}: only plain objects and arrays have a JSON form`);
    }
    if (Object.getOwnPropertySymbols(value).length > 0) {
      fail('INVALID_ARGUMENT', `${path}: symbol-keyed properties have no JSON form`);
    }
    const record = value as Record<string, unknown>;
    // Array.prototype.sort without a comparator orders by UTF-16 code units, as RFC 8785 requires.
    const keys = Object.keys(record).sort();
    const members = keys.map(
      (key) => `${serialiseString(key, path)}:${serialise(record[key], stack, `${path}.${key}`)}`,
    );
    return `{${members.join(',')}}`;
  } finally {
    stack.pop();
  }
}

function serialiseArray(value: unknown[], stack: object[], path: string): string {
  const items: string[] = [];
  for (let i = 0; i < value.length; i++) {
    if (!(i in value)) fail('INVALID_ARGUMENT', `${path}[${i}]: sparse array`);
    items.push(serialise(value[i], stack, `${path}[${i}]`));
  }
  return `[${items.join(',')}]`;
}

// ---------------------------------------------------------------- strict parsing

/**
 * Parses untrusted JSON text as I-JSON: PAYLOAD_TOO_LARGE when its UTF-8 form exceeds `maxBytes`;
 * MALFORMED_JSON for syntax errors, duplicate member names, `__proto__` members, lone surrogates,
 * numbers outside the double range, a byte-order mark, or nesting deeper than MAX_JSON_DEPTH.
 */
export function parseJsonStrict(text: string, maxBytes: number): unknown {
  if (typeof text !== 'string') fail('MALFORMED_JSON', 'JSON input must be a string');
  // Cheap bound first: a UTF-16 code unit is at most 3 UTF-8 bytes, so long strings are refused unmeasured.
  if (text.length > maxBytes || Buffer.byteLength(text, 'utf8') > maxBytes) {
    fail('PAYLOAD_TOO_LARGE', `JSON input exceeds ${maxBytes} bytes`, { maxBytes });
  }
  return new StrictParser(text).parseDocument();
}

const NUMBER = /-?(?:0|[1-9][0-9]*)(?:\.[0-9]+)?(?:[eE][+-]?[0-9]+)?/y;

/** A small recursive-descent parser; JSON.parse cannot report duplicate member names. */
class StrictParser {
  private pos = 0;

  constructor(private readonly text: string) {}

  parseDocument(): unknown {
    this.skipWhitespace();
    const value = this.parseValue(0);
    this.skipWhitespace();
    if (this.pos !== this.text.length) this.error('unexpected text after the JSON value');
    return value;
  }

  private parseValue(depth: number): unknown {
    const ch = this.text[this.pos];
    switch (ch) {
      case '{':
        return this.parseObject(depth + 1);
      case '[':
        return this.parseArray(depth + 1);
      case '"':
        return this.parseString();
      case 't':
        return this.parseLiteral('true', true);
      case 'f':
        return this.parseLiteral('false', false);
      case 'n':
        return this.parseLiteral('null', null);
      default:
        return this.parseNumber();
    }
  }

  private parseObject(depth: number): Record<string, unknown> {
    this.checkDepth(depth);
    this.pos++;
    const result: Record<string, unknown> = {};
    const seen = new Set<string>();
    this.skipWhitespace();
    if (this.text[this.pos] === '}') {
      this.pos++;
      return result;
    }
    for (;;) {
      this.skipWhitespace();
      if (this.text[this.pos] !== '"') this.error('expected a member name');
      const key = this.parseString();
      if (key === '__proto__') this.error('"__proto__" is not accepted as a member name');
      if (seen.has(key)) this.error('duplicate member name');
      seen.add(key);
      this.skipWhitespace();
      this.expect(':');
      this.skipWhitespace();
      result[key] = this.parseValue(depth);
      this.skipWhitespace();
      if (this.text[this.pos] === ',') {
        this.pos++;
        continue;
      }
      this.expect('}');
      return result;
    }
  }

  private parseArray(depth: number): unknown[] {
    this.checkDepth(depth);
    this.pos++;
    const result: unknown[] = [];
    this.skipWhitespace();
    if (this.text[this.pos] === ']') {
      this.pos++;
      return result;
    }
    for (;;) {
      this.skipWhitespace();
      result.push(this.parseValue(depth));
      this.skipWhitespace();
      if (this.text[this.pos] === ',') {
        this.pos++;
        continue;
      }
      this.expect(']');
      return result;
    }
  }

  private parseString(): string {
    const start = this.pos;
    let i = start + 1;
    for (;;) {
      if (i >= this.text.length) this.error('unterminated string');
      const code = this.text.charCodeAt(i);
      if (code === 0x22) break;
      if (code < 0x20) this.error('unescaped control character in string');
      i += code === 0x5c ? 2 : 1;
    }
    this.pos = i + 1;
    let value: unknown;
    try {
      // The token is delimited and free of raw control characters; JSON.parse decodes its escapes.
      value = JSON.parse(this.text.slice(start, this.pos));
    } catch {
      this.error('invalid escape in string');
    }
    if (typeof value !== 'string') this.error('invalid string');
    if (LONE_SURROGATE.test(value)) this.error('string contains a lone surrogate');
    return value;
  }

  private parseNumber(): number {
    NUMBER.lastIndex = this.pos;
    const match = NUMBER.exec(this.text);
    if (match === null) this.error('unexpected character');
    this.pos += match[0].length;
    const value = Number(match[0]);
    if (!Number.isFinite(value)) this.error('number outside the IEEE 754 double range');
    return value;
  }

  private parseLiteral<T>(word: string, value: T): T {
    if (!this.text.startsWith(word, this.pos)) this.error('unexpected character');
    this.pos += word.length;
    return value;
  }

  private expect(ch: string): void {
    if (this.text[this.pos] !== ch) this.error(`expected '${ch}'`);
    this.pos++;
  }

  private skipWhitespace(): void {
    for (;;) {
      const ch = this.text[this.pos];
      if (ch !== ' ' && ch !== '\t' && ch !== '\n' && ch !== '\r') return;
      this.pos++;
    }
  }

  private checkDepth(depth: number): void {
    if (depth > MAX_JSON_DEPTH) this.error(`nested deeper than ${MAX_JSON_DEPTH}`);
  }

  private error(reason: string): never {
    return fail('MALFORMED_JSON', `malformed JSON at offset ${this.pos}: ${reason}`, { offset: this.pos });
  }
}
