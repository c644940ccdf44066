/**
 * The trail intake: other provinces' gateways report verifications of this province's licences,
 * so their holders see every use. Public (no access token): each notification is a JWS that
 * authenticates its sending gateway by that province's configured receipt key.
 */
import { Router } from 'express';
import type { MountedRouter } from '../app';
import { createRateLimiter, rateLimit } from '../http/rate-limit';
import { compileValidator } from '../http/validate';
import type { ProvinceServices } from '../services';
import { op, schemaDoc } from './common';
import * as S from './schemas';

const trailBody = compileValidator<{ notification: string }>(S.TrailBody);

/** The trail router (/api/v1/trail). */
export function trailRouter(services: ProvinceServices): MountedRouter {
  const r = Router();
  // Public, so limited per sending address before any signature is checked; a peer gateway that
  // hits the limit gets 429 and retries later with backoff.
  const limiter = createRateLimiter({
    perMinute: services.ctx.config.trailRateLimitPerMinute,
    clock: services.ctx.clock,
  });
  r.post(
    '/',
    rateLimit(limiter, (req) => `address:${req.ip ?? ''}`),
    async (req, res) => {
      const { notification } = trailBody(req.body);
      const entry = await services.trailIntake.receive(notification);
      res.status(201).json({ id: entry.id, licenceId: entry.licenceId, at: entry.at });
    },
  );

  const tag = 'trail';
  return {
    path: '/api/v1/trail',
    router: r,
    authenticated: false,
    openapi: {
      tags: [
        {
          name: tag,
          description:
            "Gateway to gateway: verifications of this province's licences made in other provinces (使用痕迹)",
        },
      ],
      schemas: { TrailBody: schemaDoc(S.TrailBody) },
      paths: {
        '/': {
          post: {
            ...op({
              summary: "Record another province's verification of a licence this province issued",
              tag,
              roles: [],
              body: 'TrailBody',
              ok: 201,
              public: true,
              problems: [400, 401, 404, 409, 413, 415, 429],
            }),
            description:
              "Public: authenticated by the notification itself, a compact JWS (ES256, typ 'llv+jwt') signed " +
              "with the sending province's receipt key as configured here (TRAIL_PEERS), with iss = its MSP ID, " +
              'aud = this MSP ID, iat (at most 5 minutes old), jti (one entry per sender and jti: a repeat is 409) ' +
              'and the report: licenceId (issued by this province, else 404), verifierMsp (= iss), ' +
              'verifierAgency, verifierSub, purpose, result, at. 401 for an unknown sender or a bad signature; ' +
              '429 (with Retry-After) beyond TRAIL_RATE_LIMIT notifications a minute from one address.',
          },
        },
      },
    },
  };
}
