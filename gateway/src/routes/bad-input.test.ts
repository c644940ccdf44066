/* eslint-disable @typescript-eslint/no-unsafe-member-access -- supertest types response bodies as any; the assertions check their shape */
/**
 * Bad input never causes a 5xx and changes nothing: a corpus of hostile bodies, paths, headers and
 * encodings against every endpoint, plus fast-check properties over random bodies and tokens. A
 * well-formed verification request always answers 200, and never VALID for anything but a genuine
 * presentation; a token with a control character is refused at the edge with 400.
 */
import fc from 'fast-check';
import { hasControlCharacterInText } from '../http/text';
import {
  AGENCY,
  CLUSTER_START_MS,
  GD,
  HOLDER_ID,
  drivingLicence,
  presentation,
  startTestCluster,
} from './test-support';
import type { TestCluster } from './test-support';

jest.setTimeout(180_000);

const HOSTILE_BODIES: readonly unknown[] = [
  null,
  [],
  '',
  0,
  true,
  {},
  { __proto__: { admin: true } },
  { constructor: { prototype: { polluted: true } } },
  { typeCode: 'JDCJSZ' },
  { ...drivingLicence(), extra: 1 },
  { ...drivingLicence(), typeCode: 'x'.repeat(10_000) },
  { ...drivingLicence(), typeCode: "JDCJSZ'; DROP TABLE licences; --" },
  { ...drivingLicence(), fields: null },
  { ...drivingLicence(), fields: [] },
  { ...drivingLicence(), fields: { name: { $gt: '' } } },
  {
    ...drivingLicence(),
    fields: { name: '张三', idNo: '000000000000000000', class: 'C1', firstIssued: '2012-05-04' },
  },
  { ...drivingLicence(), validFrom: '2024-02-30' },
  { ...drivingLicence(), validFrom: '2030-01-01', validUntil: '2020-01-01' },
  { ...drivingLicence(), validUntil: 12 },
  { items: [] },
  { items: new Array(500).fill(drivingLicence()) },
  { action: 'supersede', reasonCode: 'X', reasonText: '' },
  { action: 'revoke', reasonCode: 'lower', reasonText: '' },
  { action: 'revoke', reasonCode: 'OK', reasonText: 'x'.repeat(501) },
  { token: 1, purpose: 'ok' },
  { token: 'a', purpose: '' },
  { disclose: 'name' },
  { disclose: ['name', 'name'] },
  { url: 'file:///etc/passwd', licenceIds: ['x'] },
  { agencyUscc: '../../etc' },
  JSON.parse('{"a":'.repeat(50) + '1' + '}'.repeat(50)) as unknown,
];

const ENDPOINTS: readonly { method: 'post' | 'get' | 'delete'; path: string; as: string }[] = [
  { method: 'post', path: '/api/v1/licences', as: 'issuer' },
  { method: 'post', path: '/api/v1/licences/batch', as: 'issuer' },
  { method: 'post', path: '/api/v1/licences/{id}/status', as: 'issuer' },
  { method: 'post', path: '/api/v1/licences/{id}/renew', as: 'issuer' },
  { method: 'post', path: '/api/v1/licences/{id}/amend', as: 'issuer' },
  { method: 'post', path: '/api/v1/licences/{id}/transfer', as: 'issuer' },
  { method: 'post', path: '/api/v1/transfers/accept', as: 'issuer' },
  { method: 'post', path: '/api/v1/holder/licences/{id}/presentations', as: 'holder' },
  { method: 'post', path: '/api/v1/verifications', as: 'verifier' },
  { method: 'post', path: '/api/v1/webhooks', as: 'verifier' },
  { method: 'post', path: '/api/v1/admin/agencies', as: 'admin' },
  { method: 'post', path: '/api/v1/admin/keys', as: 'admin' },
  { method: 'post', path: '/api/v1/admin/keys/{id}/compromise', as: 'admin' },
  { method: 'post', path: '/api/v1/admin/licence-types', as: 'admin' },
  { method: 'post', path: '/api/v1/admin/recognition-rules', as: 'admin' },
];

const HOSTILE_IDS = [
  '..%2F..%2Fetc%2Fpasswd',
  '%00',
  'x'.repeat(300),
  '1.2.156.3005.2.JDCJSZ.11440000MB2C93756J.1.001.0',
  encodeURIComponent("' OR 1=1 --"),
  '%F0%28%8C%BC',
];

describe('bad input', () => {
  let t: TestCluster;
  const auth: Record<string, string> = {};
  let id: string;

  beforeAll(async () => {
    t = await startTestCluster({ provinces: [GD] });
    auth.issuer = await t.token({ role: 'issuer', province: GD, agency: AGENCY.gdDmv });
    auth.admin = await t.token({ role: 'admin', province: GD });
    auth.verifier = await t.token({ role: 'verifier', province: GD });
    auth.holder = await t.token({ role: 'holder', province: GD, holderId: HOLDER_ID });
    const res = await t
      .http(GD)
      .post('/api/v1/licences')
      .set('authorization', auth.issuer)
      .send(drivingLicence());
    id = res.body.licence.id as string;
  }, CLUSTER_START_MS);
  afterAll(async () => {
    await t?.close();
  });

  const licenceState = async () =>
    (await t.http(GD).get(`/api/v1/licences/${id}`).set('authorization', auth.admin!)).body.licence as {
      status: string;
      revision: number;
    };

  it('answers every hostile body at every endpoint with a 4xx problem', async () => {
    const failures: string[] = [];
    for (const e of ENDPOINTS) {
      for (const [i, body] of HOSTILE_BODIES.entries()) {
        const path = e.path.replace('{id}', encodeURIComponent(id));
        const agent = t.http(GD);
        const res = await agent[e.method](path)
          .set('authorization', auth[e.as]!)
          .set('content-type', 'application/json')
          .send(JSON.stringify(body));
        const ok = res.status >= 400 && res.status < 500 && typeof res.body.code === 'string';
        // A well-formed verification body answers 200 with a result code instead.
        const verifyOk =
          e.path === '/api/v1/verifications' && res.status === 200 && res.body.result !== 'VALID';
        if (!ok && !verifyOk) failures.push(`${e.method} ${e.path} #${i}: ${res.status}`);
      }
    }
    expect(failures).toEqual([]);
    expect(await licenceState()).toMatchObject({ status: '01', revision: 1 });
  });

  it('answers hostile path ids with 4xx', async () => {
    for (const hostile of HOSTILE_IDS) {
      for (const path of [`/api/v1/licences/${hostile}`, `/api/v1/licences/${hostile}/history`]) {
        const res = await t.http(GD).get(path).set('authorization', auth.admin!);
        expect(res.status).toBeGreaterThanOrEqual(400);
        expect(res.status).toBeLessThan(500);
      }
      const res = await t
        .http(GD)
        .post(`/api/v1/licences/${hostile}/status`)
        .set('authorization', auth.issuer!)
        .send({ action: 'revoke', reasonCode: 'X', reasonText: '' });
      expect(res.status).toBeGreaterThanOrEqual(400);
      expect(res.status).toBeLessThan(500);
    }
  });

  it('refuses malformed JSON, invalid UTF-8, other media types, huge bodies and bad headers', async () => {
    const post = () => t.http(GD).post('/api/v1/licences').set('authorization', auth.issuer!);
    expect((await post().set('content-type', 'application/json').send('{"typeCode":')).body.code).toBe(
      'MALFORMED_JSON',
    );
    const invalidUtf8 = Buffer.concat([
      Buffer.from('{"typeCode":"'),
      Buffer.from([0xc3, 0x28]),
      Buffer.from('"}'),
    ]);
    const utf8 = await post().set('content-type', 'application/json').send(invalidUtf8);
    expect(utf8.status).toBe(400);
    expect((await post().set('content-type', 'text/plain').send('hello')).status).toBe(415);
    const huge = await post()
      .set('content-type', 'application/json')
      .send(JSON.stringify({ pad: 'x'.repeat(200_000) }));
    expect(huge.status).toBe(413);
    const badKey = await post().set('idempotency-key', 'é'.repeat(3)).send(drivingLicence());
    expect(badKey.status).toBe(400);
    const badCursor = await t.http(GD).get('/api/v1/licences?cursor=%%%').set('authorization', auth.issuer!);
    expect(badCursor.status).toBe(400);
    const badLimit = await t.http(GD).get('/api/v1/licences?limit=-1').set('authorization', auth.issuer!);
    expect(badLimit.status).toBe(400);
  });

  it('never answers 5xx to random bodies (property)', async () => {
    await fc.assert(
      fc.asyncProperty(fc.jsonValue({ maxDepth: 4 }), fc.constantFrom(...ENDPOINTS), async (body, e) => {
        const path = e.path.replace('{id}', encodeURIComponent(id));
        const res = await t
          .http(GD)
          .post(path)
          .set('authorization', auth[e.as]!)
          .set('content-type', 'application/json')
          .send(JSON.stringify(body));
        expect(res.status).toBeLessThan(500);
        if (res.status === 200 && e.path === '/api/v1/verifications')
          expect(res.body.result).not.toBe('VALID');
      }),
      { numRuns: 150 },
    );
    expect(await licenceState()).toMatchObject({ status: '01', revision: 1 });
  });

  it('never answers VALID to a tampered presentation: 200 with a result, 400 for a control character (property)', async () => {
    const p = await presentation(t, auth.holder!, id, ['name', 'class']);
    const token = p.body.token as string;
    await fc.assert(
      fc.asyncProperty(
        fc.nat({ max: token.length - 1 }),
        fc.integer({ min: 1, max: 255 }),
        async (at, delta) => {
          const code = token.charCodeAt(at);
          const tampered =
            token.slice(0, at) + String.fromCharCode((code + delta) % 256) + token.slice(at + 1);
          fc.pre(tampered !== token);
          const res = await t
            .http(GD)
            .post('/api/v1/verifications')
            .set('authorization', auth.verifier!)
            .send({ token: tampered, purpose: 'tamper test' });
          if (hasControlCharacterInText(tampered)) {
            // Refused at the edge, like any control character in a body (http/text.ts).
            expect([res.status, res.body.code]).toEqual([400, 'INVALID_ARGUMENT']);
          } else {
            expect(res.status).toBe(200);
            expect(res.body.result).not.toBe('VALID');
          }
        },
      ),
      { numRuns: 150 },
    );
  });
});
