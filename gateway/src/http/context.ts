/**
 * What the gateway's middleware attaches to each request: its id, a logger bound to it, and (after
 * authentication) the caller. Declared once here so every module sees the same typed fields.
 */
import type { Request } from 'express';
import type { Logger } from '../logging';
import type { Principal } from '../auth/principal';
import { LicenceError } from '@licence-ledger/domain';

declare global {
  // Express's documented extension point for request fields is this global namespace.
  // eslint-disable-next-line @typescript-eslint/no-namespace
  namespace Express {
    interface Request {
      /** Request id: the caller's sane X-Request-Id, or a generated one. */
      id?: string;
      /** Logger bound to this request's id. */
      log?: Logger;
      /** The authenticated caller, set by `authenticate`. */
      principal?: Principal;
    }
  }
}

/** The authenticated caller of a request; UNAUTHENTICATED when `authenticate` did not run or failed. */
export function principalOf(req: Request): Principal {
  if (req.principal === undefined) throw new LicenceError('UNAUTHENTICATED', 'authentication required');
  return req.principal;
}
