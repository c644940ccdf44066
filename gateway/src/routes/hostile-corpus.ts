/**
 * Test support: a corpus of hostile requests generated from the gateway's OpenAPI document. Every
 * operation's path, query and header parameters and every string field of its JSON body (at any
 * depth, map keys included) is sent with each hostile string in turn, the rest of the request left
 * valid, so a new endpoint is covered by being documented. Known-good values for parameters and
 * bodies (a real licence id, a sample issue body) let requests reach past the shape checks; where
 * none is given a value is generated from the schema.
 */
import fc from 'fast-check';
import type { OpenApiObject, OpenApiValue } from '../openapi';

/** One request of the corpus. */
export interface HostileRequest {
  /** e.g. 'POST /api/v1/licences/{id}/status'. */
  readonly operation: string;
  readonly method: string;
  /** The path with parameters filled in and percent-encoded, plus the query string if any. */
  readonly url: string;
  /** Roles that may call the operation (the document's x-roles); empty for a public operation. */
  readonly roles: readonly string[];
  readonly headers: Readonly<Record<string, string>>;
  /** The JSON body, when the operation takes one. */
  readonly body?: unknown;
  /** Where the hostile string is: 'path:id', 'query:agency', 'header:Idempotency-Key', 'body:/fields/name'. */
  readonly location: string;
  /** The hostile string. */
  readonly hostile: string;
}

/** Known-good values that make hostile requests reach deeper than the shape checks. */
export interface CorpusSamples {
  /** By parameter name, or by `<path template> <name>` for a path-specific value. */
  readonly params?: Readonly<Record<string, string>>;
  /** Request bodies by component schema name. */
  readonly bodies?: Readonly<Record<string, unknown>>;
}

/** What the corpus covers. */
export interface CorpusStats {
  readonly requests: number;
  readonly operations: number;
  /** Distinct (operation, location) pairs: parameters and body fields. */
  readonly locations: number;
}

const METHODS = ['get', 'put', 'post', 'delete', 'patch'] as const;

type Schema = { readonly [key: string]: OpenApiValue };

/** Every C0 control character and DEL, each appended to a known-good value; NUL also alone and leading. */
export function hostileStrings(base: string): string[] {
  const out: string[] = [];
  for (let c = 0; c <= 0x1f; c++) out.push(`${base}${String.fromCharCode(c)}`);
  out.push(`${base}\u007f`, '\u0000', `\u0000${base}`);
  return [...new Set(out)];
}

/** Builds the corpus for `document`. */
export function hostileCorpus(document: OpenApiObject, samples: CorpusSamples = {}): HostileRequest[] {
  const components = (document.components ?? {}) as OpenApiObject;
  const resolve = (value: OpenApiValue | undefined): Schema => {
    let v = value;
    for (let hops = 0; hops < 8; hops++) {
      const ref = isObject(v) ? v.$ref : undefined;
      if (typeof ref !== 'string') break;
      const [, kind, name] = /^#\/components\/([^/]+)\/(.+)$/.exec(ref) ?? [];
      v = isObject(components[kind ?? ''])
        ? (components[kind ?? ''] as OpenApiObject)[name ?? '']
        : undefined;
    }
    return isObject(v) ? v : {};
  };
  const out: HostileRequest[] = [];
  const paths = (document.paths ?? {}) as OpenApiObject;
  for (const [template, itemValue] of Object.entries(paths)) {
    const item = resolve(itemValue);
    for (const method of METHODS) {
      const op = item[method];
      if (!isObject(op)) continue;
      const operation = `${method.toUpperCase()} ${template}`;
      const roles = rolesOf(op, document, operation);
      const params = [...asArray(item.parameters), ...asArray(op.parameters)].map(resolve);
      const sampleOf = (name: string, schema: Schema): string =>
        samples.params?.[`${template} ${name}`] ??
        samples.params?.[name] ??
        String(generate(schema, resolve));
      const pathValues = new Map<string, string>();
      const queryValues = new Map<string, string>();
      for (const p of params) {
        const name = typeof p.name === 'string' ? p.name : '';
        const value = sampleOf(name, resolve(p.schema));
        if (p.in === 'path') pathValues.set(name, value);
        // Optional query parameters are left out of the baseline; required ones get a valid value.
        else if (p.in === 'query' && p.required === true) queryValues.set(name, value);
      }
      const bodySchemaRef = bodySchemaOf(op);
      const bodySchema = bodySchemaRef === undefined ? undefined : resolve(bodySchemaRef);
      const bodyName =
        isObject(bodySchemaRef) && typeof bodySchemaRef.$ref === 'string'
          ? (bodySchemaRef.$ref.split('/').pop() ?? '')
          : '';
      const baseBody =
        bodySchema === undefined ? undefined : (samples.bodies?.[bodyName] ?? generate(bodySchema, resolve));

      const build = (
        location: string,
        hostile: string,
        over: {
          path?: Map<string, string>;
          query?: Map<string, string>;
          headers?: Record<string, string>;
          body?: unknown;
        },
      ): HostileRequest => {
        const pv = over.path ?? pathValues;
        const url =
          template.replace(/\{([^}]+)\}/g, (_m, name: string) => encodeURIComponent(pv.get(name) ?? 'x')) +
          queryString(over.query ?? queryValues);
        return {
          operation,
          method,
          url,
          roles,
          headers: over.headers ?? {},
          ...(bodySchema === undefined ? {} : { body: 'body' in over ? over.body : baseBody }),
          location,
          hostile,
        };
      };

      for (const p of params) {
        const name = typeof p.name === 'string' ? p.name : '';
        const base = sampleOf(name, resolve(p.schema));
        for (const hostile of hostileStrings(base)) {
          if (p.in === 'path') {
            out.push(build(`path:${name}`, hostile, { path: new Map([...pathValues, [name, hostile]]) }));
          } else if (p.in === 'query') {
            out.push(build(`query:${name}`, hostile, { query: new Map([...queryValues, [name, hostile]]) }));
          } else if (p.in === 'header' && sendableInHeader(`${hostile}${base}`)) {
            // HTTP itself cannot carry most control characters in a header (nor any at either end):
            // those it can are sent inside the value.
            const value = `${hostile}${base}`;
            out.push(build(`header:${name}`, value, { headers: { [name]: value } }));
          }
        }
      }
      if (bodySchema !== undefined) {
        for (const slot of stringSlots(bodySchema, baseBody, '', resolve)) {
          for (const hostile of hostileStrings(slot.base)) {
            out.push(build(`body:${slot.pointer}`, hostile, { body: slot.with(hostile) }));
          }
        }
      }
    }
  }
  return out;
}

/** Counts of what a corpus covers. */
export function corpusStats(corpus: readonly HostileRequest[]): CorpusStats {
  return {
    requests: corpus.length,
    operations: new Set(corpus.map((r) => r.operation)).size,
    locations: new Set(corpus.map((r) => `${r.operation} ${r.location}`)).size,
  };
}

/** The roles an operation names (x-roles); none for a public one. */
function rolesOf(op: Schema, document: OpenApiObject, operation: string): string[] {
  const security = Array.isArray(op.security) ? op.security : document.security;
  if (Array.isArray(security) && security.length === 0) return [];
  const roles = op['x-roles'];
  if (!Array.isArray(roles) || roles.length === 0) {
    throw new Error(`OpenAPI: ${operation} needs a token but names no x-roles`);
  }
  return roles.map(String);
}

function bodySchemaOf(op: Schema): OpenApiValue | undefined {
  const body = op.requestBody;
  if (!isObject(body) || !isObject(body.content)) return undefined;
  const json = body.content['application/json'];
  return isObject(json) ? json.schema : undefined;
}

function queryString(values: ReadonlyMap<string, string>): string {
  if (values.size === 0) return '';
  return `?${[...values].map(([k, v]) => `${encodeURIComponent(k)}=${encodeURIComponent(v)}`).join('&')}`;
}

function sendableInHeader(value: string): boolean {
  // RFC 9110 field values: visible characters, SP and HTAB, without leading or trailing whitespace.
  return /^[\x21-\x7e](?:[\t\x20-\x7e]*[\x21-\x7e])?$/.test(value);
}

/** A string-holding place in a body: its JSON pointer, the value there now, and the body with it replaced. */
interface Slot {
  readonly pointer: string;
  readonly base: string;
  with(value: string): unknown;
}

/**
 * Every place in a body that `schema` lets hold a string: properties (present or not), the first
 * item of arrays, the values of open maps and, for open maps, a property name.
 */
function stringSlots(
  schemaValue: OpenApiValue | undefined,
  value: unknown,
  pointer: string,
  resolve: (v: OpenApiValue | undefined) => Schema,
): Slot[] {
  const schema = resolve(schemaValue);
  if (admitsString(schema, resolve)) {
    const base = typeof value === 'string' ? value : String(generate(stringBranch(schema, resolve), resolve));
    return [{ pointer: pointer === '' ? '/' : pointer, base, with: (v) => v }];
  }
  const types = typesOf(schema);
  const out: Slot[] = [];
  if (types.includes('object') || isObject(schema.properties)) {
    const obj: Record<string, unknown> = isPlainObject(value) ? value : {};
    const props = isObject(schema.properties) ? schema.properties : {};
    for (const [key, sub] of Object.entries(props)) {
      const child = key in obj ? obj[key] : generate(resolve(sub), resolve);
      for (const s of stringSlots(sub, child, `${pointer}/${key}`, resolve)) {
        out.push({ pointer: s.pointer, base: s.base, with: (v) => ({ ...obj, [key]: s.with(v) }) });
      }
    }
    const extra = schema.additionalProperties;
    if (isObject(extra)) {
      const keys = Object.keys(obj).filter((k) => !(k in props));
      const key = keys[0] ?? 'field';
      const child = key in obj ? obj[key] : generate(resolve(extra), resolve);
      for (const s of stringSlots(extra, child, `${pointer}/${key}`, resolve)) {
        out.push({ pointer: s.pointer, base: s.base, with: (v) => ({ ...obj, [key]: s.with(v) }) });
      }
      // The property name itself.
      const rest = Object.fromEntries(Object.entries(obj).filter(([k]) => k !== key));
      out.push({ pointer: `${pointer}/<name>`, base: key, with: (v) => ({ ...rest, [v]: child }) });
    }
  }
  if (types.includes('array') && schema.items !== undefined) {
    const arr: unknown[] =
      Array.isArray(value) && value.length > 0
        ? (value as unknown[])
        : [generate(resolve(schema.items), resolve)];
    for (const s of stringSlots(schema.items, arr[0], `${pointer}/0`, resolve)) {
      out.push({ pointer: s.pointer, base: s.base, with: (v) => [s.with(v), ...arr.slice(1)] });
    }
  }
  return out;
}

function admitsString(schema: Schema, resolve: (v: OpenApiValue | undefined) => Schema): boolean {
  if (typesOf(schema).includes('string')) return true;
  if (Array.isArray(schema.enum)) return schema.enum.some((e) => typeof e === 'string');
  if (typeof schema.const === 'string') return true;
  for (const key of ['anyOf', 'oneOf'] as const) {
    const list = schema[key];
    if (Array.isArray(list) && list.some((s) => admitsString(resolve(s), resolve))) return true;
  }
  return false;
}

/** The branch of a schema that admits strings (the schema itself unless it is an anyOf/oneOf). */
function stringBranch(schema: Schema, resolve: (v: OpenApiValue | undefined) => Schema): Schema {
  if (typesOf(schema).includes('string') || schema.enum !== undefined || schema.const !== undefined)
    return schema;
  for (const key of ['anyOf', 'oneOf'] as const) {
    const list = schema[key];
    if (!Array.isArray(list)) continue;
    const found = list.map(resolve).find((s) => admitsString(s, resolve));
    if (found !== undefined) return stringBranch(found, resolve);
  }
  return schema;
}

/** A value that satisfies the shape of `schema` (deterministic). */
function generate(schema: Schema, resolve: (v: OpenApiValue | undefined) => Schema): unknown {
  if (schema.const !== undefined) return schema.const;
  if (Array.isArray(schema.enum)) return schema.enum[0];
  for (const key of ['anyOf', 'oneOf'] as const) {
    const list = schema[key];
    if (Array.isArray(list) && list.length > 0) return generate(resolve(list[0]), resolve);
  }
  if (schema.default !== undefined) return schema.default;
  const type = typesOf(schema)[0];
  switch (type) {
    case 'string': {
      const min = typeof schema.minLength === 'number' ? schema.minLength : 1;
      const max = typeof schema.maxLength === 'number' ? schema.maxLength : Math.max(min, 16);
      if (typeof schema.pattern === 'string') {
        const arb = fc
          .stringMatching(new RegExp(schema.pattern))
          .filter((s) => s.length >= min && s.length <= max);
        return fc.sample(arb, { seed: 11, numRuns: 1 })[0] ?? '';
      }
      return 'x'.repeat(Math.max(min, Math.min(max, 8)));
    }
    case 'integer':
    case 'number':
      return typeof schema.minimum === 'number' ? schema.minimum : 1;
    case 'boolean':
      return false;
    case 'null':
      return null;
    case 'array': {
      const n = typeof schema.minItems === 'number' ? schema.minItems : 0;
      return Array.from({ length: Math.max(n, 1) }, () => generate(resolve(schema.items), resolve));
    }
    case 'object': {
      const out: Record<string, unknown> = {};
      const props = isObject(schema.properties) ? schema.properties : {};
      const required = Array.isArray(schema.required) ? schema.required.map(String) : [];
      for (const key of required) out[key] = generate(resolve(props[key]), resolve);
      return out;
    }
    default:
      return 'x';
  }
}

function typesOf(schema: Schema): string[] {
  if (typeof schema.type === 'string') return [schema.type];
  if (Array.isArray(schema.type)) return schema.type.map(String);
  if (isObject(schema.properties)) return ['object'];
  return [];
}

function asArray(value: OpenApiValue | undefined): OpenApiValue[] {
  return Array.isArray(value) ? value : [];
}

function isObject(value: OpenApiValue | undefined): value is { [key: string]: OpenApiValue } {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
