/**
 * JSON request bodies: size-limited, UTF-8 only (invalid byte sequences are rejected rather than
 * silently replaced with U+FFFD), never compressed, and only under a JSON media type.
 */
import { isUtf8 } from 'node:buffer';
import express from 'express';
import type { RequestHandler } from 'express';
import { LicenceError } from '@licence-ledger/domain';

/** Media types read as JSON. */
export const JSON_TYPES = ['application/json', 'application/*+json'];

const METHODS_WITH_BODY = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);

/** Rejects a request that carries a body in anything but JSON (415, before any parsing). */
export const requireJsonBody: RequestHandler = (req, _res, next) => {
  const hasBody =
    req.headers['transfer-encoding'] !== undefined || Number(req.headers['content-length'] ?? 0) > 0;
  if (!METHODS_WITH_BODY.has(req.method) || !hasBody) {
    next();
    return;
  }
  if (req.is(JSON_TYPES) === false) {
    next(
      Object.assign(new Error('unsupported content type'), { status: 415, type: 'content-type.unsupported' }),
    );
    return;
  }
  const charset = /;\s*charset\s*=\s*"?([^";\s]*)/i.exec(req.headers['content-type'] ?? '')?.[1];
  if (charset !== undefined && !/^utf-?8$/i.test(charset)) {
    next(Object.assign(new Error('unsupported charset'), { status: 415, type: 'charset.unsupported' }));
    return;
  }
  next();
};

/** The JSON body parser with the gateway's limits. */
export function jsonBody(limitBytes: number): RequestHandler[] {
  return [
    requireJsonBody,
    express.json({
      limit: limitBytes,
      strict: true,
      inflate: false,
      type: JSON_TYPES,
      verify: (_req, _res, buf) => {
        if (!isUtf8(buf)) throw new LicenceError('MALFORMED_JSON', 'the request body is not valid UTF-8');
      },
    }),
  ];
}
