/**
 * Request body validation with ajv. Schemas are compiled once, at module load, and must be closed:
 * every object rejects unknown properties, every string and array is bounded. A schema that breaks
 * these rules is a programming error and fails at compile time, not on some later request.
 */
import Ajv from 'ajv';
import type { ErrorObject, SchemaObject } from 'ajv';
import { LicenceError, fieldErrorDetails } from '@licence-ledger/domain';
import type { FieldError } from '@licence-ledger/domain';

/** Most field errors reported for one body; the rest are summarised by the count. */
export const MAX_REPORTED_ERRORS = 20;

const ajv = new Ajv({
  allErrors: true,
  strict: true,
  coerceTypes: false,
  useDefaults: false,
  removeAdditional: false,
  allowUnionTypes: true,
});

/** Checks a value and returns it typed, or throws SCHEMA_VIOLATION with `errors[]`. */
export type Validator<T> = (input: unknown) => T;

/** Compiles `schema` once (after checking it is closed) into a typed validator. */
export function compileValidator<T>(schema: SchemaObject): Validator<T> {
  const problems = lintSchema(schema, '#');
  if (problems.length > 0) throw new Error(`schema is not closed: ${problems.join('; ')}`);
  const check = ajv.compile<T>(schema);
  return (input: unknown): T => {
    if (check(input)) return input;
    throw schemaViolation(toFieldErrors(check.errors ?? []));
  };
}

/** The SCHEMA_VIOLATION error for a list of field errors. */
export function schemaViolation(errors: readonly FieldError[]): LicenceError {
  const shown = errors.slice(0, MAX_REPORTED_ERRORS);
  const more = errors.length - shown.length;
  const message =
    errors.length === 1
      ? 'the request does not match the schema (1 error)'
      : `the request does not match the schema (${errors.length} errors${more > 0 ? `, ${shown.length} shown` : ''})`;
  return new LicenceError('SCHEMA_VIOLATION', message, fieldErrorDetails(shown));
}

/** Converts ajv errors to JSON-pointer paths with short messages that never echo the input. */
export function toFieldErrors(errors: readonly ErrorObject[]): FieldError[] {
  const out: FieldError[] = [];
  const seen = new Set<string>();
  for (const e of errors) {
    const { path, message } = describe(e);
    const key = `${path}\u0000${message}`;
    if (seen.has(key)) continue;
    seen.add(key);
    out.push({ path: path === '' ? '/' : path, message });
  }
  return out;
}

function describe(e: ErrorObject): FieldError {
  const params = e.params as Record<string, unknown>;
  switch (e.keyword) {
    case 'additionalProperties':
      return {
        path: child(e.instancePath, params.additionalProperty),
        message: 'is not an allowed property',
      };
    case 'required':
      return { path: child(e.instancePath, params.missingProperty), message: 'is required' };
    default:
      return { path: e.instancePath, message: e.message ?? `fails ${e.keyword}` };
  }
}

function child(parent: string, name: unknown): string {
  const escaped = String(name).replace(/~/g, '~0').replace(/\//g, '~1');
  return `${parent}/${escaped.slice(0, 100)}`;
}

// ------------------------------------------------------------------ schema lint

const SUBSCHEMA_LISTS = ['anyOf', 'oneOf', 'allOf', 'prefixItems'] as const;
const SUBSCHEMA_SINGLE = ['not', 'if', 'then', 'else', 'contains', 'propertyNames'] as const;
const SUBSCHEMA_MAPS = ['properties', 'patternProperties', '$defs', 'definitions'] as const;

/** Lists the ways `schema` is not closed (empty when it is). */
export function lintSchema(schema: unknown, at: string): string[] {
  if (typeof schema !== 'object' || schema === null) return [];
  const s = schema as Record<string, unknown>;
  const out: string[] = [];
  const types = Array.isArray(s.type) ? (s.type as unknown[]) : [s.type];
  const bounded = s.enum !== undefined || s.const !== undefined;
  if (types.includes('object') || s.properties !== undefined) {
    const extra = s.additionalProperties;
    if (extra === undefined || extra === true) out.push(`${at}: objects need additionalProperties: false`);
    else if (typeof extra === 'object' && s.maxProperties === undefined) {
      out.push(`${at}: open maps need maxProperties`);
    }
  }
  if (types.includes('string') && !bounded && s.maxLength === undefined) {
    out.push(`${at}: strings need maxLength`);
  }
  if (types.includes('array') && s.maxItems === undefined) out.push(`${at}: arrays need maxItems`);
  for (const key of SUBSCHEMA_LISTS) {
    const list = s[key];
    if (Array.isArray(list)) list.forEach((sub, i) => out.push(...lintSchema(sub, `${at}/${key}/${i}`)));
  }
  for (const key of SUBSCHEMA_SINGLE) out.push(...lintSchema(s[key], `${at}/${key}`));
  for (const key of SUBSCHEMA_MAPS) {
    const map = s[key];
    if (typeof map === 'object' && map !== null) {
      for (const [name, sub] of Object.entries(map)) out.push(...lintSchema(sub, `${at}/${key}/${name}`));
    }
  }
  out.push(...lintSchema(s.items, `${at}/items`));
  if (typeof s.additionalProperties === 'object') {
    out.push(...lintSchema(s.additionalProperties, `${at}/additionalProperties`));
  }
  return out;
}
