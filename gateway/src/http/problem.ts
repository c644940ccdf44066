/**
 * The gateway's single error handler: every failure leaves as application/problem+json (RFC 9457)
 * with a stable `code`. The HTTP status comes from exactly one table keyed by ErrorCode; errors the
 * gateway does not recognise become 500 INTERNAL without revealing their message.
 */
import type { ErrorRequestHandler, RequestHandler, Response } from 'express';
import { LicenceError, fieldErrorsOf } from '@licence-ledger/domain';
import type { ErrorCode, FieldError } from '@licence-ledger/domain';
import type { Logger } from '../logging';
import { TITLES_ZH } from './problem-titles';

/** HTTP statuses the gateway uses for errors. */
export type ErrorStatus = 400 | 401 | 403 | 404 | 409 | 413 | 415 | 422 | 429 | 500 | 503;

/**
 * Every ErrorCode's HTTP status. The mapped type makes a missing or unknown code a compile error,
 * so adding a code to the domain forces a decision here.
 */
export const HTTP_STATUS: { readonly [C in ErrorCode]: ErrorStatus } = {
  INVALID_ARGUMENT: 400,
  UNSUPPORTED_MEDIA_TYPE: 415,
  MALFORMED_JSON: 400,
  SCHEMA_VIOLATION: 400,
  INVALID_IDENTIFIER: 400,
  INVALID_USCC: 400,
  INVALID_CITIZEN_ID: 400,
  INVALID_PROVINCE_CODE: 400,
  INVALID_SIGNATURE: 400,
  PAYLOAD_TOO_LARGE: 413,
  UNAUTHENTICATED: 401,
  ACCESS_DENIED: 403,
  // The caller's organisation or agency may not do this (now): an authorisation outcome.
  PROVINCE_NOT_ACTIVE: 403,
  AGENCY_NOT_ACTIVE: 403,
  AGENCY_NOT_AUTHORISED: 403,
  // A key-level endorsement failure means another province's data was targeted.
  ENDORSEMENT_POLICY_FAILURE: 403,
  NOT_FOUND: 404,
  ALREADY_EXISTS: 409,
  CONFLICT: 409,
  ILLEGAL_TRANSITION: 409,
  TERMINAL_STATE: 409,
  MVCC_READ_CONFLICT: 409,
  PROPOSAL_CLOSED: 409,
  KEY_NOT_ACTIVE: 409,
  // Well-formed requests that name things the registry does not accept.
  LICENCE_TYPE_UNKNOWN: 422,
  KEY_UNKNOWN: 422,
  CERTIFICATE_INVALID: 422,
  NOTICE_PERIOD: 422,
  RATE_LIMITED: 429,
  LEDGER_UNAVAILABLE: 503,
  STORAGE_UNAVAILABLE: 503,
  INTERNAL: 500,
};

/** The problem+json body. */
export interface Problem {
  readonly type: string;
  readonly title: string;
  /** The title in Chinese, for pages and clients that show errors in Chinese. */
  readonly titleZh: string;
  readonly status: number;
  readonly code: ErrorCode;
  readonly detail: string;
  readonly instance: string;
  readonly errors?: readonly FieldError[];
}

/** Media type of error responses. */
export const PROBLEM_CONTENT_TYPE = 'application/problem+json; charset=utf-8';

/** The problem `type` URI for a code. */
export function problemType(code: ErrorCode): string {
  return `urn:licence-ledger:problem:${code.toLowerCase().replace(/_/g, '-')}`;
}

/** The HTTP status for an error code (the table above). */
export function statusFor(code: ErrorCode): ErrorStatus {
  return HTTP_STATUS[code];
}

const GENERIC_DETAIL: Partial<Record<ErrorCode, string>> = {
  INTERNAL: 'an internal error occurred; it has been logged with the request id',
  LEDGER_UNAVAILABLE: 'the ledger is not reachable at the moment; try again later',
  STORAGE_UNAVAILABLE: "the province's database is not reachable at the moment; try again later",
};

/** What the handler decided about an error. */
interface Classified {
  readonly error: LicenceError;
  readonly status: number;
  /** Whether to log it as a server fault. */
  readonly fault: boolean;
}

/** Maps any thrown value to a LicenceError and status. */
export function classify(err: unknown): Classified {
  if (err instanceof LicenceError) {
    const status = statusFor(err.code);
    return { error: err, status, fault: status >= 500 };
  }
  const http = httpErrorOf(err);
  if (http !== undefined) return http;
  if (isDatabaseOutage(err)) {
    return {
      error: new LicenceError('STORAGE_UNAVAILABLE', 'database unavailable'),
      status: statusFor('STORAGE_UNAVAILABLE'),
      fault: true,
    };
  }
  return {
    error: new LicenceError('INTERNAL', 'internal error'),
    status: statusFor('INTERNAL'),
    fault: true,
  };
}

/**
 * A lost or refused database connection (socket errors, or SQLSTATE class 08 connection exception and
 * 57P admin shutdown / cannot connect now): the request may succeed later, so 503, not 500.
 */
function isDatabaseOutage(err: unknown): boolean {
  if (typeof err !== 'object' || err === null) return false;
  const code = (err as { code?: unknown }).code;
  if (typeof code !== 'string') return false;
  return ['ECONNREFUSED', 'ECONNRESET', 'EPIPE', 'ETIMEDOUT'].includes(code) || /^(08|57P)/.test(code);
}

/** Errors raised by express and body-parser carry `status` and sometimes a `type`. */
function httpErrorOf(err: unknown): Classified | undefined {
  if (typeof err !== 'object' || err === null) return undefined;
  const { status, statusCode, type } = err as { status?: unknown; statusCode?: unknown; type?: unknown };
  const code = typeof status === 'number' ? status : typeof statusCode === 'number' ? statusCode : undefined;
  if (code === undefined || code < 400 || code >= 500) return undefined;
  const as = (c: ErrorCode, message: string, httpStatus: number = statusFor(c)): Classified => ({
    error: new LicenceError(c, message),
    status: httpStatus,
    fault: false,
  });
  switch (type) {
    case 'entity.parse.failed':
      return as('MALFORMED_JSON', 'the request body is not valid JSON (an object or array is expected)');
    case 'entity.too.large':
      return as('PAYLOAD_TOO_LARGE', 'the request body is larger than the gateway accepts');
    case 'charset.unsupported':
      return as('UNSUPPORTED_MEDIA_TYPE', 'the request body must be UTF-8 JSON');
    case 'encoding.unsupported':
      return as('UNSUPPORTED_MEDIA_TYPE', 'compressed request bodies are not accepted');
    case 'content-type.unsupported':
      return as('UNSUPPORTED_MEDIA_TYPE', 'the request body must be application/json');
    default:
      break;
  }
  switch (code) {
    case 404:
      return as('NOT_FOUND', 'no such resource');
    case 413:
      return as('PAYLOAD_TOO_LARGE', 'the request body is larger than the gateway accepts');
    case 415:
      return as('UNSUPPORTED_MEDIA_TYPE', 'unsupported media type');
    case 429:
      return as('RATE_LIMITED', 'too many requests');
    default:
      return as('INVALID_ARGUMENT', 'the request could not be read');
  }
}

/** Builds the problem body for a classified error. */
export function toProblem(c: Classified, instance: string): Problem {
  const { error, status } = c;
  const detail = GENERIC_DETAIL[error.code] ?? error.message;
  const errors = fieldErrorsOf(error);
  return {
    type: problemType(error.code),
    title: titleOf(error.code),
    titleZh: TITLES_ZH[error.code],
    status,
    code: error.code,
    detail,
    instance,
    ...(errors === undefined ? {} : { errors }),
  };
}

function titleOf(code: ErrorCode): string {
  const words = code.toLowerCase().replace(/_/g, ' ');
  return words.charAt(0).toUpperCase() + words.slice(1);
}

/** Writes a problem response, with the headers its status calls for. */
export function sendProblem(res: Response, c: Classified, instance: string): void {
  const { error } = c;
  if (error.code === 'UNAUTHENTICATED') {
    // RFC 6750 §3: say a bearer token is expected, and whether the one given was rejected.
    const presented = error.details?.reason !== undefined && error.details.reason !== 'missing';
    res.setHeader(
      'WWW-Authenticate',
      presented ? 'Bearer realm="licence-ledger", error="invalid_token"' : 'Bearer realm="licence-ledger"',
    );
  }
  // Whatever the code: a rate limit, the ledger out of reach, a repeat of a request still running.
  const retry = error.details?.retryAfterSeconds;
  if (typeof retry === 'number') {
    res.setHeader('Retry-After', String(Math.max(1, Math.ceil(retry))));
  }
  res
    .status(c.status)
    .type(PROBLEM_CONTENT_TYPE)
    .send(JSON.stringify(toProblem(c, instance)));
}

/** The error handler; mount it last. */
export function problemHandler(fallback: Logger): ErrorRequestHandler {
  return (err: unknown, req, res, next) => {
    if (res.headersSent) {
      next(err);
      return;
    }
    const c = classify(err);
    const log = req.log ?? fallback;
    if (c.fault) log.error({ err, code: c.error.code }, 'request failed');
    else log.debug({ code: c.error.code, status: c.status }, 'request rejected');
    sendProblem(res, c, instanceOf(req.id, req.path));
  };
}

/** The 404 for routes nobody handles; mount it after every router, before the error handler. */
export const notFound: RequestHandler = (req, _res, next) => {
  next(new LicenceError('NOT_FOUND', `no route for ${req.method} ${req.path.slice(0, 200)}`));
};

function instanceOf(id: string | undefined, path: string): string {
  return id === undefined ? path.slice(0, 200) : `urn:licence-ledger:request:${id}`;
}
