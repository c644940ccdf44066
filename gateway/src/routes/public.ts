/** Public, unauthenticated routes: the province's keys as a JWKS (receipt key and agency keys). */
import { Router } from 'express';
import { exportJWK } from 'jose';
import type { MountedRouter } from '../app';
import type { ProvinceServices } from '../services';
import { op } from './common';

/** The JWKS router (/.well-known). */
export function publicRouter(services: ProvinceServices): MountedRouter {
  const { ctx } = services;
  const r = Router();
  r.get('/jwks.json', async (_req, res) => {
    const agencyKeys = await Promise.all(
      ctx.keys.keys().map(async (k) => ({
        ...(await exportJWK(k.publicKey)),
        kid: k.kid,
        alg: 'ES256',
        use: 'sig',
        x5c: [k.certificatePem.replace(/-----[A-Z ]+-----|\s/g, '')],
      })),
    );
    res.setHeader('Cache-Control', 'public, max-age=300');
    res.json({ keys: [ctx.receipt.publicJwk(), ...agencyKeys] });
  });
  return {
    path: '/.well-known',
    router: r,
    authenticated: false,
    openapi: {
      paths: {
        '/jwks.json': {
          get: op({
            summary: "This province's public keys: the receipt key and its agencies' signing keys",
            tag: 'health',
            roles: [],
            public: true,
            problems: [400],
          }),
        },
      },
    },
  };
}
