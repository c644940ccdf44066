/* eslint-disable @typescript-eslint/no-unsafe-member-access -- supertest types response bodies as any; the assertions check their shape */
/**
 * Identifiers in requests are checked as what they name (issue 11, defect 3): a malformed USCC in
 * a query is a 400, not an empty list; a malformed licence id in a path is a 400, not a 404; and a
 * province's admin cannot register an agency whose USCC another province issued.
 */
import { buildLicenceId, parseLicenceId, usccCheckChar } from '@licence-ledger/domain';
import { AGENCY, GD, HOLDER_ID, issueSampleLicence, startTestCluster } from './test-support';
import type { TestCluster } from './test-support';

jest.setTimeout(180_000);

const uscc = (first17: string): string => first17 + usccCheckChar(first17);
/** Guangdong's traffic police with its check character changed. */
const MISTYPED_USCC = `${AGENCY.gdDmv.slice(0, 17)}${AGENCY.gdDmv.endsWith('A') ? 'B' : 'A'}`;

describe('input checks', () => {
  let t: TestCluster;
  let admin: string;
  let holder: string;
  let licenceId: string;

  beforeAll(async () => {
    t = await startTestCluster({ provinces: [GD] });
    admin = await t.token({ role: 'admin', province: GD });
    holder = await t.token({ role: 'holder', province: GD, holderId: HOLDER_ID });
    licenceId = (await issueSampleLicence(t)).id;
  });
  afterAll(async () => {
    await t?.close();
  });

  describe('an agency USCC in a query', () => {
    it.each([
      ['a wrong check character', MISTYPED_USCC],
      ['the letter O', `${AGENCY.gdDmv.slice(0, 10)}O${AGENCY.gdDmv.slice(11)}`],
      ['17 characters', AGENCY.gdDmv.slice(0, 17)],
    ])('is refused with INVALID_USCC when it has %s (licences and keys)', async (_what, value) => {
      for (const path of ['/api/v1/licences', '/api/v1/admin/keys']) {
        const res = await t
          .http(GD)
          .get(`${path}?agency=${encodeURIComponent(value)}`)
          .set('authorization', admin);
        expect([path, res.status, res.body.code]).toEqual([path, 400, 'INVALID_USCC']);
      }
    });

    it('lists the licences of a valid USCC, and none of a valid one without licences', async () => {
      const own = await t.http(GD).get(`/api/v1/licences?agency=${AGENCY.gdDmv}`).set('authorization', admin);
      expect((own.body.items as { id: string }[]).map((l) => l.id)).toContain(licenceId);
      const none = await t
        .http(GD)
        .get(`/api/v1/licences?agency=${AGENCY.gdMarket}`)
        .set('authorization', admin);
      expect([none.status, none.body.items]).toEqual([200, []]);
    });

    it('is refused in a path with INVALID_USCC (registry read, retirement)', async () => {
      const read = await t
        .http(GD)
        .get(`/api/v1/registry/agencies/${MISTYPED_USCC}`)
        .set('authorization', admin);
      expect([read.status, read.body.code]).toEqual([400, 'INVALID_USCC']);
      const retire = await t
        .http(GD)
        .post(`/api/v1/admin/agencies/${MISTYPED_USCC}/retire`)
        .set('authorization', admin);
      expect([retire.status, retire.body.code]).toEqual([400, 'INVALID_USCC']);
    });
  });

  describe('a licence id in a path', () => {
    const present = (id: string) =>
      t
        .http(GD)
        .post(`/api/v1/holder/licences/${encodeURIComponent(id)}/presentations`)
        .set('authorization', holder)
        .send({ disclose: ['name'] });

    it.each([
      ['not an identifier', 'not-a-licence'],
      ['a wrong check character', () => `${licenceId.slice(0, -1)}${licenceId.endsWith('0') ? '1' : '0'}`],
      ['a missing part', () => licenceId.split('.').slice(0, -1).join('.')],
    ])('is refused with INVALID_IDENTIFIER when it is %s (presentation)', async (_what, id) => {
      const res = await present(typeof id === 'string' ? id : id());
      expect([res.status, res.body.code]).toEqual([400, 'INVALID_IDENTIFIER']);
    });

    it('is refused with INVALID_IDENTIFIER by the issuer routes too', async () => {
      for (const path of ['/api/v1/licences/not-a-licence', '/api/v1/licences/not-a-licence/history']) {
        const res = await t.http(GD).get(path).set('authorization', admin);
        expect([path, res.status, res.body.code]).toEqual([path, 400, 'INVALID_IDENTIFIER']);
      }
    });

    it('is still NOT_FOUND when well formed but unknown, and presents a real one', async () => {
      const parsed = parseLicenceId(licenceId);
      const unknown = buildLicenceId({ ...parsed, serial: `9${parsed.serial}` });
      expect((await present(unknown)).status).toBe(404);
      expect((await present(licenceId)).status).toBe(201);
    });
  });

  describe('registering an agency', () => {
    const register = (value: string) =>
      t
        .http(GD)
        .post('/api/v1/admin/agencies')
        .set('authorization', admin)
        .send({ uscc: value, name: '测试机关', licenceTypes: ['JDCJSZ'] });

    it.each([
      ["Zhejiang's (330100)", uscc('91330100MA2H0000A')],
      ["Beijing's (110105)", uscc('91110105MA2H0000A')],
    ])('refuses a USCC issued in another province, %s, before calling the ledger', async (_what, value) => {
      const ledger = t.cluster.province(GD).runtime.services.ctx.ledger.admin;
      const spy = jest.spyOn(ledger, 'registerAgency');
      try {
        const res = await register(value);
        expect([res.status, res.body.code]).toEqual([403, 'ACCESS_DENIED']);
        expect(spy).not.toHaveBeenCalled();
      } finally {
        spy.mockRestore();
      }
      const read = await t.http(GD).get(`/api/v1/registry/agencies/${value}`).set('authorization', admin);
      expect(read.status).toBe(404);
    });

    it('registers a USCC issued in Guangdong, and one of a national registration authority (100000)', async () => {
      for (const value of [uscc('91440300MA2H0000A'), uscc('91100000MA2H0000A')]) {
        const res = await register(value);
        expect([value, res.status]).toEqual([value, 201]);
        expect(res.body).toMatchObject({ uscc: value, provinceMsp: GD });
      }
    });
  });
});
