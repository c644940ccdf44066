/**
 * The verification route: a verifier of this province checks a presented token. A well-formed
 * request always gets HTTP 200 with a result code; only a malformed body is a 4xx. Rate limited per
 * caller.
 */
import { Router } from 'express';
import type { MountedRouter } from '../app';
import { requireRole } from '../auth/middleware';
import { principalOf } from '../http/context';
import { createRateLimiter, rateLimit } from '../http/rate-limit';
import { compileValidator } from '../http/validate';
import type { ProvinceServices } from '../services';
import { op, ownProvinceOnly, schemaDoc } from './common';
import * as S from './schemas';

const verifyBody = compileValidator<{ token: string; purpose: string }>(S.VerifyBody);

/** The verification router (/api/v1/verifications). */
export function verificationRouter(services: ProvinceServices): MountedRouter {
  const { ctx, verification } = services;
  const limiter = createRateLimiter({ perMinute: ctx.config.verifyRateLimitPerMinute, clock: ctx.clock });
  const r = Router();
  r.use(ownProvinceOnly(ctx));

  r.post('/', requireRole('verifier'), rateLimit(limiter), async (req, res) => {
    const { token, purpose } = verifyBody(req.body);
    res.json(await verification.verify(principalOf(req), token, purpose));
  });

  const tag = 'verification';
  return {
    path: '/api/v1/verifications',
    router: r,
    openapi: {
      tags: [
        {
          name: tag,
          description: "Verifiers: check a presented licence against this province's ledger copy",
        },
      ],
      schemas: { VerifyBody: schemaDoc(S.VerifyBody) },
      paths: {
        '/': {
          post: op({
            summary: 'Verify a presentation token (always 200 with a result code for a well-formed body)',
            tag,
            roles: ['verifier'],
            body: 'VerifyBody',
            problems: [429],
          }),
        },
      },
    },
  };
}
