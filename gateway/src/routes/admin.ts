/**
 * Routes of the province administration: agencies, signing keys, licence type proposals and
 * recognition rules. The catalogue and registry reads are open to every role of the province.
 */
import { Router } from 'express';
import { LicenceError } from '@licence-ledger/domain';
import type { AgencyInput, LicenceTypeInput, RecognitionRuleInput } from '@licence-ledger/domain';
import type { MountedRouter } from '../app';
import { requireRole } from '../auth/middleware';
import { compileValidator } from '../http/validate';
import { parsePageQuery } from '../http/pagination';
import type { Request } from 'express';
import type { PageRequest } from '../ledger/client';
import type { ProvinceServices } from '../services';
import {
  USCC_PARAM,
  op,
  ownProvinceOnly,
  pageOf,
  param,
  queryString,
  schemaDoc,
  sendIdempotent,
  timeIdPage,
  usccParam,
  usccQuery,
} from './common';
import * as S from './schemas';

const MSP_ID = /^[A-Za-z][A-Za-z0-9.-]{0,63}$/;
const MSP_PARAM = {
  description: "a member province's MSP ID, e.g. GuangdongMSP (else 400 INVALID_ARGUMENT)",
  schema: { type: 'string', minLength: 1, maxLength: 64, pattern: '^[A-Za-z][A-Za-z0-9.-]{0,63}$' },
} as const;

const agencyBody = compileValidator<AgencyInput>(S.AgencyBody);
const keyBody = compileValidator<{ agencyUscc: string }>(S.KeyBody);
const compromiseBody = compileValidator<{ compromisedAt?: string }>(S.CompromiseBody);
const typeBody = compileValidator<LicenceTypeInput>(S.LicenceTypeBody);
const ruleBody = compileValidator<RecognitionRuleInput>(S.RecognitionRuleBody);

/** Ledger lists page with the chaincode's bookmark, carried in our opaque cursor. */
function ledgerPage(req: Request): PageRequest {
  const { limit, after } = parsePageQuery(req.query);
  if (after === undefined) return { pageSize: limit };
  const [bookmark] = after;
  if (after.length !== 1 || typeof bookmark !== 'string') {
    throw new LicenceError('INVALID_ARGUMENT', 'the cursor is not one this API returned', {
      parameter: 'cursor',
    });
  }
  return { pageSize: limit, bookmark };
}

/** A ledger page in the API's page shape. */
function apiPage<T>(page: { items: readonly T[]; bookmark: string }): {
  items: readonly T[];
  nextCursor?: string;
} {
  return page.bookmark === ''
    ? { items: page.items }
    : { items: page.items, nextCursor: Buffer.from(JSON.stringify([page.bookmark])).toString('base64url') };
}

/** The admin routers (/api/v1/admin and the shared catalogue reads under /api/v1/registry). */
export function adminRouters(services: ProvinceServices): MountedRouter[] {
  const { ctx, admin } = services;
  const a = Router();
  a.use(ownProvinceOnly(ctx), requireRole('admin'));

  a.get('/agencies', async (req, res) => res.json(apiPage(await admin.listAgencies(ledgerPage(req)))));
  a.post('/agencies', async (req, res) => {
    const input = agencyBody(req.body);
    await sendIdempotent(ctx, req, res, async () => ({
      status: 201,
      body: await admin.registerAgency(input),
    }));
  });
  a.post('/agencies/:uscc/retire', async (req, res) => {
    res.json(await admin.retireAgency(usccParam(req)));
  });

  a.get('/keys', async (req, res) => {
    const agency = usccQuery(req, 'agency');
    if (agency === undefined)
      throw new LicenceError('INVALID_ARGUMENT', 'give ?agency=<USCC>', { parameter: 'agency' });
    res.json(apiPage(await admin.listKeys(agency, ledgerPage(req))));
  });
  a.post('/keys', async (req, res) => {
    const { agencyUscc } = keyBody(req.body);
    await sendIdempotent(ctx, req, res, async () => ({
      status: 201,
      body: await admin.registerKey(agencyUscc),
    }));
  });
  a.post('/keys/:kid/rotate', async (req, res) => {
    const kid = param(req, 'kid');
    await sendIdempotent(ctx, req, res, async () => ({ status: 201, body: await admin.rotateKey(kid) }));
  });
  a.post('/keys/:kid/retire', async (req, res) => res.json(await admin.retireKey(param(req, 'kid'))));
  a.post('/keys/:kid/compromise', async (req, res) => {
    const { compromisedAt } = compromiseBody(req.body ?? {});
    res.json(await admin.markKeyCompromised(param(req, 'kid'), compromisedAt));
  });

  a.get('/proposals', async (req, res) => res.json(apiPage(await admin.listProposals(ledgerPage(req)))));
  a.post('/licence-types', async (req, res) => {
    const input = typeBody(req.body);
    await sendIdempotent(ctx, req, res, async () => ({
      status: 201,
      body: await admin.proposeLicenceType(input),
    }));
  });
  a.post('/proposals/:id/approve', async (req, res) =>
    res.json(await admin.approveProposal(param(req, 'id'))),
  );

  a.post('/recognition-rules', async (req, res) => {
    const input = ruleBody(req.body);
    await sendIdempotent(ctx, req, res, async () => ({
      status: 201,
      body: await admin.publishRecognitionRule(input),
    }));
  });

  a.get('/trail-notifications', async (req, res) => {
    const state = (queryString(req, 'state', /^(pending|delivered|failed)$/) ?? 'failed') as
      'pending' | 'delivered' | 'failed';
    res.json(pageOf(await services.trail.list(state, timeIdPage(req))));
  });
  a.post('/trail-notifications/:id/resend', async (req, res) => {
    res.json(await services.trail.resend(param(req, 'id')));
  });

  const g = Router();
  g.use(ownProvinceOnly(ctx));
  g.get('/licence-types', async (req, res) =>
    res.json(apiPage(await admin.listLicenceTypes(ledgerPage(req)))),
  );
  g.get('/licence-types/:code', async (req, res) => res.json(await admin.getLicenceType(param(req, 'code'))));
  g.get('/agencies/:uscc', async (req, res) => res.json(await admin.getAgency(usccParam(req))));
  g.get('/provinces/:msp', async (req, res) => {
    const msp = param(req, 'msp');
    if (!MSP_ID.test(msp)) {
      throw new LicenceError('INVALID_ARGUMENT', 'msp is not an MSP ID', { parameter: 'msp' });
    }
    res.json(await admin.getProvince(msp));
  });
  g.get('/recognition-rules/:typeCode', async (req, res) => {
    const msp = queryString(req, 'province', /^[A-Za-z][A-Za-z0-9.-]{0,63}$/);
    res.json({ items: await admin.recognitionRuleHistory(param(req, 'typeCode'), msp) });
  });

  const tag = 'admin';
  const roles = ['admin'];
  const all = ['admin', 'issuer', 'verifier', 'holder'];
  return [
    {
      path: '/api/v1/admin',
      router: a,
      openapi: {
        tags: [
          { name: tag, description: 'Province administration: agencies, keys, catalogue, recognition rules' },
        ],
        schemas: {
          AgencyBody: schemaDoc(S.AgencyBody),
          KeyBody: schemaDoc(S.KeyBody),
          CompromiseBody: schemaDoc(S.CompromiseBody),
          LicenceTypeBody: schemaDoc(S.LicenceTypeBody),
          RecognitionRuleBody: schemaDoc(S.RecognitionRuleBody),
        },
        paths: {
          '/agencies': {
            get: op({ summary: "This province's agencies", tag, roles, list: true }),
            post: op({
              summary: 'Register an agency',
              tag,
              roles,
              body: 'AgencyBody',
              ok: 201,
              idempotent: true,
              problems: [409],
            }),
          },
          '/trail-notifications': {
            get: op({
              summary:
                "This gateway's notifications to issuing provinces (使用痕迹), by delivery state (default failed)",
              tag,
              roles,
              list: true,
              query: ['state'],
            }),
          },
          '/trail-notifications/{id}/resend': {
            post: op({
              summary: 'Queue a notification that was given up on once more, with a fresh retry budget',
              tag,
              roles,
              params: ['id'],
              problems: [404, 409],
            }),
          },
          '/agencies/{uscc}/retire': {
            post: op({
              summary: 'Retire an agency',
              tag,
              roles,
              params: ['uscc'],
              paramDocs: { uscc: USCC_PARAM },
              problems: [404],
            }),
          },
          '/keys': {
            get: op({
              summary: "An agency's signing keys",
              tag,
              roles,
              list: true,
              query: ['agency'],
              paramDocs: { agency: USCC_PARAM },
              problems: [404],
            }),
            post: op({
              summary: 'Generate, certify and register a signing key',
              tag,
              roles,
              body: 'KeyBody',
              ok: 201,
              idempotent: true,
              problems: [404],
            }),
          },
          '/keys/{kid}/rotate': {
            post: op({
              summary: 'Rotate a key',
              tag,
              roles,
              ok: 201,
              idempotent: true,
              params: ['kid'],
              problems: [404, 409],
            }),
          },
          '/keys/{kid}/retire': {
            post: op({ summary: 'Retire a key', tag, roles, params: ['kid'], problems: [404, 409] }),
          },
          '/keys/{kid}/compromise': {
            post: op({
              summary: 'Mark a key compromised',
              tag,
              roles,
              body: 'CompromiseBody',
              params: ['kid'],
              problems: [404],
            }),
          },
          '/proposals': {
            get: op({ summary: 'Catalogue and membership proposals', tag, roles, list: true }),
          },
          '/licence-types': {
            post: op({
              summary: 'Propose a licence type',
              tag,
              roles,
              body: 'LicenceTypeBody',
              ok: 201,
              idempotent: true,
              problems: [409],
            }),
          },
          '/proposals/{id}/approve': {
            post: op({ summary: 'Approve a proposal', tag, roles, params: ['id'], problems: [404, 409] }),
          },
          '/recognition-rules': {
            post: op({
              summary: "Publish this province's recognition rule",
              tag,
              roles,
              body: 'RecognitionRuleBody',
              ok: 201,
              idempotent: true,
              problems: [422],
            }),
          },
        },
      },
    },
    {
      path: '/api/v1/registry',
      router: g,
      openapi: {
        tags: [{ name: 'registry', description: 'Consortium registry reads' }],
        paths: {
          '/licence-types': {
            get: op({ summary: 'The licence type catalogue', tag: 'registry', roles: all, list: true }),
          },
          '/licence-types/{code}': {
            get: op({
              summary: 'A licence type with its field schema',
              tag: 'registry',
              roles: all,
              params: ['code'],
              problems: [422],
            }),
          },
          '/agencies/{uscc}': {
            get: op({
              summary: 'An agency',
              tag: 'registry',
              roles: all,
              params: ['uscc'],
              paramDocs: { uscc: USCC_PARAM },
              problems: [404],
            }),
          },
          '/provinces/{msp}': {
            get: op({
              summary:
                'A member province: its GB/T 2260 code and name (广东省), for showing names, not MSP IDs',
              tag: 'registry',
              roles: all,
              params: ['msp'],
              paramDocs: { msp: MSP_PARAM },
              problems: [404],
            }),
          },
          '/recognition-rules/{typeCode}': {
            get: op({
              summary: 'Recognition rule history of a type',
              tag: 'registry',
              roles: all,
              params: ['typeCode'],
              query: ['province'],
            }),
          },
        },
      },
    },
  ];
}
