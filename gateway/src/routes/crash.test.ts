/* eslint-disable @typescript-eslint/no-unsafe-member-access -- supertest types response bodies as any; the assertions check their shape */
/**
 * Crash safety of issuance: the issuing request dies at each step (before the database write, after
 * it, after endorsement, after the endorsed bytes are stored, after submit, after the commit is
 * recorded), the province restarts over the same ledger and database, and then no licence is lost
 * or duplicated and the ledger and the database agree. Also: the projection listener stopped
 * between a ledger commit and its projection catches up from its checkpoint.
 */
import request from 'supertest';
import type { ProvinceRuntime } from '../main';
import type { IssueStep } from '../services/issuance';
import { AGENCY, GD, crashSwitch, drivingLicence, restartProvince, startTestCluster } from './test-support';
import type { TestCluster } from './test-support';

jest.setTimeout(180_000);

const STEPS: readonly IssueStep[] = [
  'built',
  'intentRecorded',
  'prepared',
  'preparedStored',
  'submitted',
  'committed',
];

describe('issuance survives a crash at every step', () => {
  let t: TestCluster;
  let runtime: ProvinceRuntime;
  const crash = crashSwitch();

  beforeAll(async () => {
    t = await startTestCluster({ provinces: [GD], provinceOptions: { hooks: crash.hooks } });
    runtime = t.cluster.province(GD).runtime;
  });
  afterAll(async () => {
    await runtime?.close();
    await t?.close();
  });

  /** Restarts Guangdong's services over the same ledger and data directory. */
  async function restart(): Promise<ProvinceRuntime> {
    runtime = await restartProvince(t, GD, runtime, crash.hooks);
    return runtime;
  }

  /** Local rows and ledger records of the agency. */
  async function state(): Promise<{ local: Map<string, string>; ledger: string[] }> {
    const local = new Map<string, string>();
    let after: readonly [string, string] | undefined;
    do {
      const page = await runtime.services.ctx.store.licences.listByAgency(AGENCY.gdDmv, {
        limit: 100,
        ...(after === undefined ? {} : { after }),
      });
      for (const l of page.items) local.set(l.id, l.state);
      after = page.next;
    } while (after !== undefined);
    const ledger: string[] = [];
    let bookmark = '';
    do {
      const page = await runtime.services.ctx.ledger.admin.listLicencesByAgency(AGENCY.gdDmv, {
        pageSize: 100,
        bookmark,
      });
      ledger.push(...page.items.map((r) => r.id));
      bookmark = page.bookmark;
    } while (bookmark !== '');
    return { local, ledger };
  }

  it.each(STEPS)('after a crash at %s, recovery leaves ledger and database in agreement', async (step) => {
    const before = await state();
    crash.crashAt = step;
    const auth = await t.token({ role: 'issuer', province: GD, agency: AGENCY.gdDmv });
    const res = await request(runtime.app)
      .post('/api/v1/licences')
      .set('authorization', auth)
      .send(drivingLicence());
    expect(res.status).toBe(500);
    crash.crashAt = undefined;

    const restarted = await restart();
    const after = await state();
    const newIds = [...after.local.keys()].filter((id) => !before.local.has(id));
    if (step === 'built') {
      // Nothing was written before the crash: nothing to recover, nothing anywhere.
      expect(newIds).toEqual([]);
      expect(after.ledger.length).toBe(before.ledger.length);
    } else {
      expect(newIds).toHaveLength(1);
      expect(after.local.get(newIds[0]!)).toBe('issued');
      expect(after.ledger.filter((id) => id === newIds[0])).toHaveLength(1);
      expect(after.ledger.length).toBe(before.ledger.length + 1);
      expect(restarted.recovered.committed).toBe(step === 'committed' ? 0 : 1);
    }
    // Everything issued locally is on the ledger exactly once, and nothing else is.
    const issued = [...after.local.entries()]
      .filter(([, s]) => s === 'issued')
      .map(([id]) => id)
      .sort();
    expect([...after.ledger].sort()).toEqual(issued);
    expect(await runtime.services.ctx.store.outbox.listPending()).toEqual([]);
  });

  it('catches the projection up from its checkpoint after it was stopped', async () => {
    const auth = await t.token({ role: 'issuer', province: GD, agency: AGENCY.gdDmv });
    const issued = await request(runtime.app)
      .post('/api/v1/licences')
      .set('authorization', auth)
      .send(drivingLicence());
    const id = issued.body.licence.id as string;
    await runtime.services.projection.stop();
    const change = await runtime.services.licences.changeStatus(
      { sub: 'x', role: 'issuer', province: GD, agency: AGENCY.gdDmv },
      id,
      { action: 'revoke', reasonCode: 'CRASH_TEST', reasonText: '' },
    );
    expect((await runtime.services.ctx.store.projection.get(id))?.status).not.toBe('07');
    const restarted = await restart();
    await restarted.services.projection.caughtUp(change.blockNumber);
    expect(await restarted.services.ctx.store.projection.get(id)).toMatchObject({
      status: '07',
      reasonCode: 'CRASH_TEST',
    });
  });
});
