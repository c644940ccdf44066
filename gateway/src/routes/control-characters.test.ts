/* eslint-disable @typescript-eslint/no-unsafe-member-access -- supertest types response bodies as any; the assertions check their shape */
/**
 * Control characters never reach storage (issue 11, defect 1: a NUL in a path id answered 500, a
 * NUL in a verification's purpose answered STATUS_UNAVAILABLE). The corpus is generated from the
 * OpenAPI document the gateway serves: NUL, every other C0 control character and DEL in every
 * path, query and header parameter and every string field of every body of every documented
 * operation, sent with a token of a role the operation admits. None may answer 5xx, and none may
 * make the gateway log at error level. The province's database is the embedded PGlite, or a
 * database of its own on the PostgreSQL server that TEST_DATABASE_URL names (where the 500s were seen).
 */
import { randomBytes, randomUUID } from 'node:crypto';
import { Writable } from 'node:stream';
import { hasControlCharacterInText } from '../http/text';
import type { OpenApiObject } from '../openapi';
import { runOnServer } from '../storage/db';
import { corpusStats, hostileCorpus } from './hostile-corpus';
import type { HostileRequest } from './hostile-corpus';
import {
  AGENCY,
  CLUSTER_START_MS,
  GD,
  HOLDER_ID,
  ZJ,
  drivingLicence,
  issueSampleLicence,
  presentation,
  startTestCluster,
} from './test-support';
import type { TestCluster } from './test-support';

jest.setTimeout(300_000);

/** The PostgreSQL server to use instead of the embedded database, when the run names one. */
const serverUrl = process.env.TEST_DATABASE_URL === '' ? undefined : process.env.TEST_DATABASE_URL;
const serverDb = `ll_cc_${randomBytes(4).toString('hex')}`;

/** Log lines at error level or above, collected from every province of the cluster. */
function errorLines(): { stream: Writable; lines: () => Array<Record<string, unknown>> } {
  const lines: Array<Record<string, unknown>> = [];
  let pending = '';
  const stream = new Writable({
    write(chunk: Buffer, _enc, done) {
      pending += chunk.toString();
      const parts = pending.split('\n');
      pending = parts.pop() ?? '';
      for (const part of parts) {
        const line = JSON.parse(part) as Record<string, unknown>;
        if (typeof line.level === 'number' && line.level >= 50) lines.push(line);
      }
      done();
    },
  });
  return { stream, lines: () => lines };
}

describe('control characters in requests', () => {
  let t: TestCluster;
  const log = errorLines();
  const auth: Record<string, string> = {};
  let corpus: HostileRequest[];
  let licenceId: string;

  const send = async (r: HostileRequest) => {
    const agent = t.http(GD);
    let req = agent[r.method as 'get' | 'post' | 'delete' | 'put' | 'patch'](r.url);
    const role = r.roles[0];
    if (role !== undefined) req = req.set('authorization', auth[role] ?? '');
    for (const [name, value] of Object.entries(r.headers)) req = req.set(name, value);
    if (r.body !== undefined) req = req.set('content-type', 'application/json').send(JSON.stringify(r.body));
    return req;
  };

  beforeAll(async () => {
    let databaseUrls: Record<string, string> | undefined;
    if (serverUrl !== undefined) {
      await runOnServer(serverUrl, `CREATE DATABASE ${serverDb}`);
      const url = new URL(serverUrl);
      url.pathname = `/${serverDb}`;
      databaseUrls = { [GD]: url.toString() };
    }
    t = await startTestCluster({
      provinces: [GD],
      ...(databaseUrls === undefined ? {} : { databaseUrls }),
      logLevel: 'warn',
      logDestination: log.stream,
      // The corpus sends thousands of verifications and trail notifications in a minute.
      configOverrides: { verifyRateLimitPerMinute: 1_000_000, trailRateLimitPerMinute: 1_000_000 },
    });
    auth.issuer = await t.token({ role: 'issuer', province: GD, agency: AGENCY.gdDmv });
    auth.admin = await t.token({ role: 'admin', province: GD });
    auth.verifier = await t.token({ role: 'verifier', province: GD });
    auth.holder = await t.token({ role: 'holder', province: GD, holderId: HOLDER_ID });
    licenceId = (await issueSampleLicence(t)).id;
    const hook = await t
      .http(GD)
      .post('/api/v1/webhooks')
      .set('authorization', auth.verifier)
      .send({ url: 'http://127.0.0.1:9/hook', licenceIds: [licenceId] });
    const keys = await t
      .http(GD)
      .get(`/api/v1/admin/keys?agency=${AGENCY.gdDmv}`)
      .set('authorization', auth.admin);
    const token = (await presentation(t, auth.holder, licenceId, ['name'])).body.token as string;
    const document = (await t.http(GD).get('/api/v1/openapi.json')).body as OpenApiObject;
    corpus = hostileCorpus(document, {
      params: {
        id: licenceId,
        '/api/v1/webhooks/{id} id': hook.body.id as string,
        '/api/v1/admin/trail-notifications/{id}/resend id': randomUUID(),
        uscc: AGENCY.gdDmv,
        kid: keys.body.items[0].kid as string,
        code: 'JDCJSZ',
        typeCode: 'JDCJSZ',
        agency: AGENCY.gdDmv,
        province: GD,
        state: 'failed',
        status: '01',
        q: '1.2.156',
        limit: '10',
      },
      bodies: {
        IssueBody: drivingLicence(),
        BatchBody: { items: [drivingLicence()] },
        StatusBody: { action: 'suspend', reasonCode: 'CORPUS', reasonText: 'corpus' },
        RenewBody: { validFrom: '2025-01-01', validUntil: '2035-01-01' },
        AmendBody: { fields: drivingLicence().fields },
        TransferBody: { toMsp: ZJ, reasonCode: 'MOVED', reasonText: 'corpus' },
        AcceptTransferBody: { predecessorId: licenceId, ...drivingLicence() },
        PresentBody: { disclose: ['name'] },
        VerifyBody: { token, purpose: 'corpus check' },
        AgencyBody: { uscc: AGENCY.gdMarket, name: '广州市市场监督管理局', licenceTypes: ['JDCJSZ'] },
        KeyBody: { agencyUscc: AGENCY.gdDmv },
        RecognitionRuleBody: {
          typeCode: 'JDCJSZ',
          issuingMsps: [ZJ],
          effectiveFrom: '2024-01-01T00:00:00.000Z',
        },
        WebhookBody: { url: 'http://127.0.0.1:9/hook', licenceIds: [licenceId] },
      },
    });
  }, CLUSTER_START_MS);
  afterAll(async () => {
    await t?.close();
    if (serverUrl !== undefined)
      await runOnServer(serverUrl, `DROP DATABASE IF EXISTS ${serverDb} WITH (FORCE)`);
  });

  it('covers every documented operation that takes a parameter or a body', () => {
    const stats = corpusStats(corpus);
    // Regression guard against a generator that silently covers nothing.
    expect(stats.operations).toBeGreaterThanOrEqual(30);
    for (const op of [
      'GET /api/v1/webhooks/{id}',
      'DELETE /api/v1/webhooks/{id}',
      'POST /api/v1/admin/trail-notifications/{id}/resend',
      'POST /api/v1/holder/licences/{id}/presentations',
      'POST /api/v1/verifications',
    ]) {
      expect(corpus.some((r) => r.operation === op)).toBe(true);
    }
  });

  it('refuses a NUL in a verification purpose as a 4xx, not STATUS_UNAVAILABLE, and logs no error', async () => {
    const before = log.lines().length;
    for (const purpose of ['border\u0000check', '\u0000\u0000', 'check\u0007']) {
      const token = (await presentation(t, auth.holder!, licenceId, ['name'])).body.token as string;
      const res = await t
        .http(GD)
        .post('/api/v1/verifications')
        .set('authorization', auth.verifier!)
        .send({ token, purpose });
      expect(res.status).toBe(400);
      expect(res.body.code).toBe('INVALID_ARGUMENT');
      // The token was not used up by the refused request.
      const ok = await t
        .http(GD)
        .post('/api/v1/verifications')
        .set('authorization', auth.verifier!)
        .send({ token, purpose: 'border check' });
      expect(ok.body.result).toBe('VALID');
    }
    expect(log.lines().slice(before)).toEqual([]);
  });

  it('answers no 5xx to the generated hostile corpus, and refuses every control character at the edge', async () => {
    const stats = corpusStats(corpus);
    const started = process.hrtime.bigint();
    const failures: string[] = [];
    for (const r of corpus) {
      const res = await send(r);
      const shown = `${r.operation} ${r.location} ${JSON.stringify(r.hostile)}: ${res.status} ${String(res.body?.code ?? res.body?.result ?? '')}`;
      // The edge's rule (http/text.ts); headers are HTTP's business and need only no 5xx.
      const refusedAtEdge =
        r.location.startsWith('path:') ||
        r.location.startsWith('query:') ||
        r.location.endsWith('/<name>') ||
        (r.location.startsWith('body:') && hasControlCharacterInText(r.hostile));
      if (res.status >= 500) failures.push(`5xx ${shown}`);
      else if (res.status === 200 && res.body?.result === 'STATUS_UNAVAILABLE')
        failures.push(`unavailable ${shown}`);
      else if (refusedAtEdge && (res.status !== 400 || res.body?.code !== 'INVALID_ARGUMENT'))
        failures.push(`not refused ${shown}`);
    }
    const seconds = Number(process.hrtime.bigint() - started) / 1e9;
    // The count and the coverage, for the CI log.
    process.stdout.write(
      `control-character corpus (${serverUrl === undefined ? 'embedded PGlite' : 'PostgreSQL server'}): ${stats.requests} requests, ${stats.operations} operations, ` +
        `${stats.locations} parameters and body fields, ${seconds.toFixed(1)} s, ${failures.length} failures\n`,
    );
    // Server errors first: they are what this guards.
    const order = (f: string) => (f.startsWith('5xx') ? 0 : f.startsWith('unavailable') ? 1 : 2);
    expect(failures.sort((a, b) => order(a) - order(b)).slice(0, 40)).toEqual([]);
    expect(log.lines().map((l) => l.msg)).toEqual([]);
  });
});
