/* eslint-disable @typescript-eslint/no-unsafe-member-access -- supertest types response bodies as any; the assertions check their shape */
/**
 * The holder's verification trail across provinces, over real HTTP between two gateways in one
 * process (embedded ledger, embedded Postgres): a Zhejiang verification of a Guangdong licence is
 * answered without calling Guangdong, then delivered to Guangdong's gateway, where the holder's list
 * shows it. Forged, replayed and misaddressed notifications are refused and change nothing; a
 * Guangdong gateway that cannot be reached only delays the entry.
 */
import { generateKeyPairSync } from 'node:crypto';
import { CompactSign } from 'jose';
import { LicenceError } from '@licence-ledger/domain';
import { createReceiptSigner } from '../keys';
import type { ReceiptSigner } from '../keys';
import { TRAIL_TYP } from '../services/trail';
import type { TrailReport } from '../services/trail';
import {
  AGENCY,
  CLUSTER_START_MS,
  GD,
  HOLDER_ID,
  ZJ,
  drivingLicence,
  presentation,
  startTestCluster,
} from './test-support';
import type { TestCluster } from './test-support';
import { testClock } from '../test-clock';

jest.setTimeout(120_000);

describe('verification trail across provinces', () => {
  let t: TestCluster;
  let gdIssuer: string;
  let gdHolder: string;
  let zjIssuer: string;
  let zjVerifier: string;
  const RETRY_MS = 100;
  // Both gateways' clock: the backoff passes when a test moves it, not while a request is slow.
  const clock = testClock();

  beforeAll(async () => {
    t = await startTestCluster({
      provinces: [GD, ZJ],
      serve: { host: '127.0.0.1' },
      // The tests drive the delivery loop by hand, so every step is deterministic.
      provinceOptions: { background: false, clock },
      configOverrides: { trailRetry: { baseMs: RETRY_MS, maxMs: RETRY_MS, maxAttempts: 5 } },
    });
    gdIssuer = await t.token({ role: 'issuer', province: GD, agency: AGENCY.gdDmv });
    gdHolder = await t.token({ role: 'holder', province: GD, holderId: HOLDER_ID });
    zjIssuer = await t.token({ role: 'issuer', province: ZJ, agency: AGENCY.zjDmv });
    zjVerifier = await t.token({ role: 'verifier', province: ZJ, agency: AGENCY.zjDmv });
  }, CLUSTER_START_MS);
  afterAll(async () => {
    await t?.close();
  });
  afterEach(() => {
    jest.restoreAllMocks();
    clock.resume();
  });

  const zj = () => t.cluster.province(ZJ).runtime.services;

  async function issueInGuangdong(): Promise<string> {
    const res = await t
      .http(GD)
      .post('/api/v1/licences')
      .set('authorization', gdIssuer)
      .send(drivingLicence());
    expect(res.status).toBe(201);
    return res.body.licence.id as string;
  }

  /** The holder presents `id`; a Zhejiang verifier checks it for `purpose`. */
  async function verifyInZhejiang(id: string, purpose: string): Promise<string> {
    const p = await presentation(t, gdHolder, id, ['class']);
    expect(p.status).toBe(201);
    const v = await t
      .http(ZJ)
      .post('/api/v1/verifications')
      .set('authorization', zjVerifier)
      .send({ token: p.body.token as string, purpose });
    expect(v.status).toBe(200);
    expect(v.body.licence.id).toBe(id);
    return v.body.result as string;
  }

  async function holderTrail(): Promise<Array<Record<string, unknown>>> {
    const res = await t.http(GD).get('/api/v1/holder/verifications?limit=100').set('authorization', gdHolder);
    expect(res.status).toBe(200);
    return res.body.items as Array<Record<string, unknown>>;
  }

  const zhejiangEntries = async (id: string) =>
    (await holderTrail()).filter((e) => e.licenceId === id && e.verifierProvince === ZJ);

  /** A notification as Zhejiang's gateway would send it, signed by `signer`. */
  async function notification(
    signer: ReceiptSigner,
    report: Partial<TrailReport> & { licenceId: string },
    jti = `n-${Math.random().toString(36).slice(2)}`,
  ): Promise<string> {
    return signer.sign(
      {
        verifierMsp: ZJ,
        verifierAgency: AGENCY.zjDmv,
        verifierSub: 'officer-7',
        purpose: '酒店入住 hotel check-in',
        result: 'VALID',
        at: clock().toISOString(),
        ...report,
        iss: ZJ,
        aud: GD,
        jti,
        iat: Math.floor(clock().getTime() / 1000),
      },
      TRAIL_TYP,
    );
  }

  const post = (body: unknown) =>
    t
      .http(GD)
      .post('/api/v1/trail')
      .send(body as object);

  /** Why Guangdong's intake refuses `jws` (the HTTP problem leaves the reason out). */
  async function rejection(jws: string): Promise<{ code: string; reason: unknown }> {
    try {
      await t.cluster.province(GD).runtime.services.trailIntake.receive(jws);
    } catch (err) {
      if (err instanceof LicenceError) return { code: err.code, reason: err.details?.reason };
      throw err;
    }
    return { code: 'accepted', reason: undefined };
  }

  it('shows a Zhejiang verification in the Guangdong holder’s list once delivered', async () => {
    const id = await issueInGuangdong();
    const purpose = '交通违法处理 traffic check';
    // Verification answers from Zhejiang's own ledger copy and database, before any delivery.
    const result = await verifyInZhejiang(id, purpose);
    expect(await zhejiangEntries(id)).toEqual([]);
    expect(await zj().trail.deliverDue()).toBe(1);
    const entries = await zhejiangEntries(id);
    expect(entries).toHaveLength(1);
    expect(entries[0]).toMatchObject({
      licenceId: id,
      issuerMsp: GD,
      verifierProvince: ZJ,
      verifierAgency: AGENCY.zjDmv,
      purpose,
      result,
    });
    // Nothing is left to send.
    expect(await zj().trail.deliverDue()).toBe(0);
  });

  it('keeps the entry while the Guangdong gateway cannot be reached, and delivers it on a retry', async () => {
    const id = await issueInGuangdong();
    await verifyInZhejiang(id, '银行开户 bank account');
    const realFetch = globalThis.fetch;
    const fetchSpy = jest
      .spyOn(globalThis, 'fetch')
      .mockImplementationOnce(() => Promise.reject(new TypeError('fetch failed')))
      .mockImplementation((input, init) => realFetch(input, init));
    clock.freeze();
    expect(await zj().trail.deliverDue()).toBe(0);
    expect(await zhejiangEntries(id)).toEqual([]);
    // Not due again until the backoff has passed: 1 ms short of it, nothing is sent.
    clock.advance(RETRY_MS - 1);
    expect(await zj().trail.deliverDue()).toBe(0);
    expect(fetchSpy).toHaveBeenCalledTimes(1);
    clock.advance(1);
    expect(await zj().trail.deliverDue()).toBe(1);
    expect(await zhejiangEntries(id)).toMatchObject([{ purpose: '银行开户 bank account' }]);
  });

  it('lets Zhejiang’s administrator send again a notification given up on, which is then delivered', async () => {
    const id = await issueInGuangdong();
    await verifyInZhejiang(id, '租房登记 rental registration');
    const realFetch = globalThis.fetch;
    const down = jest
      .spyOn(globalThis, 'fetch')
      .mockImplementation(() => Promise.reject(new TypeError('fetch failed')));
    // Five attempts (the test budget), each after the backoff: then the notification is given up on.
    for (let attempt = 0; attempt < 5; attempt++) {
      expect(await zj().trail.deliverDue()).toBe(0);
      clock.advance(RETRY_MS);
    }
    down.mockImplementation((input, init) => realFetch(input, init));
    expect(await zj().trail.deliverDue()).toBe(0);
    expect(await zhejiangEntries(id)).toEqual([]);

    const zjAdmin = await t.token({ role: 'admin', province: ZJ });
    const failed = await t
      .http(ZJ)
      .get('/api/v1/admin/trail-notifications?state=failed')
      .set('authorization', zjAdmin);
    expect(failed.status).toBe(200);
    const mine = (failed.body.items as Array<Record<string, unknown>>).find(
      (n) => (n.payload as { licenceId?: string }).licenceId === id,
    );
    expect(mine).toMatchObject({ state: 'failed', attempts: 5, targetMsp: GD, lastError: 'TypeError' });
    const nid = mine!.id as string;

    // Only an administrator of Zhejiang may resend it.
    const asVerifier = await t
      .http(ZJ)
      .post(`/api/v1/admin/trail-notifications/${nid}/resend`)
      .set('authorization', zjVerifier);
    expect(asVerifier.status).toBe(403);
    const resent = await t
      .http(ZJ)
      .post(`/api/v1/admin/trail-notifications/${nid}/resend`)
      .set('authorization', zjAdmin);
    expect(resent.status).toBe(200);
    expect(resent.body).toMatchObject({ id: nid, state: 'pending', attempts: 0 });
    expect(await zj().trail.deliverDue()).toBe(1);
    expect(await zhejiangEntries(id)).toMatchObject([{ purpose: '租房登记 rental registration' }]);

    // Delivered now: a second resend is a conflict, an unknown id is not found.
    const again = await t
      .http(ZJ)
      .post(`/api/v1/admin/trail-notifications/${nid}/resend`)
      .set('authorization', zjAdmin);
    expect(again.status).toBe(409);
    const unknown = await t
      .http(ZJ)
      .post('/api/v1/admin/trail-notifications/no-such-id/resend')
      .set('authorization', zjAdmin);
    expect(unknown.status).toBe(404);
    const badState = await t
      .http(ZJ)
      .get('/api/v1/admin/trail-notifications?state=lost')
      .set('authorization', zjAdmin);
    expect(badState.status).toBe(400);
  });

  it('refuses a notification signed with another key, and one from an unknown sender', async () => {
    const id = await issueInGuangdong();
    const before = await holderTrail();
    // Same kid as Zhejiang's receipt key, different private key: the signature does not verify.
    const forger = generateKeyPairSync('ec', { namedCurve: 'P-256' }).privateKey;
    const zjKid = zj().ctx.receipt.kid;
    const payload = Buffer.from(
      JSON.stringify({
        licenceId: id,
        verifierMsp: ZJ,
        verifierAgency: null,
        verifierSub: null,
        purpose: '伪造 forged',
        result: 'VALID',
        at: clock().toISOString(),
        iss: ZJ,
        aud: GD,
        jti: 'forged-1',
        iat: Math.floor(clock().getTime() / 1000),
      }),
    );
    const forged = await new CompactSign(payload)
      .setProtectedHeader({ alg: 'ES256', typ: TRAIL_TYP, kid: zjKid })
      .sign(forger);
    const res = await post({ notification: forged });
    expect(res.status).toBe(401);
    expect(res.body.code).toBe('UNAUTHENTICATED');
    expect(await rejection(forged)).toEqual({ code: 'UNAUTHENTICATED', reason: 'signature' });

    const stranger = await notification(await createReceiptSigner(), { licenceId: id });
    const unknown = await post({ notification: stranger });
    expect(unknown.status).toBe(401);
    expect(unknown.body.code).toBe('UNAUTHENTICATED');
    expect(await rejection(stranger)).toEqual({ code: 'UNAUTHENTICATED', reason: 'unknown_sender' });
    expect(await holderTrail()).toEqual(before);
  });

  it('records a notification once and refuses its replay', async () => {
    const id = await issueInGuangdong();
    const signed = await notification(zj().ctx.receipt, { licenceId: id, purpose: '复查 re-check' });
    const first = await post({ notification: signed });
    expect(first.status).toBe(201);
    const again = await post({ notification: signed });
    expect(again.status).toBe(409);
    expect(again.body.code).toBe('CONFLICT');
    expect(await rejection(signed)).toEqual({ code: 'CONFLICT', reason: 'replayed' });
    expect(await zhejiangEntries(id)).toHaveLength(1);
  });

  it('refuses notifications about licences Guangdong did not issue', async () => {
    const zjLicence = await t
      .http(ZJ)
      .post('/api/v1/licences')
      .set('authorization', zjIssuer)
      .send(drivingLicence());
    expect(zjLicence.status).toBe(201);
    const before = await holderTrail();
    const res = await post({
      notification: await notification(zj().ctx.receipt, { licenceId: zjLicence.body.licence.id as string }),
    });
    expect(res.status).toBe(404);
    expect(res.body.code).toBe('NOT_FOUND');
    expect(await holderTrail()).toEqual(before);
  });

  it('answers bad input with 4xx, never 5xx', async () => {
    const id = await issueInGuangdong();
    const zjKey = zj().ctx.receipt;
    const cases: Array<[unknown, number]> = [
      [{}, 400],
      [{ notification: 'x' }, 401],
      [{ notification: 'a.b.c' }, 401],
      [{ notification: 'x'.repeat(5000) }, 400],
      [{ notification: await notification(zjKey, { licenceId: id }), extra: 1 }, 400],
      [{ notification: await notification(zjKey, { licenceId: id, verifierMsp: 'BeijingMSP' }) }, 400],
      [{ notification: await notification(zjKey, { licenceId: id, purpose: ' ' }) }, 400],
      [{ notification: await notification(zjKey, { licenceId: id, result: 'GREAT' as never }) }, 400],
      [{ notification: await notification(zjKey, { licenceId: 'not-an-id' }) }, 400],
      [{ notification: await notification(zjKey, { licenceId: id, at: '2999-01-01T00:00:00Z' }) }, 400],
    ];
    for (const [body, status] of cases) {
      const res = await post(body);
      // The body goes along so a failure names the case.
      expect({ body, status: res.status }).toEqual({ body, status });
    }
    const notJson = await t.http(GD).post('/api/v1/trail').set('content-type', 'text/plain').send('hello');
    expect(notJson.status).toBe(415);
    expect(await zhejiangEntries(id)).toEqual([]);
  });

  it('is described in the OpenAPI document as a public route', async () => {
    const doc = await t.http(GD).get('/api/v1/openapi.json');
    expect(doc.body.paths['/api/v1/trail'].post).toMatchObject({ security: [], tags: ['trail'] });
    expect(doc.body.components.schemas.TrailBody.required).toEqual(['notification']);
  });
});
