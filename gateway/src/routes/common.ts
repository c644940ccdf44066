/**
 * Helpers shared by the routers: the caller's province check, Idempotency-Key handling around a
 * creating handler, keyset pagination over (time, id), and compact OpenAPI operation builders.
 */
import type { Request, RequestHandler, Response } from 'express';
import { LICENCE_ID_MAX_LENGTH, LicenceError, parseLicenceId, validateUscc } from '@licence-ledger/domain';
import { principalOf } from '../http/context';
import { encodeCursor, parsePageQuery } from '../http/pagination';
import type { PageResponse } from '../http/pagination';
import type { KeysetPage, Paged } from '../storage/rows';
import type { OpenApiObject, OpenApiValue } from '../openapi';
import type { ProvinceContext } from '../services/context';
import { idempotent, requestHash } from '../services/idempotency';
import type { IdempotentWork, StoredResponse } from '../services/idempotency';

/** 403 unless the caller belongs to the province this gateway serves. */
export function ownProvinceOnly(ctx: ProvinceContext): RequestHandler {
  return (req, _res, next) => {
    const p = principalOf(req);
    if (p.province !== ctx.msp) {
      throw new LicenceError('ACCESS_DENIED', "this gateway serves its own province's callers only", {
        province: p.province,
      });
    }
    next();
  };
}

/** The Idempotency-Key header, if sent (once). */
export function idempotencyKeyOf(req: Request): string | undefined {
  const raw = req.headers['idempotency-key'];
  if (Array.isArray(raw)) {
    throw new LicenceError('INVALID_ARGUMENT', 'send Idempotency-Key once', { header: 'Idempotency-Key' });
  }
  return raw;
}

/**
 * Runs a creating call under the request's Idempotency-Key and sends its response: a plain handler,
 * or work that records a resource and can resume it (see IdempotentWork).
 */
export async function sendIdempotent(
  ctx: ProvinceContext,
  req: Request,
  res: Response,
  work: IdempotentWork | (() => Promise<StoredResponse>),
): Promise<void> {
  const p = principalOf(req);
  const outcome = await idempotent(
    ctx.store.idempotency,
    `${p.province}/${p.sub}`,
    idempotencyKeyOf(req),
    requestHash(req.method, `${req.baseUrl}${req.path}`, req.body),
    typeof work === 'function' ? { run: () => work() } : work,
  );
  if (outcome.replayed) res.setHeader('Idempotent-Replayed', 'true');
  res.status(outcome.status).json(outcome.body);
}

/** Reads ?limit and ?cursor for lists keyed by (time, id). */
export function timeIdPage(req: Request): KeysetPage {
  const { limit, after } = parsePageQuery(req.query);
  if (after === undefined) return { limit };
  const [time, id] = after;
  if (
    after.length !== 2 ||
    typeof time !== 'string' ||
    typeof id !== 'string' ||
    Number.isNaN(Date.parse(time))
  ) {
    throw new LicenceError('INVALID_ARGUMENT', 'the cursor is not one this API returned', {
      parameter: 'cursor',
    });
  }
  return { limit, after: [time, id] };
}

/** A repository page in the API's shape: items and an opaque nextCursor when more may follow. */
export function pageOf<T>(page: Paged<T>): PageResponse<T> {
  return page.next === undefined
    ? { items: page.items }
    : { items: page.items, nextCursor: encodeCursor(page.next) };
}

/** A single optional string query parameter (INVALID_ARGUMENT when repeated or too long). */
export function queryString(req: Request, name: string, pattern?: RegExp): string | undefined {
  const value = (req.query as Record<string, unknown>)[name];
  if (value === undefined) return undefined;
  if (typeof value !== 'string' || value.length > 200 || (pattern !== undefined && !pattern.test(value))) {
    throw new LicenceError('INVALID_ARGUMENT', `query parameter ${name} is not valid`, { parameter: name });
  }
  return value;
}

/** A path parameter as a string. */
export function param(req: Request, name: string): string {
  const value = (req.params as Record<string, string | undefined>)[name];
  if (value === undefined || value.length === 0 || value.length > 200) {
    throw new LicenceError('INVALID_ARGUMENT', `path parameter ${name} is not valid`, { parameter: name });
  }
  return value;
}

/** A path parameter naming a licence: INVALID_IDENTIFIER (400) unless a well-formed GB/T 36904 identifier. */
export function licenceIdParam(req: Request, name = 'id'): string {
  const value = param(req, name);
  parseLicenceId(value);
  return value;
}

/** A path parameter naming an agency: INVALID_USCC (400) unless a valid USCC (check character included). */
export function usccParam(req: Request, name = 'uscc'): string {
  return validateUscc(param(req, name));
}

/** An optional query parameter naming an agency: INVALID_USCC (400) unless a valid USCC. */
export function usccQuery(req: Request, name: string): string | undefined {
  const value = queryString(req, name);
  return value === undefined ? undefined : validateUscc(value);
}

// ------------------------------------------------------------------ OpenAPI helpers

/** How an identifier parameter is documented. */
export interface ParamDoc {
  readonly description: string;
  readonly schema: OpenApiObject;
}

/** A licence identifier parameter (see licenceIdParam). */
export const LICENCE_ID_PARAM: ParamDoc = {
  description: 'GB/T 36904 licence identifier, check character included (else 400 INVALID_IDENTIFIER)',
  schema: { type: 'string', maxLength: LICENCE_ID_MAX_LENGTH, pattern: '^1\\.2\\.156\\.3005\\.2\\.' },
};

/** An agency's USCC parameter (see usccParam, usccQuery). */
export const USCC_PARAM: ParamDoc = {
  description: 'GB 32100 unified social credit code, check character included (else 400 INVALID_USCC)',
  schema: { type: 'string', minLength: 18, maxLength: 18, pattern: '^[0-9A-HJ-NP-RTUW-Y]{18}$' },
};

/** Options of one documented operation. */
export interface OperationDoc {
  readonly summary: string;
  readonly tag: string;
  readonly roles: readonly string[];
  readonly body?: string;
  readonly ok?: number;
  readonly list?: boolean;
  readonly idempotent?: boolean;
  readonly params?: readonly string[];
  readonly query?: readonly string[];
  /** Parameters documented as the identifiers they are, by name (others are bounded strings). */
  readonly paramDocs?: Readonly<Record<string, ParamDoc>>;
  readonly problems?: readonly number[];
  readonly public?: boolean;
}

/** An OpenAPI operation object. */
export function op(doc: OperationDoc): OpenApiObject {
  const parameters: OpenApiValue[] = [];
  const described = (name: string): OpenApiObject => {
    const known = doc.paramDocs?.[name];
    return known === undefined
      ? { schema: { type: 'string', maxLength: 200 } }
      : { description: known.description, schema: known.schema };
  };
  for (const name of doc.params ?? []) {
    parameters.push({ name, in: 'path', required: true, ...described(name) });
  }
  for (const name of doc.query ?? []) {
    parameters.push({ name, in: 'query', required: false, ...described(name) });
  }
  if (doc.list === true)
    parameters.push({ $ref: '#/components/parameters/limit' }, { $ref: '#/components/parameters/cursor' });
  if (doc.idempotent === true) parameters.push({ $ref: '#/components/parameters/idempotencyKey' });
  const responses: Record<string, OpenApiValue> = {
    [String(doc.ok ?? 200)]: { description: 'Success' },
  };
  const problems = doc.public === true ? (doc.problems ?? []) : [400, 401, 403, ...(doc.problems ?? [])];
  for (const status of [...new Set(problems)].sort()) {
    responses[String(status)] = { $ref: `#/components/responses/Problem${status}` };
  }
  return {
    summary: doc.summary,
    tags: [doc.tag],
    description: doc.public === true ? 'Public.' : `Roles: ${doc.roles.join(', ')}.`,
    ...(doc.public === true ? { security: [] } : { 'x-roles': [...doc.roles] }),
    ...(parameters.length > 0 ? { parameters } : {}),
    ...(doc.body === undefined
      ? {}
      : {
          requestBody: {
            required: true,
            content: { 'application/json': { schema: { $ref: `#/components/schemas/${doc.body}` } } },
          },
        }),
    responses,
  };
}

/** Casts a JSON schema object to the OpenAPI value type. */
export function schemaDoc(schema: object): OpenApiObject {
  return schema as OpenApiObject;
}
