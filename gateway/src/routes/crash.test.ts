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
import type { OutboxEntry } from '../storage/outbox';
import { testClock } from '../test-clock';
import {
  AGENCY,
  CLUSTER_START_MS,
  GD,
  agencyLicences,
  crashSwitch,
  drivingLicence,
  restartProvince,
  startTestCluster,
} from './test-support';
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
  }, CLUSTER_START_MS);
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
  const state = (): ReturnType<typeof agencyLicences> => agencyLicences(runtime.services, AGENCY.gdDmv);

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

describe('unfinished writes are finished while the gateway keeps running', () => {
  let t: TestCluster;
  let runtime: ProvinceRuntime;
  let crashAt: IssueStep | undefined;
  let holdAt: { step: IssueStep; reached(): void; release: Promise<void> } | undefined;
  // Rows go stale by this clock, which the tests move: how long a request took never decides it.
  const clock = testClock();
  const STALE_AFTER_MS = 120_000;

  beforeAll(async () => {
    t = await startTestCluster({
      provinces: [GD],
      // No background pass within the test, which runs each pass itself.
      configOverrides: { outboxRecovery: { intervalMs: 3_600_000, staleAfterMs: STALE_AFTER_MS } },
      provinceOptions: {
        clock,
        hooks: {
          async after(step) {
            const hold = holdAt;
            if (hold?.step === step) {
              holdAt = undefined; // only the request is held, never a second driver
              hold.reached();
              await hold.release;
            }
            if (step === crashAt) throw new Error(`simulated failure after ${step}`);
          },
        },
      },
    });
    runtime = t.cluster.province(GD).runtime;
  }, CLUSTER_START_MS);
  afterEach(() => clock.resume());
  afterAll(() => t?.close());

  const issue = async (): Promise<request.Response> =>
    request(runtime.app)
      .post('/api/v1/licences')
      .set('authorization', await t.token({ role: 'issuer', province: GD, agency: AGENCY.gdDmv }))
      .send(drivingLicence());
  /** Stops the clock `ms` after the row was last moved (the database's time of it). */
  const freezeAfterMove = (row: OutboxEntry, ms: number): void =>
    clock.freeze(Date.parse(row.updatedAt) + ms);

  it.each(STEPS.filter((s) => s !== 'built' && s !== 'committed'))(
    'finishes a write whose request failed after %s, without a restart',
    async (step) => {
      crashAt = step;
      expect((await issue()).status).toBe(500);
      crashAt = undefined;
      const [row] = await runtime.services.ctx.store.outbox.listPending();
      expect(row).toBeDefined();
      // 1 ms short of stale: the pass leaves it alone.
      freezeAfterMove(row!, STALE_AFTER_MS - 1);
      expect(await runtime.services.outboxRecovery.deliverDue()).toBe(0);
      clock.advance(1);
      expect(await runtime.services.outboxRecovery.deliverDue()).toBe(1);
      expect(await runtime.services.ctx.store.outbox.listPending()).toEqual([]);
      const [id] = row!.licenceIds;
      expect((await runtime.services.ctx.store.licences.get(id!))?.state).toBe('issued');
      expect((await runtime.services.ctx.ledger.admin.readLicence(id!))?.id).toBe(id);
    },
  );

  it.each(['intentRecorded', 'prepared', 'submitted'] as const)(
    'answers a retry with the same Idempotency-Key, after a failure at %s, with the one licence',
    async (step) => {
      const auth = await t.token({ role: 'issuer', province: GD, agency: AGENCY.gdDmv });
      const key = `retry-after-${step}`;
      const body = drivingLicence();
      const send = (): request.Test =>
        request(runtime.app)
          .post('/api/v1/licences')
          .set('authorization', auth)
          .set('idempotency-key', key)
          .send(body);
      crashAt = step;
      expect((await send()).status).toBe(500);
      crashAt = undefined;
      const [row] = await runtime.services.ctx.store.outbox.listPending();
      const [id] = row!.licenceIds;
      // The retry finishes the first attempt's ledger write and answers it; it issues nothing new.
      const retry = await send();
      expect(retry.status).toBe(201);
      expect(retry.body.licence.id).toBe(id);
      expect(retry.headers['idempotent-replayed']).toBe('true');
      const again = await send();
      expect(again.status).toBe(201);
      expect(again.body.licence.id).toBe(id);
      const onLedger = await runtime.services.ctx.ledger.admin.listLicencesByAgency(AGENCY.gdDmv, {
        pageSize: 100,
      });
      const local = await runtime.services.ctx.store.licences.listByAgency(AGENCY.gdDmv, { limit: 100 });
      expect(onLedger.items.map((r) => r.id).sort()).toEqual(
        local.items
          .filter((l) => l.state === 'issued')
          .map((l) => l.id)
          .sort(),
      );
      expect(await runtime.services.ctx.store.outbox.listPending()).toEqual([]);
    },
  );

  it('runs a retry afresh when the first attempt failed before recording anything', async () => {
    const auth = await t.token({ role: 'issuer', province: GD, agency: AGENCY.gdDmv });
    const send = (): request.Test =>
      request(runtime.app)
        .post('/api/v1/licences')
        .set('authorization', auth)
        .set('idempotency-key', 'retry-after-built')
        .send(drivingLicence());
    crashAt = 'built';
    expect((await send()).status).toBe(500);
    crashAt = undefined;
    expect(await runtime.services.ctx.store.outbox.listPending()).toEqual([]);
    const retry = await send();
    expect(retry.status).toBe(201);
    expect(retry.headers['idempotent-replayed']).toBeUndefined();
    const id = retry.body.licence.id as string;
    expect((await runtime.services.ctx.ledger.admin.readLicence(id))?.id).toBe(id);
  });

  it.each([
    ['suspend', '02', 'ILLEGAL_TRANSITION'],
    ['revoke', '07', 'TERMINAL_STATE'],
  ] as const)(
    'refuses, not repeats, a %s retried after a crash that followed its commit',
    async (action, status, refusal) => {
      const auth = await t.token({ role: 'issuer', province: GD, agency: AGENCY.gdDmv });
      const issued = await request(runtime.app)
        .post('/api/v1/licences')
        .set('authorization', auth)
        .send(drivingLicence());
      const id = issued.body.licence.id as string;
      const key = `${action}-then-crash`;
      const change = (): request.Test =>
        request(runtime.app)
          .post(`/api/v1/licences/${encodeURIComponent(id)}/status`)
          .set('authorization', auth)
          .set('idempotency-key', key)
          .send({ action, reasonCode: 'CRASH_TEST', reasonText: '' });
      expect((await change()).status).toBe(200);
      // As if the process died after the ledger commit, before the answer was stored; then restarted.
      const store = runtime.services.ctx.store;
      await store.pool.query(
        `UPDATE idempotency_keys SET state = 'in_progress', response_status = NULL, response_body = NULL,
           completed_at = NULL WHERE key = $1`,
        [key],
      );
      expect(await store.idempotency.interruptAll()).toBe(1);
      const retry = await change();
      expect(retry.status).toBe(409);
      expect(retry.body.code).toBe(refusal);
      const history = await runtime.services.ctx.ledger.admin.getLicenceHistory(id);
      expect(history.filter((h) => h.value?.status === status)).toHaveLength(1);
      expect((await runtime.services.ctx.ledger.admin.readLicence(id))?.status).toBe(status);
    },
  );

  it('never takes over a write that a request is still driving, however long it takes', async () => {
    let reached!: () => void;
    const atHold = new Promise<void>((resolve) => (reached = resolve));
    let release!: () => void;
    holdAt = { step: 'prepared', reached, release: new Promise<void>((resolve) => (release = resolve)) };
    const pending = issue();
    await atHold;
    const [held] = await runtime.services.ctx.store.outbox.listPending();
    freezeAfterMove(held!, STALE_AFTER_MS);
    // Stale by the clock, but this process is driving it: claimed (touched), then skipped, not
    // endorsed a second time.
    expect(await runtime.services.outboxRecovery.deliverDue()).toBe(0);
    const [row] = await runtime.services.ctx.store.outbox.listPending();
    expect(row?.updatedAt).toBe(clock().toISOString());
    expect(row?.state).toBe('intent');
    release();
    const res = await pending;
    expect(res.status).toBe(201);
    const id = res.body.licence.id as string;
    const onLedger = await runtime.services.ctx.ledger.admin.listLicencesByAgency(AGENCY.gdDmv, {
      pageSize: 100,
    });
    expect(onLedger.items.filter((r) => r.id === id)).toHaveLength(1);
    expect(await runtime.services.ctx.store.outbox.listPending()).toEqual([]);
  });
});
