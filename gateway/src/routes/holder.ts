/** Routes of licence holders: my licences, presentations (token + QR), who verified my licences. */
import { Router } from 'express';
import { LicenceError } from '@licence-ledger/domain';
import type { MountedRouter } from '../app';
import { requireRole } from '../auth/middleware';
import { principalOf } from '../http/context';
import { compileValidator } from '../http/validate';
import type { ProvinceServices } from '../services';
import {
  LICENCE_ID_PARAM,
  licenceIdParam,
  op,
  ownProvinceOnly,
  pageOf,
  schemaDoc,
  sendIdempotent,
  timeIdPage,
} from './common';
import * as S from './schemas';

const presentBody = compileValidator<{ disclose: string[] }>(S.PresentBody);

function holderRefOf(req: Parameters<typeof principalOf>[0]): string {
  const ref = principalOf(req).holderRef;
  if (ref === undefined) throw new LicenceError('ACCESS_DENIED', 'a holder token must carry hid');
  return ref;
}

/** The holder router (/api/v1/holder). */
export function holderRouter(services: ProvinceServices): MountedRouter {
  const { ctx, holder } = services;
  const r = Router();
  r.use(ownProvinceOnly(ctx), requireRole('holder'));

  r.get('/licences', async (req, res) => {
    const page = timeIdPage(req);
    res.json(pageOf(await holder.myLicences(holderRefOf(req), page)));
  });

  r.post('/licences/:id/presentations', async (req, res) => {
    const ref = holderRefOf(req);
    const { disclose } = presentBody(req.body);
    const id = licenceIdParam(req);
    await sendIdempotent(ctx, req, res, async () => ({
      status: 201,
      body: await holder.present(ref, id, disclose),
    }));
  });

  r.get('/verifications', async (req, res) => {
    const page = timeIdPage(req);
    res.json(pageOf(await holder.myVerifications(holderRefOf(req), page)));
  });

  const tag = 'holder';
  return {
    path: '/api/v1/holder',
    router: r,
    openapi: {
      tags: [
        { name: tag, description: 'Licence holders (持证主体): wallet, presentation (亮证), usage trace' },
      ],
      schemas: { PresentBody: schemaDoc(S.PresentBody) },
      paths: {
        '/licences': { get: op({ summary: 'My licences', tag, roles: ['holder'], list: true }) },
        '/licences/{id}/presentations': {
          post: op({
            summary:
              'Present a licence: short-lived token disclosing chosen fields, with PNG and SVG QR codes',
            tag,
            roles: ['holder'],
            body: 'PresentBody',
            ok: 201,
            idempotent: true,
            params: ['id'],
            paramDocs: { id: LICENCE_ID_PARAM },
            problems: [404],
          }),
        },
        '/verifications': {
          get: op({
            summary: 'Who verified my licences, and for what declared purpose',
            tag,
            roles: ['holder'],
            list: true,
          }),
        },
      },
    },
  };
}
