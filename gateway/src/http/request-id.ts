/** Request ids: accept the caller's X-Request-Id when it is sane, otherwise make one; echo it back. */
import { randomUUID } from 'node:crypto';
import type { RequestHandler } from 'express';
import type { Logger } from '../logging';

/** The header carrying the request id, both ways. */
export const REQUEST_ID_HEADER = 'X-Request-Id';

// Short, printable and free of separators, so an id can never forge log lines or headers.
const SANE = /^[A-Za-z0-9._:-]{1,64}$/;

/** Returns `candidate` when it is a usable request id, otherwise a fresh UUID. */
export function pickRequestId(candidate: unknown): string {
  return typeof candidate === 'string' && SANE.test(candidate) ? candidate : randomUUID();
}

/** Middleware setting `req.id`, `req.log` (a child of `logger`) and the response's X-Request-Id. */
export function requestId(logger: Logger): RequestHandler {
  return (req, res, next) => {
    const id = pickRequestId(req.get(REQUEST_ID_HEADER));
    req.id = id;
    req.log = logger.child({ reqId: id });
    res.setHeader(REQUEST_ID_HEADER, id);
    next();
  };
}
