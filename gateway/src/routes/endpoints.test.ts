/* eslint-disable @typescript-eslint/no-unsafe-member-access, @typescript-eslint/no-unsafe-assignment, @typescript-eslint/no-unsafe-call, @typescript-eslint/no-unsafe-argument, @typescript-eslint/no-unsafe-return -- supertest types response bodies as any; the assertions check their shape */
/**
 * Every endpoint's success path (and its characteristic refusal) over the real services: issue,
 * batch, idempotency, renew, amend, transfer and accept, holder wallet and usage trace, webhooks
 * delivered to a local HTTP server, administration of agencies, keys, types and rules, JWKS,
 * health and the OpenAPI document.
 */
import { createServer } from 'node:http';
import type { IncomingMessage, Server } from 'node:http';
import { compactVerify, importJWK } from 'jose';
import {
  AGENCY,
  BJ,
  CLUSTER_START_MS,
  GD,
  HOLDER_ID,
  ZJ,
  drivingLicence,
  presentation,
  startTestCluster,
} from './test-support';
import type { TestCluster } from './test-support';
import { DRIVING_LICENCE } from '../demo/catalogue';
import { testClock } from '../test-clock';

jest.setTimeout(120_000);

describe('gateway endpoints', () => {
  let t: TestCluster;
  let gdIssuer: string;
  let gdAdmin: string;
  let gdHolder: string;
  let zjIssuer: string;
  let zjVerifier: string;
  let zjAdmin: string;
  let bjAdmin: string;
  // Every province's clock: the status cache tests stop it so its TTL never runs out unasked.
  const clock = testClock();

  beforeAll(async () => {
    t = await startTestCluster({ provinceOptions: { webhookPollMs: 50, clock } });
    gdIssuer = await t.token({ role: 'issuer', province: GD, agency: AGENCY.gdDmv });
    gdAdmin = await t.token({ role: 'admin', province: GD });
    gdHolder = await t.token({ role: 'holder', province: GD, holderId: HOLDER_ID });
    zjIssuer = await t.token({ role: 'issuer', province: ZJ, agency: AGENCY.zjDmv });
    zjVerifier = await t.token({ role: 'verifier', province: ZJ, agency: AGENCY.zjDmv });
    zjAdmin = await t.token({ role: 'admin', province: ZJ });
    bjAdmin = await t.token({ role: 'admin', province: BJ });
  }, CLUSTER_START_MS);
  afterAll(async () => {
    await t?.close();
  });

  const issue = async (body = drivingLicence(), key?: string) => {
    const req = t.http(GD).post('/api/v1/licences').set('authorization', gdIssuer);
    if (key !== undefined) void req.set('idempotency-key', key);
    return req.send(body);
  };

  describe('issuance', () => {
    it('repeats the first answer for the same Idempotency-Key and body, and refuses another body', async () => {
      const first = await issue(drivingLicence(), 'key-1');
      expect(first.status).toBe(201);
      const again = await issue(drivingLicence(), 'key-1');
      expect(again.status).toBe(201);
      expect(again.headers['idempotent-replayed']).toBe('true');
      expect(again.body).toEqual(first.body);
      const other = await issue({ ...drivingLicence(), validUntil: '2035-01-01' }, 'key-1');
      expect(other.status).toBe(409);
      expect(other.body.code).toBe('CONFLICT');
      const list = await t
        .http(GD)
        .get(`/api/v1/licences?q=${encodeURIComponent(first.body.licence.id)}`)
        .set('authorization', gdIssuer);
      expect(list.body.items).toHaveLength(1);
    });

    it('issues a batch in one ledger transaction and pages the list', async () => {
      const items = [drivingLicence(), drivingLicence(), drivingLicence()];
      const res = await t
        .http(GD)
        .post('/api/v1/licences/batch')
        .set('authorization', gdIssuer)
        .send({ items });
      expect(res.status).toBe(201);
      expect(res.body.licences).toHaveLength(3);
      expect(new Set(res.body.licences.map((l: { id: string }) => l.id)).size).toBe(3);
      const page1 = await t.http(GD).get('/api/v1/licences?limit=2').set('authorization', gdIssuer);
      expect(page1.body.items).toHaveLength(2);
      expect(typeof page1.body.nextCursor).toBe('string');
      const page2 = await t
        .http(GD)
        .get(`/api/v1/licences?limit=2&cursor=${page1.body.nextCursor}`)
        .set('authorization', gdIssuer);
      expect(page2.status).toBe(200);
      const ids1 = page1.body.items.map((l: { id: string }) => l.id);
      expect(page2.body.items.map((l: { id: string }) => l.id).some((id: string) => ids1.includes(id))).toBe(
        false,
      );
    });

    it('names each wrong licence field in the problem body (regression: the list was dropped)', async () => {
      const body = drivingLicence();
      const res = await t
        .http(GD)
        .post('/api/v1/licences')
        .set('authorization', gdIssuer)
        .send({ ...body, fields: { ...(body.fields as object), class: 'not a class', unknown: 'x' } });
      expect(res.status).toBe(400);
      expect(res.body.code).toBe('SCHEMA_VIOLATION');
      const paths = (res.body.errors as { path: string }[]).map((e) => e.path).sort();
      expect(paths).toEqual(['/fields/class', '/fields/unknown']);
    });

    it('refuses a batch as a whole when one item is invalid, naming the item', async () => {
      const bad = { ...drivingLicence(), fields: { name: '李四' } };
      const res = await t
        .http(GD)
        .post('/api/v1/licences/batch')
        .set('authorization', gdIssuer)
        .send({ items: [drivingLicence(), bad] });
      expect(res.status).toBe(400);
      expect(res.body.code).toBe('SCHEMA_VIOLATION');
    });

    it('renews and amends, cancelling the predecessor', async () => {
      const { body } = await issue();
      const id = body.licence.id as string;
      const renewed = await t
        .http(GD)
        .post(`/api/v1/licences/${id}/renew`)
        .set('authorization', gdIssuer)
        .send({ validFrom: '2034-01-01', validUntil: '2044-01-01' });
      expect(renewed.status).toBe(201);
      expect(renewed.body.predecessor).toMatchObject({
        id,
        status: '04',
        successor: renewed.body.successor.id,
      });
      const next = renewed.body.successor.id as string;
      const amended = await t
        .http(GD)
        .post(`/api/v1/licences/${next}/amend`)
        .set('authorization', gdIssuer)
        .send({ fields: { ...(drivingLicence().fields as object), class: 'C1E' } });
      expect(amended.status).toBe(201);
      expect(amended.body.successor.id).toMatch(/\.002\.[0-9A-Z]$/);
      const read = await t
        .http(GD)
        .get(`/api/v1/licences/${amended.body.successor.id}`)
        .set('authorization', gdIssuer);
      expect(read.body.fields.class).toBe('C1E');
    });

    it('transfers a licence to Zhejiang, which accepts it', async () => {
      const { body } = await issue();
      const id = body.licence.id as string;
      const out = await t
        .http(GD)
        .post(`/api/v1/licences/${id}/transfer`)
        .set('authorization', gdIssuer)
        .send({ toMsp: ZJ, reasonCode: 'MOVED', reasonText: 'holder moved to Zhejiang' });
      expect(out.status).toBe(200);
      expect(out.body.licence).toMatchObject({ status: '06', transfer: { toMsp: ZJ, state: 'pending' } });
      const accepted = await t
        .http(ZJ)
        .post('/api/v1/transfers/accept')
        .set('authorization', zjIssuer)
        .send({ predecessorId: id, ...drivingLicence() });
      expect(accepted.status).toBe(201);
      expect(accepted.body.successor).toMatchObject({ issuerMsp: ZJ, predecessor: id });
      expect(accepted.body.predecessor.transfer.state).toBe('accepted');
    });

    it('cancels a pending transfer', async () => {
      const { body } = await issue();
      const id = body.licence.id as string;
      await t
        .http(GD)
        .post(`/api/v1/licences/${id}/transfer`)
        .set('authorization', gdIssuer)
        .send({ toMsp: ZJ, reasonCode: 'MOVED', reasonText: '' });
      const cancel = await t
        .http(GD)
        .post(`/api/v1/licences/${id}/transfer/cancel`)
        .set('authorization', gdIssuer);
      expect(cancel.status).toBe(200);
      expect(cancel.body.licence.status).toBe('01');
    });
  });

  describe('holder', () => {
    it('lists my licences and who verified them for what purpose', async () => {
      const { body } = await issue();
      const id = body.licence.id as string;
      const mine = await t.http(GD).get('/api/v1/holder/licences?limit=100').set('authorization', gdHolder);
      expect(mine.body.items.map((l: { id: string }) => l.id)).toContain(id);
      const p = await presentation(t, gdHolder, id, ['class']);
      // A Guangdong verifier checks it at the Guangdong gateway, so the trace is local.
      const gdVerifier = await t.token({ role: 'verifier', province: GD });
      const v = await t
        .http(GD)
        .post('/api/v1/verifications')
        .set('authorization', gdVerifier)
        .send({ token: p.body.token, purpose: '租车 car rental' });
      expect(v.body.result).toBe('VALID');
      const trace = await t.http(GD).get('/api/v1/holder/verifications').set('authorization', gdHolder);
      expect(trace.body.items[0]).toMatchObject({
        licenceId: id,
        purpose: '租车 car rental',
        result: 'VALID',
      });
    });

    it('answers REPLAYED for a token presented twice, and refuses an empty purpose', async () => {
      const { body } = await issue();
      const p = await presentation(t, gdHolder, body.licence.id, []);
      const verify = () =>
        t
          .http(ZJ)
          .post('/api/v1/verifications')
          .set('authorization', zjVerifier)
          .send({ token: p.body.token, purpose: '检查 check' });
      expect((await verify()).body.result).toBe('VALID');
      expect((await verify()).body.result).toBe('REPLAYED');
      const noPurpose = await t
        .http(ZJ)
        .post('/api/v1/verifications')
        .set('authorization', zjVerifier)
        .send({ token: p.body.token, purpose: ' ' });
      expect(noPurpose.status).toBe(400);
    });
  });

  describe('verification under concurrency', () => {
    // Concurrent verifications share replay-guard and log writes (group commit); each token must
    // still be VALID exactly once, and every answer must be logged with its own row.
    it('answers VALID once per token when many presentations arrive together, and logs each', async () => {
      const { body } = await issue();
      const id = body.licence.id as string;
      const tokens: string[] = [];
      for (let i = 0; i < 4; i++) tokens.push((await presentation(t, gdHolder, id, ['class'])).body.token);
      const store = t.cluster.province(ZJ).runtime.services.ctx.store;
      const sent = [...tokens, ...tokens, ...tokens];
      const answers = await Promise.all(
        sent.map((token, i) =>
          t
            .http(ZJ)
            .post('/api/v1/verifications')
            .set('authorization', zjVerifier)
            .send({ token, purpose: `并发核验 ${i}` }),
        ),
      );
      expect(answers.every((a) => a.status === 200)).toBe(true);
      for (const token of tokens) {
        const results = answers.filter((_, i) => sent[i] === token).map((a) => a.body.result as string);
        expect(results.sort()).toEqual(['REPLAYED', 'REPLAYED', 'VALID']);
      }
      // Replayed answers name no licence, so the log is read by purpose.
      const { rows } = await store.pool.query<{ purpose: string; result: string }>(
        "SELECT purpose, result FROM verification_log WHERE purpose LIKE '并发核验 %'",
      );
      const byPurpose = new Map(rows.map((r) => [r.purpose, r.result]));
      expect(rows).toHaveLength(sent.length);
      answers.forEach((a, i) => expect(byPurpose.get(`并发核验 ${i}`)).toBe(a.body.result));
    });
  });

  describe('status cache (STATUS_CACHE_TTL_MS)', () => {
    afterEach(() => clock.resume());
    const verifyIn = (province: string, bearer: string, token: string) =>
      t
        .http(province)
        .post('/api/v1/verifications')
        .set('authorization', bearer)
        .send({ token, purpose: '状态缓存 status cache' });
    const revoke = (id: string) =>
      t
        .http(GD)
        .post(`/api/v1/licences/${id}/status`)
        .set('authorization', gdIssuer)
        .send({ action: 'revoke', reasonCode: 'CACHE_TEST', reasonText: '缓存测试' });

    it("reuses a verified licence's record, and answers REVOKED once Zhejiang's listener has seen the revocation", async () => {
      const { body } = await issue();
      const id = body.licence.id as string;
      const token = async () => (await presentation(t, gdHolder, id, ['class'])).body.token as string;
      const zj = t.cluster.province(ZJ).runtime.services;
      // Stopped, the clock lets no TTL run out between the requests, however long they take.
      clock.freeze();
      expect((await verifyIn(ZJ, zjVerifier, await token())).body.result).toBe('VALID');
      const before = zj.verification.registry.stats().licences.hits;
      const cached = await verifyIn(ZJ, zjVerifier, await token());
      expect(cached.body.result).toBe('VALID');
      expect(zj.verification.registry.stats().licences.hits).toBe(before + 1);

      const revoked = await revoke(id);
      expect(revoked.status).toBe(200);
      // Like any province, Zhejiang answers from its own view of the ledger: the block's event
      // drops the cached record (the TTL, on a stopped clock, would otherwise still hold it).
      await zj.projection.caughtUp(revoked.body.blockNumber as number);
      const after = await verifyIn(ZJ, zjVerifier, await token());
      expect(after.body).toMatchObject({ result: 'REVOKED', reason: { code: 'CACHE_TEST' } });
      expect(after.body.ledger.height).toBeGreaterThan(revoked.body.blockNumber as number);
    });

    it("reads a cached record again once STATUS_CACHE_TTL_MS has passed on the province's clock", async () => {
      const { body } = await issue();
      const id = body.licence.id as string;
      const token = async () => (await presentation(t, gdHolder, id, [])).body.token as string;
      const zj = t.cluster.province(ZJ).runtime.services;
      const ttl = t.cluster.province(ZJ).config.statusCacheTtlMs;
      expect(ttl).toBeGreaterThan(0);
      const licences = () => zj.verification.registry.stats().licences;
      clock.freeze();
      expect((await verifyIn(ZJ, zjVerifier, await token())).body.result).toBe('VALID');
      const read = licences();
      clock.advance(ttl - 1);
      expect((await verifyIn(ZJ, zjVerifier, await token())).body.result).toBe('VALID');
      expect(licences()).toMatchObject({ hits: read.hits + 1, misses: read.misses });
      clock.advance(1);
      expect((await verifyIn(ZJ, zjVerifier, await token())).body.result).toBe('VALID');
      expect(licences()).toMatchObject({ hits: read.hits + 1, misses: read.misses + 1 });
    });

    it('drops every cached record when an event cannot be read, since what it changed is unknown', async () => {
      const { body } = await issue();
      const token = (await presentation(t, gdHolder, body.licence.id as string, [])).body.token as string;
      const zj = t.cluster.province(ZJ).runtime.services;
      expect((await verifyIn(ZJ, zjVerifier, token)).body.result).toBe('VALID');
      expect(zj.verification.registry.stats().licences.size).toBeGreaterThan(0);
      // Fed for the newest block, which the listener has applied, so its checkpoint does not move.
      const newest = (await t.cluster.port.chainInfo()).height - 1;
      await zj.projection.caughtUp(newest);
      await zj.projection.apply({
        blockNumber: newest,
        txId: 'unreadable',
        eventName: 'LicenceStatusChanged',
        payload: Buffer.from('not json'),
        timestamp: '',
      });
      expect(zj.verification.registry.stats().licences.size).toBe(0);
    });

    it('drops the record in the issuing gateway as the change commits, before any event arrives', async () => {
      const { body } = await issue();
      const id = body.licence.id as string;
      const gdVerifier = await t.token({ role: 'verifier', province: GD });
      const gd = t.cluster.province(GD).runtime.services;
      const token = async () => (await presentation(t, gdHolder, id, [])).body.token as string;
      expect((await verifyIn(GD, gdVerifier, await token())).body.result).toBe('VALID');
      await gd.projection.stop();
      try {
        expect((await revoke(id)).status).toBe(200);
        expect((await verifyIn(GD, gdVerifier, await token())).body.result).toBe('REVOKED');
      } finally {
        gd.projection.start();
      }
    });
  });

  describe('verification when its database write fails', () => {
    it('never answers VALID without the claim written, keeps answers that needed none, and leaves the token usable', async () => {
      const { body } = await issue();
      const p = await presentation(t, gdHolder, body.licence.id as string, ['class']);
      const verifications = t.cluster.province(ZJ).runtime.services.ctx.store.verifications;
      const verify = (token: string) =>
        t
          .http(ZJ)
          .post('/api/v1/verifications')
          .set('authorization', zjVerifier)
          .send({ token, purpose: '写入失败 write failure' });
      const spy = jest.spyOn(verifications, 'settle').mockRejectedValue(new Error('database down'));
      try {
        const down = await verify(p.body.token as string);
        expect(down.status).toBe(200);
        expect(down.body).toMatchObject({
          result: 'STATUS_UNAVAILABLE',
          reason: { code: 'CLAIM_UNAVAILABLE' },
        });
        expect((await verify('not.a.token')).body.result).toBe('MALFORMED');
      } finally {
        spy.mockRestore();
      }
      expect((await verify(p.body.token as string)).body.result).toBe('VALID');
    });
  });

  describe('webhooks', () => {
    let server: Server;
    const received: { body: string; headers: IncomingMessage['headers'] }[] = [];
    let delivered!: () => void;
    const firstDelivery = new Promise<void>((resolve) => (delivered = resolve));
    let url: string;
    beforeAll(async () => {
      server = createServer((req, res) => {
        let body = '';
        req.on('data', (c: Buffer) => (body += c.toString()));
        req.on('end', () => {
          received.push({ body, headers: req.headers });
          res.writeHead(204).end();
          delivered();
        });
      });
      await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
      const address = server.address();
      url = `http://127.0.0.1:${typeof address === 'object' && address !== null ? address.port : 0}/hook`;
    });
    afterAll(async () => {
      await new Promise((resolve) => server.close(resolve));
    });

    it('delivers a signed notification of a status change to the registered URL', async () => {
      const { body } = await issue();
      const id = body.licence.id as string;
      const sub = await t
        .http(ZJ)
        .post('/api/v1/webhooks')
        .set('authorization', zjVerifier)
        .send({ url, licenceIds: [id] });
      expect(sub.status).toBe(201);
      expect(typeof sub.body.secret).toBe('string');
      const listed = await t.http(ZJ).get('/api/v1/webhooks').set('authorization', zjVerifier);
      expect(listed.body.items.map((s: { id: string }) => s.id)).toContain(sub.body.id);
      await t
        .http(GD)
        .post(`/api/v1/licences/${id}/status`)
        .set('authorization', gdIssuer)
        .send({ action: 'suspend', reasonCode: 'POINTS', reasonText: '' });
      // The delivery loop sends it when it will; however long that takes, the test's timeout bounds it.
      await firstDelivery;
      expect(received).toHaveLength(1);
      const jwks = await t.http(ZJ).get('/.well-known/jwks.json');
      const key = jwks.body.keys[0];
      const { payload, protectedHeader } = await compactVerify(
        received[0]!.body,
        await importJWK(key, 'ES256'),
      );
      expect(protectedHeader.typ).toBe('llwh+jwt');
      expect(JSON.parse(Buffer.from(payload).toString())).toMatchObject({
        licenceId: id,
        status: '02',
        reasonCode: 'POINTS',
      });
      expect(received[0]!.headers['x-licence-ledger-signature']).toMatch(/^sha256=[0-9a-f]{64}$/);
      const del = await t.http(ZJ).delete(`/api/v1/webhooks/${sub.body.id}`).set('authorization', zjVerifier);
      expect(del.status).toBe(204);
      expect(
        (await t.http(ZJ).get(`/api/v1/webhooks/${sub.body.id}`).set('authorization', zjVerifier)).status,
      ).toBe(404);
    });

    it('refuses plain http to anything but the loopback interface', async () => {
      const { body } = await issue();
      const res = await t
        .http(ZJ)
        .post('/api/v1/webhooks')
        .set('authorization', zjVerifier)
        .send({ url: 'http://example.com/hook', licenceIds: [body.licence.id] });
      expect(res.status).toBe(400);
      expect(res.body.code).toBe('INVALID_ARGUMENT');
    });
  });

  describe('administration', () => {
    it('registers, rotates, compromises and retires agency keys; new keys sign new licences', async () => {
      const registered = await t
        .http(GD)
        .post('/api/v1/admin/keys')
        .set('authorization', gdAdmin)
        .send({ agencyUscc: AGENCY.gdDmv });
      expect(registered.status).toBe(201);
      expect(registered.body).toMatchObject({ agencyUscc: AGENCY.gdDmv, status: 'active' });
      const kid = registered.body.kid as string;
      const issued = await issue();
      expect(issued.body.licence.kid).toBe(kid);
      const rotated = await t.http(GD).post(`/api/v1/admin/keys/${kid}/rotate`).set('authorization', gdAdmin);
      expect(rotated.status).toBe(201);
      expect(rotated.body.replaces).toBe(kid);
      const keys = await t
        .http(GD)
        .get(`/api/v1/admin/keys?agency=${AGENCY.gdDmv}`)
        .set('authorization', gdAdmin);
      const old = keys.body.items.find((k: { kid: string }) => k.kid === kid);
      expect(old.status).toBe('retired');
      const compromised = await t
        .http(GD)
        .post(`/api/v1/admin/keys/${rotated.body.kid}/compromise`)
        .set('authorization', gdAdmin)
        .send({});
      expect(compromised.status).toBe(200);
      expect(compromised.body.status).toBe('compromised');
      const foreign = await t.http(ZJ).post(`/api/v1/admin/keys/${kid}/retire`).set('authorization', zjAdmin);
      expect(foreign.status).toBe(403);
      // Put an active key back for the other tests.
      expect(
        (
          await t
            .http(GD)
            .post('/api/v1/admin/keys')
            .set('authorization', gdAdmin)
            .send({ agencyUscc: AGENCY.gdDmv })
        ).status,
      ).toBe(201);
      expect((await issue()).status).toBe(201);
    });

    it('registers and retires an agency, and refuses another province’s', async () => {
      const res = await t
        .http(GD)
        .post('/api/v1/admin/agencies')
        .set('authorization', gdAdmin)
        .send({
          uscc: '11440300MB2D15098D'.slice(0, 17) + 'X',
          name: '深圳市市场监督管理局',
          licenceTypes: ['SPJYXKZ'],
        });
      // The made-up USCC above may not carry a valid check character: either way, never a 5xx.
      expect(res.status).toBeLessThan(500);
      const list = await t.http(GD).get('/api/v1/admin/agencies').set('authorization', gdAdmin);
      expect(list.body.items.map((a: { uscc: string }) => a.uscc)).toEqual(
        expect.arrayContaining([AGENCY.gdDmv, AGENCY.gdMarket]),
      );
      const foreign = await t
        .http(GD)
        .post(`/api/v1/admin/agencies/${AGENCY.zjDmv}/retire`)
        .set('authorization', gdAdmin);
      expect(foreign.status).toBe(403);
      const agency = await t
        .http(GD)
        .get(`/api/v1/registry/agencies/${AGENCY.zjDmv}`)
        .set('authorization', gdIssuer);
      expect(agency.body).toMatchObject({ uscc: AGENCY.zjDmv, provinceMsp: ZJ });
    });

    it('adopts a proposed licence type once a majority approves', async () => {
      const input = { ...DRIVING_LICENCE, code: 'YSZ', name: '医师执业证书' };
      const proposed = await t
        .http(GD)
        .post('/api/v1/admin/licence-types')
        .set('authorization', gdAdmin)
        .send(input);
      expect(proposed.status).toBe(201);
      expect(proposed.body.state).toBe('open');
      const approved = await t
        .http(ZJ)
        .post(`/api/v1/admin/proposals/${proposed.body.id}/approve`)
        .set('authorization', zjAdmin);
      expect(approved.body.state).toBe('adopted');
      const again = await t
        .http(BJ)
        .post(`/api/v1/admin/proposals/${proposed.body.id}/approve`)
        .set('authorization', bjAdmin);
      expect(again.status).toBe(409);
      const type = await t.http(GD).get('/api/v1/registry/licence-types/YSZ').set('authorization', gdIssuer);
      expect(type.body).toMatchObject({ code: 'YSZ', name: '医师执业证书' });
    });

    it('publishes a recognition rule version and lists the history', async () => {
      const res = await t
        .http(ZJ)
        .post('/api/v1/admin/recognition-rules')
        .set('authorization', zjAdmin)
        .send({
          typeCode: 'JDCJSZ',
          issuingMsps: [GD, BJ],
          effectiveFrom: new Date(Date.now() + 86_400_000 + 60_000).toISOString(),
          note: 'narrowed',
        });
      expect(res.status).toBe(201);
      expect(res.body.version).toBe(2);
      const history = await t
        .http(ZJ)
        .get('/api/v1/registry/recognition-rules/JDCJSZ')
        .set('authorization', zjVerifier);
      expect(history.body.items.map((r: { version: number }) => r.version)).toEqual([1, 2]);
    });
  });

  describe('public', () => {
    it('serves the JWKS, health, readiness and the OpenAPI document', async () => {
      const jwks = await t.http(GD).get('/.well-known/jwks.json');
      expect(jwks.status).toBe(200);
      expect(jwks.body.keys.length).toBeGreaterThanOrEqual(3);
      expect(
        jwks.body.keys.every((k: { alg: string; d?: string }) => k.alg === 'ES256' && k.d === undefined),
      ).toBe(true);
      expect((await t.http(GD).get('/healthz')).status).toBe(200);
      expect((await t.http(GD).get('/readyz')).body).toMatchObject({
        status: 'ready',
        checks: { database: true, ledger: true },
      });
      const doc = await t.http(GD).get('/api/v1/openapi.json');
      expect(doc.body.openapi).toBe('3.1.0');
      for (const path of [
        '/api/v1/licences',
        '/api/v1/verifications',
        '/api/v1/holder/licences/{id}/presentations',
        '/.well-known/jwks.json',
      ]) {
        expect(doc.body.paths[path]).toBeDefined();
      }
    });
  });
});
