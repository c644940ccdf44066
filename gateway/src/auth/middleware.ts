/** Express middleware for bearer authentication and role checks. */
import type { RequestHandler } from 'express';
import { LicenceError } from '@licence-ledger/domain';
import type { TokenVerifier } from './tokens';
import { rejected } from './tokens';
import type { PrincipalRole } from './principal';
import '../http/context';

const BEARER = /^Bearer +([^\s]+) *$/i;

/**
 * Requires a valid `Authorization: Bearer` access token and sets `req.principal`; otherwise 401
 * UNAUTHENTICATED (the problem handler adds WWW-Authenticate).
 */
export function authenticate(verifier: TokenVerifier): RequestHandler {
  return async (req, _res, next) => {
    const header = req.headers.authorization;
    if (header === undefined || header.length === 0) throw rejected('missing', 'an access token is required');
    const match = BEARER.exec(header);
    if (match?.[1] === undefined) throw rejected('malformed', 'use the Bearer authorization scheme');
    req.principal = await verifier.verify(match[1]);
    next();
  };
}

/** Allows only callers holding one of `roles` (403 ACCESS_DENIED otherwise). */
export function requireRole(...roles: PrincipalRole[]): RequestHandler {
  return (req, _res, next) => {
    const p = req.principal;
    if (p === undefined) throw rejected('missing', 'an access token is required');
    if (!roles.includes(p.role)) {
      throw new LicenceError('ACCESS_DENIED', `this needs the role ${roles.join(' or ')}`, { role: p.role });
    }
    next();
  };
}
