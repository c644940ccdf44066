/* eslint-disable @typescript-eslint/no-unsafe-member-access -- supertest types response bodies as any; the assertions check their shape */
/**
 * The authorisation matrix: every kind of caller (role × province × own/foreign agency) against
 * every kind of operation on a Guangdong licence, through Guangdong's gateway, plus Zhejiang's
 * gateway asked to change the Guangdong licence. Operations that would change something are chosen
 * so an authorised call fails on the transition table (409) rather than mutating the licence, which
 * keeps every row independent of the others.
 */
import {
  AGENCY,
  CLUSTER_START_MS,
  GD,
  HOLDER_ID,
  OTHER_HOLDER_ID,
  ZJ,
  drivingLicence,
  startTestCluster,
} from './test-support';
import type { TestCluster, TokenClaims } from './test-support';

jest.setTimeout(120_000);

const CALLERS: Record<string, TokenClaims> = {
  'gd-issuer-own': { role: 'issuer', province: GD, agency: AGENCY.gdDmv },
  'gd-issuer-other-agency': { role: 'issuer', province: GD, agency: AGENCY.gdMarket },
  'gd-admin': { role: 'admin', province: GD },
  'gd-verifier': { role: 'verifier', province: GD },
  'gd-holder-own': { role: 'holder', province: GD, holderId: HOLDER_ID },
  'gd-holder-other': { role: 'holder', province: GD, holderId: OTHER_HOLDER_ID },
  'zj-issuer': { role: 'issuer', province: ZJ, agency: AGENCY.zjDmv },
  'zj-admin': { role: 'admin', province: ZJ },
  'zj-verifier': { role: 'verifier', province: ZJ },
};

type Op = (t: TestCluster, auth: string, id: string) => Promise<{ status: number; body: { code?: string } }>;

const OPS: Record<string, Op> = {
  read: (t, auth, id) => t.http(GD).get(`/api/v1/licences/${id}`).set('authorization', auth),
  history: (t, auth, id) => t.http(GD).get(`/api/v1/licences/${id}/history`).set('authorization', auth),
  list: (t, auth) => t.http(GD).get(`/api/v1/licences?agency=${AGENCY.gdDmv}`).set('authorization', auth),
  // Reinstating a valid licence is refused by the transition table: authorised callers get 409.
  status: (t, auth, id) =>
    t
      .http(GD)
      .post(`/api/v1/licences/${id}/status`)
      .set('authorization', auth)
      .send({ action: 'reinstate', reasonCode: 'MATRIX', reasonText: 'matrix' }),
  // A bad type code: authorised callers get 422 from the catalogue, before anything is written.
  issue: (t, auth) =>
    t
      .http(GD)
      .post('/api/v1/licences')
      .set('authorization', auth)
      .send({ ...drivingLicence(), typeCode: 'NOSUCHTYPE' }),
  renew: (t, auth, id) =>
    t
      .http(GD)
      .post(`/api/v1/licences/${id}/renew`)
      .set('authorization', auth)
      .send({ validFrom: '2030-01-01', validUntil: '2020-01-01' }),
  present: (t, auth, id) =>
    t
      .http(GD)
      .post(`/api/v1/holder/licences/${id}/presentations`)
      .set('authorization', auth)
      .send({ disclose: ['nosuchfield'] }),
  'my-licences': (t, auth) => t.http(GD).get('/api/v1/holder/licences').set('authorization', auth),
  verify: (t, auth) =>
    t
      .http(GD)
      .post('/api/v1/verifications')
      .set('authorization', auth)
      .send({ token: 'x.y.z', purpose: 'matrix' }),
  'admin-agencies': (t, auth) => t.http(GD).get('/api/v1/admin/agencies').set('authorization', auth),
  'licence-types': (t, auth) => t.http(GD).get('/api/v1/registry/licence-types').set('authorization', auth),
  webhooks: (t, auth) => t.http(GD).get('/api/v1/webhooks').set('authorization', auth),
};

/** Expected HTTP status per caller and operation. */
const EXPECTED: Record<string, Record<string, number>> = {
  'gd-issuer-own': {
    read: 200,
    history: 200,
    list: 200,
    status: 409,
    issue: 422,
    renew: 400,
    present: 403,
    'my-licences': 403,
    verify: 403,
    'admin-agencies': 403,
    'licence-types': 200,
    webhooks: 200,
  },
  'gd-issuer-other-agency': {
    read: 403,
    history: 403,
    list: 403,
    status: 403,
    issue: 422,
    renew: 403,
    present: 403,
    'my-licences': 403,
    verify: 403,
    'admin-agencies': 403,
    'licence-types': 200,
    webhooks: 200,
  },
  'gd-admin': {
    read: 200,
    history: 200,
    list: 200,
    status: 409,
    issue: 403,
    renew: 403,
    present: 403,
    'my-licences': 403,
    verify: 403,
    'admin-agencies': 200,
    'licence-types': 200,
    webhooks: 200,
  },
  'gd-verifier': {
    read: 403,
    history: 403,
    list: 403,
    status: 403,
    issue: 403,
    renew: 403,
    present: 403,
    'my-licences': 403,
    verify: 200,
    'admin-agencies': 403,
    'licence-types': 200,
    webhooks: 200,
  },
  'gd-holder-own': {
    read: 403,
    history: 403,
    list: 403,
    status: 403,
    issue: 403,
    renew: 403,
    present: 400,
    'my-licences': 200,
    verify: 403,
    'admin-agencies': 403,
    'licence-types': 200,
    webhooks: 403,
  },
  'gd-holder-other': {
    read: 403,
    history: 403,
    list: 403,
    status: 403,
    issue: 403,
    renew: 403,
    present: 404,
    'my-licences': 200,
    verify: 403,
    'admin-agencies': 403,
    'licence-types': 200,
    webhooks: 403,
  },
  'zj-issuer': {
    read: 403,
    history: 403,
    list: 403,
    status: 403,
    issue: 403,
    renew: 403,
    present: 403,
    'my-licences': 403,
    verify: 403,
    'admin-agencies': 403,
    'licence-types': 403,
    webhooks: 403,
  },
  'zj-admin': {
    read: 403,
    history: 403,
    list: 403,
    status: 403,
    issue: 403,
    renew: 403,
    present: 403,
    'my-licences': 403,
    verify: 403,
    'admin-agencies': 403,
    'licence-types': 403,
    webhooks: 403,
  },
  'zj-verifier': {
    read: 403,
    history: 403,
    list: 403,
    status: 403,
    issue: 403,
    renew: 403,
    present: 403,
    'my-licences': 403,
    verify: 403,
    'admin-agencies': 403,
    'licence-types': 403,
    webhooks: 403,
  },
};

describe('authorisation matrix (Guangdong licence, Guangdong gateway)', () => {
  let t: TestCluster;
  let id: string;
  const tokens: Record<string, string> = {};

  beforeAll(async () => {
    t = await startTestCluster({ provinces: [GD, ZJ] });
    for (const [name, claims] of Object.entries(CALLERS)) tokens[name] = await t.token(claims, GD);
    const issued = await t
      .http(GD)
      .post('/api/v1/licences')
      .set('authorization', tokens['gd-issuer-own']!)
      .send(drivingLicence());
    expect(issued.status).toBe(201);
    id = issued.body.licence.id as string;
  }, CLUSTER_START_MS);
  afterAll(async () => {
    await t?.close();
  });

  it('answers exactly the expected status for every caller and operation', async () => {
    const actual: Record<string, Record<string, number>> = {};
    for (const caller of Object.keys(CALLERS)) {
      actual[caller] = {};
      for (const [name, op] of Object.entries(OPS)) {
        const res = await op(t, tokens[caller]!, id);
        actual[caller][name] = res.status;
        if (res.status === 403) expect(res.body.code).toBe('ACCESS_DENIED');
      }
    }
    expect(actual).toEqual(EXPECTED);
    // Nothing in the matrix changed the licence.
    const after = await t.http(GD).get(`/api/v1/licences/${id}`).set('authorization', tokens['gd-admin']!);
    expect(after.body.licence).toMatchObject({ status: '01', revision: 1 });
  });

  it("refuses another province's gateway acting on the licence, whatever the role", async () => {
    for (const claims of [CALLERS['zj-issuer']!, CALLERS['zj-admin']!]) {
      const res = await t
        .http(ZJ)
        .post(`/api/v1/licences/${id}/status`)
        .set('authorization', await t.token(claims, ZJ))
        .send({ action: 'revoke', reasonCode: 'FOREIGN', reasonText: 'not ours' });
      expect(res.status).toBe(403);
      expect(res.body.code).toBe('ACCESS_DENIED');
    }
    const read = await t
      .http(ZJ)
      .get(`/api/v1/licences/${id}`)
      .set('authorization', await t.token(CALLERS['zj-admin']!, ZJ));
    expect(read.status).toBe(403);
  });

  it('answers 401 without a token, with a token for another gateway, or with a forged one', async () => {
    expect((await t.http(GD).get(`/api/v1/licences/${id}`)).status).toBe(401);
    const forZj = await t.token(CALLERS['gd-admin']!, ZJ);
    expect((await t.http(GD).get(`/api/v1/licences/${id}`).set('authorization', forZj)).status).toBe(401);
    const forged = `${tokens['gd-admin']!.slice(0, -4)}AAAA`;
    const res = await t.http(GD).get(`/api/v1/licences/${id}`).set('authorization', forged);
    expect(res.status).toBe(401);
    expect(res.body.code).toBe('UNAUTHENTICATED');
  });
});
