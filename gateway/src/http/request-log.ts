/**
 * One log line per request, written when the response finishes: method, route path, status and
 * duration. The query string is left out because callers may put identifiers in it.
 */
import type { RequestHandler } from 'express';
import type { Logger } from '../logging';

/** Middleware logging each finished request at info (5xx at error, 4xx at warn). */
export function requestLog(fallback: Logger): RequestHandler {
  return (req, res, next) => {
    const started = process.hrtime.bigint();
    res.on('finish', () => {
      const ms = Number(process.hrtime.bigint() - started) / 1e6;
      const log = req.log ?? fallback;
      const line = {
        req: { method: req.method, path: req.path.slice(0, 200) },
        res: { status: res.statusCode },
        ms: Math.round(ms * 100) / 100,
        principal: req.principal ? { sub: req.principal.sub, role: req.principal.role } : undefined,
      };
      if (res.statusCode >= 500) log.error(line, 'request failed');
      else if (res.statusCode >= 400) log.warn(line, 'request rejected');
      else log.info(line, 'request completed');
    });
    next();
  };
}
