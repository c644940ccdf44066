/** Routes of webhook subscribers (relying parties): subscribe to licences' status changes. */
import { Router } from 'express';
import type { MountedRouter } from '../app';
import { requireRole } from '../auth/middleware';
import { principalOf } from '../http/context';
import { compileValidator } from '../http/validate';
import type { ProvinceServices } from '../services';
import { op, ownProvinceOnly, pageOf, param, schemaDoc, sendIdempotent, timeIdPage } from './common';
import * as S from './schemas';

const webhookBody = compileValidator<{ url: string; licenceIds: string[] }>(S.WebhookBody);

/** The webhook router (/api/v1/webhooks). */
export function webhookRouter(services: ProvinceServices): MountedRouter {
  const { ctx, webhooks } = services;
  const r = Router();
  r.use(ownProvinceOnly(ctx), requireRole('verifier', 'issuer', 'admin'));

  r.post('/', async (req, res) => {
    const { url, licenceIds } = webhookBody(req.body);
    await sendIdempotent(ctx, req, res, async () => ({
      status: 201,
      body: await webhooks.subscribe(principalOf(req), url, licenceIds),
    }));
  });

  r.get('/', async (req, res) => {
    const page = timeIdPage(req);
    res.json(pageOf(await webhooks.list(principalOf(req), page)));
  });

  r.delete('/:id', async (req, res) => {
    await webhooks.unsubscribe(principalOf(req), param(req, 'id'));
    res.status(204).end();
  });

  r.get('/:id', async (req, res) => {
    res.json(await webhooks.get(principalOf(req), param(req, 'id')));
  });

  const tag = 'webhooks';
  const roles = ['verifier', 'issuer', 'admin'];
  return {
    path: '/api/v1/webhooks',
    router: r,
    openapi: {
      tags: [
        {
          name: tag,
          description: 'Signed notifications of status changes of the licences a party relies on',
        },
      ],
      schemas: { WebhookBody: schemaDoc(S.WebhookBody) },
      paths: {
        '/': {
          post: op({
            summary: 'Subscribe (returns the HMAC secret once)',
            tag,
            roles,
            body: 'WebhookBody',
            ok: 201,
            idempotent: true,
          }),
          get: op({ summary: 'My subscriptions', tag, roles, list: true }),
        },
        '/{id}': {
          get: op({ summary: 'One of my subscriptions', tag, roles, params: ['id'], problems: [404] }),
          delete: op({ summary: 'Unsubscribe', tag, roles, ok: 204, params: ['id'], problems: [404] }),
        },
      },
    },
  };
}
