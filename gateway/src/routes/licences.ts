/**
 * Routes of issuing agencies (and their province's admins): issue one licence or a batch, list and
 * read their licences, history, status changes, renewal, amendment and transfers.
 */
import { Router } from 'express';
import type { StatusCode } from '@licence-ledger/domain';
import { STATUS_CODES } from '@licence-ledger/domain';
import type { MountedRouter } from '../app';
import { requireRole } from '../auth/middleware';
import { principalOf } from '../http/context';
import { compileValidator } from '../http/validate';
import type { IssueInput } from '../services/issuance';
import type { StoredResponse } from '../services/idempotency';
import type { ProvinceServices } from '../services';
import { issuerAgency } from '../services/access';
import type { StatusChangeInput } from '../services/licences';
import {
  LICENCE_ID_PARAM,
  USCC_PARAM,
  licenceIdParam,
  op,
  ownProvinceOnly,
  pageOf,
  queryString,
  schemaDoc,
  sendIdempotent,
  timeIdPage,
  usccQuery,
} from './common';
import * as S from './schemas';

const issueBody = compileValidator<IssueInput>(S.IssueBody);
const batchBody = compileValidator<{ items: IssueInput[] }>(S.BatchBody);
const statusBody = compileValidator<StatusChangeInput>(S.StatusBody);
const renewBody = compileValidator<{ validFrom: string; validUntil: string | null }>(S.RenewBody);
const amendBody = compileValidator<{ fields: unknown; validFrom?: string; validUntil?: string | null }>(
  S.AmendBody,
);
const transferBody = compileValidator<{ toMsp: string; reasonCode: string; reasonText: string }>(
  S.TransferBody,
);
const acceptBody = compileValidator<IssueInput & { predecessorId: string }>(S.AcceptTransferBody);

const STATUS_QUERY = new RegExp(`^(${STATUS_CODES.join('|')})$`);

/** The licence routers (/api/v1/licences and /api/v1/transfers). */
export function licenceRouters(services: ProvinceServices): MountedRouter[] {
  const { ctx, issuance, licences } = services;
  const created = (body: unknown): StoredResponse => ({ status: 201, body });
  // An outbox-backed call cut short is answered from its outbox row once that is finished.
  const resumeIssuance = async (outboxId: string): Promise<StoredResponse | undefined> => {
    const outcome = await issuance.resume(outboxId);
    return outcome === undefined ? undefined : created(outcome);
  };
  const r = Router();
  r.use(ownProvinceOnly(ctx));

  r.post('/', requireRole('issuer'), async (req, res) => {
    const agency = issuerAgency(principalOf(req));
    const input = issueBody(req.body);
    await sendIdempotent(ctx, req, res, {
      run: async (link) => created(await issuance.issue(agency, input, link)),
      resume: resumeIssuance,
    });
  });

  r.post('/batch', requireRole('issuer'), async (req, res) => {
    const agency = issuerAgency(principalOf(req));
    const { items } = batchBody(req.body);
    await sendIdempotent(ctx, req, res, {
      run: async (link) => created(await issuance.issueBatch(agency, items, link)),
      resume: resumeIssuance,
    });
  });

  r.get('/', requireRole('issuer', 'admin'), async (req, res) => {
    const page = timeIdPage(req);
    const typeCode = queryString(req, 'typeCode', /^[0-9A-Z]{1,32}$/);
    const status = queryString(req, 'status', STATUS_QUERY) as StatusCode | undefined;
    const idPrefix = queryString(req, 'q', /^[0-9A-Z.]{1,128}$/);
    const agencyUscc = usccQuery(req, 'agency');
    const rows = await licences.list(principalOf(req), page, {
      ...(agencyUscc === undefined ? {} : { agencyUscc }),
      ...(typeCode === undefined ? {} : { typeCode }),
      ...(status === undefined ? {} : { status }),
      ...(idPrefix === undefined ? {} : { idPrefix }),
    });
    res.json(pageOf(rows));
  });

  r.get('/:id', requireRole('issuer', 'admin'), async (req, res) => {
    res.json(await licences.read(principalOf(req), licenceIdParam(req)));
  });

  r.get('/:id/history', requireRole('issuer', 'admin'), async (req, res) => {
    res.json({ items: await licences.history(principalOf(req), licenceIdParam(req)) });
  });

  r.post('/:id/status', requireRole('issuer', 'admin'), async (req, res) => {
    const input = statusBody(req.body);
    const id = licenceIdParam(req);
    await sendIdempotent(ctx, req, res, async () => ({
      status: 200,
      body: await licences.changeStatus(principalOf(req), id, input),
    }));
  });

  r.post('/:id/renew', requireRole('issuer'), async (req, res) => {
    const agency = issuerAgency(principalOf(req));
    const input = renewBody(req.body);
    const id = licenceIdParam(req);
    await sendIdempotent(ctx, req, res, {
      run: async (link) => created(await issuance.renew(agency, id, input, link)),
      resume: resumeIssuance,
    });
  });

  r.post('/:id/amend', requireRole('issuer'), async (req, res) => {
    const agency = issuerAgency(principalOf(req));
    const input = amendBody(req.body);
    const id = licenceIdParam(req);
    await sendIdempotent(ctx, req, res, {
      run: async (link) => created(await issuance.amend(agency, id, input, link)),
      resume: resumeIssuance,
    });
  });

  r.post('/:id/transfer', requireRole('issuer', 'admin'), async (req, res) => {
    const input = transferBody(req.body);
    const id = licenceIdParam(req);
    await sendIdempotent(ctx, req, res, async () => ({
      status: 200,
      body: await licences.transferOut(principalOf(req), id, input),
    }));
  });

  r.post('/:id/transfer/cancel', requireRole('issuer', 'admin'), async (req, res) => {
    const id = licenceIdParam(req);
    await sendIdempotent(ctx, req, res, async () => ({
      status: 200,
      body: await licences.cancelTransfer(principalOf(req), id),
    }));
  });

  const t = Router();
  t.use(ownProvinceOnly(ctx));
  t.post('/accept', requireRole('issuer'), async (req, res) => {
    const agency = issuerAgency(principalOf(req));
    const { predecessorId, ...input } = acceptBody(req.body);
    await sendIdempotent(ctx, req, res, {
      run: async (link) => created(await issuance.acceptTransfer(agency, predecessorId, input, link)),
      resume: resumeIssuance,
    });
  });

  const tag = 'licences';
  const byId = { params: ['id'], paramDocs: { id: LICENCE_ID_PARAM }, problems: [404, 409] };
  return [
    {
      path: '/api/v1/licences',
      router: r,
      openapi: {
        tags: [
          { name: tag, description: 'Issuing agencies: issue, list, change status, renew, amend, transfer' },
        ],
        schemas: {
          IssueBody: schemaDoc(S.IssueBody),
          BatchBody: schemaDoc(S.BatchBody),
          StatusBody: schemaDoc(S.StatusBody),
          RenewBody: schemaDoc(S.RenewBody),
          AmendBody: schemaDoc(S.AmendBody),
          TransferBody: schemaDoc(S.TransferBody),
        },
        paths: {
          '/': {
            post: op({
              summary: 'Issue a licence',
              tag,
              roles: ['issuer'],
              body: 'IssueBody',
              ok: 201,
              idempotent: true,
              problems: [409, 422],
            }),
            get: op({
              summary: "List this agency's (or province's) licences",
              tag,
              roles: ['issuer', 'admin'],
              list: true,
              query: ['agency', 'typeCode', 'status', 'q'],
              paramDocs: { agency: USCC_PARAM },
            }),
          },
          '/batch': {
            post: op({
              summary: 'Issue a batch in one ledger transaction',
              tag,
              roles: ['issuer'],
              body: 'BatchBody',
              ok: 201,
              idempotent: true,
              problems: [409, 422],
            }),
          },
          '/{id}': {
            get: op({
              summary: 'Read a licence (record and content)',
              tag,
              roles: ['issuer', 'admin'],
              ...byId,
            }),
          },
          '/{id}/history': {
            get: op({ summary: 'Ledger history of a licence', tag, roles: ['issuer', 'admin'], ...byId }),
          },
          '/{id}/status': {
            post: op({
              summary: 'Suspend, reinstate, revoke, annul, cancel, expire or set other status',
              tag,
              roles: ['issuer', 'admin'],
              body: 'StatusBody',
              idempotent: true,
              ...byId,
            }),
          },
          '/{id}/renew': {
            post: op({
              summary: 'Renew (new licence, predecessor cancelled)',
              tag,
              roles: ['issuer'],
              body: 'RenewBody',
              ok: 201,
              idempotent: true,
              ...byId,
            }),
          },
          '/{id}/amend': {
            post: op({
              summary: 'Amend (next version, predecessor cancelled)',
              tag,
              roles: ['issuer'],
              body: 'AmendBody',
              ok: 201,
              idempotent: true,
              ...byId,
            }),
          },
          '/{id}/transfer': {
            post: op({
              summary: 'Transfer out to another province',
              tag,
              roles: ['issuer', 'admin'],
              body: 'TransferBody',
              idempotent: true,
              ...byId,
            }),
          },
          '/{id}/transfer/cancel': {
            post: op({
              summary: 'Withdraw a pending transfer',
              tag,
              roles: ['issuer', 'admin'],
              idempotent: true,
              ...byId,
            }),
          },
        },
      },
    },
    {
      path: '/api/v1/transfers',
      router: t,
      openapi: {
        schemas: { AcceptTransferBody: schemaDoc(S.AcceptTransferBody) },
        paths: {
          '/accept': {
            post: op({
              summary: 'Accept a licence transferred to this province',
              tag,
              roles: ['issuer'],
              body: 'AcceptTransferBody',
              ok: 201,
              idempotent: true,
              problems: [404, 409, 422],
            }),
          },
        },
      },
    },
  ];
}
