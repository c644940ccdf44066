import fc from 'fast-check';
import { LicenceError } from '@licence-ledger/domain';
import { fieldErrorsOf } from '@licence-ledger/domain';
import { compileValidator, lintSchema, MAX_REPORTED_ERRORS } from './validate';

interface Req {
  id: string;
  count?: number;
  fields?: Record<string, string>;
}

const validate = compileValidator<Req>({
  type: 'object',
  additionalProperties: false,
  required: ['id'],
  properties: {
    id: { type: 'string', minLength: 1, maxLength: 16, pattern: '^[A-Z0-9]+$' },
    count: { type: 'integer', minimum: 0, maximum: 10 },
    fields: {
      type: 'object',
      maxProperties: 3,
      propertyNames: { maxLength: 8, pattern: '^[a-z]+$' },
      additionalProperties: { type: 'string', maxLength: 20 },
    },
  },
});

function errorsOf(input: unknown): Array<{ path: string; message: string }> {
  try {
    validate(input);
  } catch (err) {
    expect(err).toBeInstanceOf(LicenceError);
    expect((err as LicenceError).code).toBe('SCHEMA_VIOLATION');
    return fieldErrorsOf(err as LicenceError) ?? [];
  }
  return [];
}

describe('compileValidator', () => {
  it('returns a valid body unchanged', () => {
    const body = { id: 'A1', count: 2, fields: { name: 'x' } };
    expect(validate(body)).toBe(body);
  });

  it('reports every problem with a JSON pointer: unknown, missing, wrong type, too long', () => {
    const errors = errorsOf({ extra: 1, count: 'two', fields: { a: 'x'.repeat(21), BAD: 'y' } });
    const paths = errors.map((e) => e.path).sort();
    expect(paths).toEqual(expect.arrayContaining(['/extra', '/id', '/count', '/fields/a']));
    expect(paths.some((p) => p.startsWith('/fields'))).toBe(true);
  });

  it('escapes pointer characters in property names', () => {
    expect(errorsOf({ id: 'A', 'a/b~c': 1 }).map((e) => e.path)).toEqual(['/a~1b~0c']);
  });

  it('caps the number of reported errors', () => {
    const body: Record<string, number> = {};
    for (let i = 0; i < 50; i++) body[`k${i}`] = i;
    expect(errorsOf(body)).toHaveLength(MAX_REPORTED_ERRORS);
  });

  it('refuses to compile open schemas', () => {
    expect(() =>
      compileValidator({ type: 'object', properties: { a: { type: 'string', maxLength: 1 } } }),
    ).toThrow(/additionalProperties/);
    expect(() =>
      compileValidator({
        type: 'object',
        additionalProperties: false,
        properties: { a: { type: 'string' } },
      }),
    ).toThrow(/maxLength/);
    expect(() =>
      compileValidator({
        type: 'object',
        additionalProperties: false,
        properties: { a: { type: 'array', items: { type: 'integer' } } },
      }),
    ).toThrow(/maxItems/);
    expect(
      lintSchema({ type: 'object', additionalProperties: { type: 'string', maxLength: 1 } }, '#'),
    ).toEqual(['#: open maps need maxProperties']);
  });

  it('never throws anything but SCHEMA_VIOLATION, and accepts only values within the limits', () => {
    fc.assert(
      fc.property(fc.jsonValue(), (value) => {
        try {
          const ok = validate(value);
          expect(typeof ok.id).toBe('string');
          expect(ok.id.length).toBeLessThanOrEqual(16);
          expect(Object.keys(ok).every((k) => ['id', 'count', 'fields'].includes(k))).toBe(true);
        } catch (err) {
          expect((err as LicenceError).code).toBe('SCHEMA_VIOLATION');
        }
      }),
      { numRuns: 500 },
    );
  });
});
