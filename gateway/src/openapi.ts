/**
 * The OpenAPI 3.1 document served at /api/v1/openapi.json. Each router contributes the path items
 * it serves, next to its code; this module adds the shared parts (problem responses, bearer
 * security, pagination parameters, health endpoints) and merges them, refusing duplicates.
 */
import { HTTP_STATUS, problemType } from './http/problem';
import { ERROR_CODES } from '@licence-ledger/domain';
import { DEFAULT_LIMIT, MAX_LIMIT } from './http/pagination';

/** A JSON value as found in an OpenAPI document. */
export type OpenApiValue =
  string | number | boolean | null | OpenApiValue[] | { [key: string]: OpenApiValue };
/** An OpenAPI object (path item, operation, schema …). */
export type OpenApiObject = { [key: string]: OpenApiValue };

/** What one router documents: path items keyed by path relative to its mount path, and components. */
export interface OpenApiPart {
  /** Mount path the `paths` are relative to, e.g. '/api/v1/licences' ('' for absolute paths). */
  readonly basePath?: string;
  readonly paths: Readonly<Record<string, OpenApiObject>>;
  readonly schemas?: Readonly<Record<string, OpenApiObject>>;
  readonly tags?: readonly { name: string; description?: string }[];
}

/** Document metadata. */
export interface OpenApiInfo {
  readonly title: string;
  readonly version: string;
  readonly description?: string;
}

const HTTP_METHODS = new Set(['get', 'put', 'post', 'delete', 'options', 'head', 'patch', 'trace']);

/** Joins a mount path and a relative path ('/' meaning the mount path itself). */
export function joinPath(base: string, rel: string): string {
  const b = base.replace(/\/+$/, '');
  if (rel === '/' || rel === '') return b === '' ? '/' : b;
  return `${b}${rel.startsWith('/') ? '' : '/'}${rel}`;
}

/** What a 400 means, including the control-character rule every operation shares (see http/text.ts). */
const BAD_REQUEST =
  'Error (HTTP 400): the request is malformed. Every operation refuses control characters with INVALID_ARGUMENT: ' +
  'no C0 control (U+0000 to U+001F) or DEL in the path, in query parameter names and values, or in JSON property ' +
  'names; JSON string values may hold TAB, LF and CR (multi-line text) and no other control character.';

/** The shared components every document carries. */
function baseComponents(): OpenApiObject {
  const statuses = [...new Set(Object.values(HTTP_STATUS))].sort();
  const responses: OpenApiObject = {};
  for (const status of statuses) {
    responses[`Problem${status}`] = {
      description: status === 400 ? BAD_REQUEST : `Error (HTTP ${status})`,
      content: { 'application/problem+json': { schema: { $ref: '#/components/schemas/Problem' } } },
    };
  }
  return {
    securitySchemes: {
      bearerAuth: {
        type: 'http',
        scheme: 'bearer',
        bearerFormat: 'JWT',
        description: "ES256 access token, typ 'at+jwt' (RFC 9068), from the province's identity provider",
      },
    },
    parameters: {
      limit: {
        name: 'limit',
        in: 'query',
        required: false,
        schema: { type: 'integer', minimum: 1, maximum: MAX_LIMIT, default: DEFAULT_LIMIT },
      },
      cursor: {
        name: 'cursor',
        in: 'query',
        required: false,
        description: 'Opaque position returned as nextCursor by the previous page',
        schema: { type: 'string', maxLength: 512 },
      },
      idempotencyKey: {
        name: 'Idempotency-Key',
        in: 'header',
        required: false,
        description:
          'Repeat a creating call safely: the same key and body return the first response. A call that got no answer ' +
          '(a failure, or the gateway stopped) may be sent again with its key: what it started is finished and answered, ' +
          'never done twice. 409 while the first is still running (Retry-After).',
        schema: { type: 'string', minLength: 1, maxLength: 255 },
      },
    },
    schemas: {
      Problem: {
        type: 'object',
        required: ['type', 'title', 'titleZh', 'status', 'code', 'detail', 'instance'],
        properties: {
          type: { type: 'string', examples: [problemType('NOT_FOUND')] },
          title: { type: 'string' },
          titleZh: {
            type: 'string',
            description:
              'the title in Chinese (one per code), for pages and clients that show errors in Chinese',
            examples: ['公民身份号码无效'],
          },
          status: { type: 'integer' },
          code: { type: 'string', enum: [...ERROR_CODES] },
          detail: { type: 'string' },
          instance: { type: 'string' },
          errors: {
            type: 'array',
            items: {
              type: 'object',
              required: ['path', 'message'],
              properties: { path: { type: 'string' }, message: { type: 'string' } },
            },
          },
        },
      },
    },
    responses,
  };
}

/** Paths the app itself serves. */
export const INFRA_PART: OpenApiPart = {
  paths: {
    '/healthz': {
      get: {
        summary: 'Liveness: the process is serving requests',
        security: [],
        tags: ['health'],
        responses: { '200': { description: 'Alive' } },
      },
    },
    '/readyz': {
      get: {
        summary: 'Readiness: the database and the ledger answer',
        security: [],
        tags: ['health'],
        responses: {
          '200': { description: 'Ready' },
          '503': { description: 'Not ready; checks say which part' },
        },
      },
    },
    '/api/v1/openapi.json': {
      get: {
        summary: 'This document',
        security: [],
        tags: ['health'],
        responses: { '200': { description: 'OpenAPI 3.1 document' } },
      },
    },
  },
  tags: [{ name: 'health', description: 'Health, readiness and API description' }],
};

/** Merges the parts into one OpenAPI 3.1 document; throws on a path+method documented twice. */
export function buildOpenApi(parts: readonly OpenApiPart[], info: OpenApiInfo): OpenApiObject {
  const paths: Record<string, OpenApiObject> = {};
  const components = baseComponents();
  const schemas = components.schemas as Record<string, OpenApiValue>;
  const tags = new Map<string, { name: string; description?: string }>();
  for (const part of [INFRA_PART, ...parts]) {
    for (const [rel, item] of Object.entries(part.paths)) {
      const full = joinPath(part.basePath ?? '', rel);
      const target = (paths[full] ??= {});
      for (const [method, operation] of Object.entries(item)) {
        if (HTTP_METHODS.has(method) && target[method] !== undefined) {
          throw new Error(`OpenAPI: ${method.toUpperCase()} ${full} is documented twice`);
        }
        target[method] = operation;
      }
    }
    for (const [name, schema] of Object.entries(part.schemas ?? {})) {
      if (schemas[name] !== undefined) throw new Error(`OpenAPI: schema ${name} is defined twice`);
      schemas[name] = schema;
    }
    for (const tag of part.tags ?? []) tags.set(tag.name, tag);
  }
  const sorted: OpenApiObject = {};
  for (const key of Object.keys(paths).sort()) sorted[key] = paths[key] ?? {};
  return {
    openapi: '3.1.0',
    info: {
      title: info.title,
      version: info.version,
      ...(info.description ? { description: info.description } : {}),
    },
    servers: [{ url: '/' }],
    security: [{ bearerAuth: [] }],
    tags: [...tags.values()].map((t) => ({ ...t })),
    paths: sorted,
    components,
  };
}
