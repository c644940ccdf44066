import { LicenceError, TX, rejectedLicenceError } from '@licence-ledger/domain';
import { migrate, loadMigrations } from './migrate';
import { withTransaction } from './db';
import { readdirSync, readFileSync, rmSync } from 'node:fs';
import path from 'node:path';
import { backends, openEmbedded, postgresServerMissing, testCipher } from './test-backends';
import { repositories } from './store';
import type { TestDatabase } from './test-backends';
import type { NewLicence } from './licences';
import type { OutboxIntent } from './outbox';
import type { ProjectionItem } from './projection';
import { backoffDelayMs, DEFAULT_BACKOFF } from './webhooks';

// Each backend's set-up starts a database (an embedded PGlite server: WebAssembly, a fresh data directory,
// the migrations), and the restart and content-at-rest tests start two each and scan their files: about
// 3 s per start on an idle machine, 10 to 15 s on a third of one core (`npm run test:slow`), where those
// tests took 25 to 40 s. jest.setTimeout applies to the whole file, wherever it is called.
jest.setTimeout(180_000);

const AGENCY = '11440000MB2C93756J';
const OTHER_AGENCY = '11440100MB2D15098D';
const HOLDER = 'H'.repeat(43);

function licence(n: number, overrides: Partial<NewLicence> = {}): NewLicence {
  return {
    id: `1.2.156.3005.2.11100000000000000A.${AGENCY}.${String(n).padStart(6, '0')}.001.X`,
    typeCode: '111000000',
    agency: AGENCY,
    holderRef: HOLDER,
    fields: { name: 'Zhang San', idNumber: '11010519491231002X' },
    salts: { name: 'c2FsdDE', idNumber: 'c2FsdDI' },
    kid: 'kid-1',
    validFrom: '2026-01-01',
    validUntil: '2032-01-01',
    predecessor: null,
    state: 'pending',
    outboxId: null,
    record: null,
    ...overrides,
  };
}

function item(licenceId: string, revision: number, overrides: Partial<ProjectionItem> = {}): ProjectionItem {
  return {
    licenceId,
    status: '01',
    issuerMsp: 'GuangdongMSP',
    revision,
    reasonCode: null,
    typeCode: '111000000',
    statusAt: '2026-11-21T09:00:00.000Z',
    blockNumber: 10 + revision,
    txId: `tx-${licenceId}-${revision}`,
    ...overrides,
  };
}

async function code(promise: Promise<unknown>): Promise<string> {
  try {
    await promise;
    return 'resolved';
  } catch (err) {
    return err instanceof LicenceError ? err.code : `non-licence error: ${String(err)}`;
  }
}

const serverMissing = postgresServerMissing();
if (serverMissing !== undefined) {
  // Shown as a skipped test, so a run without the server says so instead of passing quietly.
  it.skip(`storage on a PostgreSQL server: skipped, ${serverMissing}`, () => undefined);
}

describe.each(backends())('storage on %s', (_name, open) => {
  let db: TestDatabase;
  beforeAll(async () => {
    db = await open();
  });
  afterAll(async () => {
    await db?.close();
  });
  beforeEach(async () => {
    await db.reset();
  });

  describe('migrations and transactions', () => {
    it('applies nothing the second time (idempotent)', async () => {
      expect(await migrate(db.store.pool, {})).toEqual([]);
      const { rows } = await db.store.pool.query<{ version: number }>(
        'SELECT version FROM schema_migrations',
      );
      expect(rows.map((r) => r.version)).toEqual(loadMigrations().map((m) => m.version));
    });

    it('refuses to start when an applied migration changed', async () => {
      const changed = loadMigrations().map((m) => ({ ...m, checksum: `${m.checksum}x` }));
      expect(await code(migrate(db.store.pool, { migrations: changed }))).toBe('INTERNAL');
    });

    it('rolls a failed transaction back through the same connection', async () => {
      await expect(
        db.store.transaction(async (tx) => {
          await tx.licences.insert([licence(1)]);
          throw new Error('crash after the write');
        }),
      ).rejects.toThrow('crash after the write');
      expect(await db.store.licences.get(licence(1).id)).toBeUndefined();
      // The connection is usable again and not stuck inside the aborted transaction.
      await db.store.licences.insert([licence(1)]);
      expect(await db.store.licences.get(licence(1).id)).toBeDefined();
    });

    it('keeps concurrent transactions apart', async () => {
      const ids = [1, 2, 3, 4, 5, 6];
      const results = await Promise.allSettled(
        ids.map((n) =>
          withTransaction(db.store.pool, async (tx) => {
            await tx.query(`INSERT INTO licence_serials (agency, type_code, last) VALUES ($1, $2, 1)`, [
              AGENCY,
              `T${n}`,
            ]);
            if (n % 2 === 0) throw new Error('roll back the even ones');
          }),
        ),
      );
      expect(results.map((r) => r.status)).toEqual(ids.map((n) => (n % 2 === 0 ? 'rejected' : 'fulfilled')));
      const { rows } = await db.store.pool.query<{ type_code: string }>(
        'SELECT type_code FROM licence_serials ORDER BY type_code',
      );
      expect(rows.map((r) => r.type_code)).toEqual(['T1', 'T3', 'T5']);
    });
  });

  describe('licences', () => {
    it('stores and reads back a licence with its fields, salts and dates', async () => {
      await db.store.licences.insert([licence(1)]);
      const got = await db.store.licences.get(licence(1).id);
      expect(got).toMatchObject({ ...licence(1), status: null });
      expect(got?.createdAt).toMatch(/^\d{4}-\d\d-\d\dT/);
    });

    it('refuses a duplicate id with ALREADY_EXISTS and stores a batch whole or not at all', async () => {
      await db.store.licences.insert([licence(1)]);
      expect(await code(db.store.licences.insert([licence(1)]))).toBe('ALREADY_EXISTS');
      expect(await code(db.store.licences.insert([licence(2), licence(1)]))).toBe('ALREADY_EXISTS');
      expect(await db.store.licences.get(licence(2).id)).toBeUndefined();
    });

    it('moves licences to issued with their ledger record', async () => {
      await db.store.licences.insert([licence(1), licence(2)]);
      const record = { docType: 'licence', id: licence(1).id, revision: 1 } as never;
      expect(
        await db.store.licences.setState([licence(1).id], 'issued', new Map([[licence(1).id, record]])),
      ).toBe(1);
      expect((await db.store.licences.get(licence(1).id))?.state).toBe('issued');
      expect((await db.store.licences.get(licence(1).id))?.record).toEqual(record);
      expect((await db.store.licences.get(licence(2).id))?.state).toBe('pending');
    });

    it('pages a holder’s licences without gaps or repeats, even with equal timestamps', async () => {
      // One statement: every row gets the same created_at, so only the id breaks ties.
      await db.store.licences.insert(Array.from({ length: 7 }, (_, i) => licence(i + 1)));
      await db.store.licences.insert([licence(99, { holderRef: 'Z'.repeat(43) })]);
      const seen: string[] = [];
      let after: readonly [string, string] | undefined;
      for (let page = 0; page < 10; page++) {
        const res = await db.store.licences.listByHolder(HOLDER, { limit: 3, ...(after ? { after } : {}) });
        seen.push(...res.items.map((l) => l.id));
        after = res.next;
        if (after === undefined) break;
      }
      expect(seen).toHaveLength(7);
      expect(new Set(seen).size).toBe(7);
      expect(seen).toEqual([...seen].sort().reverse());
    });

    it('filters an agency’s licences by type, status and id prefix', async () => {
      await db.store.licences.insert([
        licence(1),
        licence(2, { typeCode: '222000000' }),
        licence(3, { agency: OTHER_AGENCY }),
      ]);
      await db.store.projection.apply([item(licence(1).id, 2, { status: '07' })]);
      const list = async (f = {}) =>
        (await db.store.licences.listByAgency(AGENCY, { limit: 10 }, f)).items.map((l) => l.id).sort();
      expect(await list()).toEqual([licence(1).id, licence(2).id].sort());
      expect(await list({ typeCode: '222000000' })).toEqual([licence(2).id]);
      expect(await list({ status: '07' })).toEqual([licence(1).id]);
      expect(await list({ idPrefix: licence(1).id.slice(0, -3) })).toEqual([licence(1).id]);
      expect(await list({ idPrefix: '%' })).toEqual([]);
    });

    it('hands out serial numbers once each, also under concurrency', async () => {
      const serials = await Promise.all(
        Array.from({ length: 12 }, () => db.store.licences.nextSerial(AGENCY, '111000000')),
      );
      expect([...serials].sort((a, b) => a - b)).toEqual(Array.from({ length: 12 }, (_, i) => i + 1));
      expect(await db.store.licences.nextSerial(AGENCY, '222000000')).toBe(1);
    });
  });

  describe('outbox state machine', () => {
    const intent: OutboxIntent = {
      id: 'ob-1',
      kind: 'issue',
      txName: TX.IssueLicence,
      args: ['{"x":1}'],
      agency: AGENCY,
      licenceIds: ['L1'],
    };
    const bytes = Buffer.from([1, 2, 3, 255]);

    it('walks intent → prepared → submitted → committed, repeating each step harmlessly', async () => {
      const o = db.store.outbox;
      expect((await o.create(intent)).state).toBe('intent');
      expect(await code(o.create(intent))).toBe('ALREADY_EXISTS');
      const prepared = await o.markPrepared('ob-1', { txId: 'tx-1', bytes });
      expect(prepared).toMatchObject({
        state: 'prepared',
        txId: 'tx-1',
        args: ['{"x":1}'],
        licenceIds: ['L1'],
      });
      expect(prepared.txBytes?.equals(bytes)).toBe(true);
      expect((await o.markPrepared('ob-1', { txId: 'tx-1', bytes })).state).toBe('prepared');
      expect(await code(o.markPrepared('ob-1', { txId: 'tx-other', bytes }))).toBe('CONFLICT');
      expect((await o.markSubmitted('ob-1')).state).toBe('submitted');
      expect((await o.markSubmitted('ob-1')).state).toBe('submitted');
      expect(await o.markCommitted('ob-1', 42)).toMatchObject({ state: 'committed', blockNumber: 42 });
      expect((await o.markCommitted('ob-1', 42)).state).toBe('committed');
      expect(await code(o.markCommitted('ob-1', 43))).toBe('CONFLICT');
      expect(await code(o.markFailed('ob-1', { code: 'X', message: 'late' }))).toBe('CONFLICT');
      expect(await code(o.resetToIntent('ob-1', { code: 'X', message: 'late' }))).toBe('CONFLICT');
      expect(await o.listPending()).toEqual([]);
    });

    it('refuses skipping steps and moves on unknown entries', async () => {
      const o = db.store.outbox;
      await o.create(intent);
      expect(await code(o.markSubmitted('ob-1'))).toBe('CONFLICT');
      expect(await code(o.markCommitted('ob-1', 1))).toBe('CONFLICT');
      expect(await code(o.markSubmitted('nope'))).toBe('NOT_FOUND');
    });

    it('goes back to intent after an invalidated transaction, and fails for good', async () => {
      const o = db.store.outbox;
      await o.create(intent);
      await o.markPrepared('ob-1', { txId: 'tx-1', bytes });
      const reset = await o.resetToIntent('ob-1', { code: 'MVCC_READ_CONFLICT', message: 'retry' });
      expect(reset).toMatchObject({ state: 'intent', txId: null, txBytes: null, attempts: 1 });
      await o.markPrepared('ob-1', { txId: 'tx-2', bytes });
      expect((await o.listPending()).map((e) => e.id)).toEqual(['ob-1']);
      expect(await o.markFailed('ob-1', { code: 'ENDORSEMENT_POLICY_FAILURE', message: 'no' })).toMatchObject(
        {
          state: 'failed',
          errorCode: 'ENDORSEMENT_POLICY_FAILURE',
        },
      );
      expect(await code(o.markPrepared('ob-1', { txId: 'tx-3', bytes }))).toBe('CONFLICT');
      expect(await o.listPending()).toEqual([]);
    });

    it('keeps the endorsing organisations of an intent (none when not given)', async () => {
      const o = db.store.outbox;
      expect((await o.create(intent)).endorsingOrgs).toEqual([]);
      await o.create({ ...intent, id: 'ob-endorsed', endorsingOrgs: ['GuangdongMSP', 'ZhejiangMSP'] });
      expect((await o.get('ob-endorsed'))?.endorsingOrgs).toEqual(['GuangdongMSP', 'ZhejiangMSP']);
    });

    it('claims only entries unmoved for the stale limit, and leases them by touching them', async () => {
      const o = db.store.outbox;
      const STALE = 60_000;
      for (const id of ['s1', 's2', 's3']) await o.create({ ...intent, id });
      await o.markFailed('s3', { code: 'X', message: 'x' });
      // The claims' clock is set against the rows' own times, however long writing them took.
      const written = await Promise.all(
        ['s1', 's2'].map(async (id) => Date.parse((await o.get(id))!.updatedAt)),
      );
      const at = (ms: number) => new Date(ms);
      // 1 ms inside the limit for the older row: nothing is claimed.
      expect(
        await o.claimStale({ now: at(Math.min(...written) + STALE - 1), staleAfterMs: STALE, limit: 10 }),
      ).toEqual([]);
      const t1 = Math.max(...written) + STALE;
      const claimed = await o.claimStale({ now: at(t1), staleAfterMs: STALE, limit: 10 });
      expect(claimed.map((e) => e.id)).toEqual(['s1', 's2']);
      expect(claimed.map((e) => e.updatedAt)).toEqual([at(t1).toISOString(), at(t1).toISOString()]);
      // Touched by the claim: not stale again until the limit passes once more.
      expect(await o.claimStale({ now: at(t1 + STALE - 1), staleAfterMs: STALE, limit: 10 })).toEqual([]);
      expect(
        (await o.claimStale({ now: at(t1 + STALE), staleAfterMs: STALE, limit: 1 })).map((e) => e.id),
      ).toEqual(['s1']);
    });

    it('lists pending entries oldest first', async () => {
      for (const id of ['a', 'b', 'c']) await db.store.outbox.create({ ...intent, id });
      await db.store.outbox.markFailed('b', { code: 'X', message: 'x' });
      expect((await db.store.outbox.listPending()).map((e) => e.id)).toEqual(['a', 'c']);
    });
  });

  describe('idempotency keys', () => {
    it('reserves once, reports in-progress, then replays the stored response', async () => {
      const k = db.store.idempotency;
      expect(await k.reserve('GuangdongMSP/clerk', 'key-1', 'h1')).toEqual({ outcome: 'reserved' });
      await k.setResource('GuangdongMSP/clerk', 'key-1', 'ob-1');
      expect(await k.reserve('GuangdongMSP/clerk', 'key-1', 'h1')).toEqual({
        outcome: 'in_progress',
        resourceId: 'ob-1',
      });
      await k.complete('GuangdongMSP/clerk', 'key-1', 201, { id: 'L1' });
      expect(await k.reserve('GuangdongMSP/clerk', 'key-1', 'h1')).toEqual({
        outcome: 'completed',
        status: 201,
        body: { id: 'L1' },
        resourceId: 'ob-1',
      });
    });

    it('answers CONFLICT when the key comes back with a different request', async () => {
      const k = db.store.idempotency;
      await k.reserve('c', 'key-1', 'h1');
      expect(await code(k.reserve('c', 'key-1', 'h2'))).toBe('CONFLICT');
      await k.complete('c', 'key-1', 200, null);
      expect(await code(k.reserve('c', 'key-1', 'h2'))).toBe('CONFLICT');
    });

    it('scopes keys per caller and lets a released reservation be retried', async () => {
      const k = db.store.idempotency;
      await k.reserve('a', 'key-1', 'h1');
      expect(await k.reserve('b', 'key-1', 'h2')).toEqual({ outcome: 'reserved' });
      await k.release('a', 'key-1');
      expect(await k.reserve('a', 'key-1', 'h3')).toEqual({ outcome: 'reserved' });
      await k.complete('a', 'key-1', 200, {});
      await k.release('a', 'key-1');
      expect((await k.reserve('a', 'key-1', 'h3')).outcome).toBe('completed');
    });

    it('keeps a failed reservation that recorded a resource, for the retry to resume', async () => {
      const k = db.store.idempotency;
      await k.reserve('c', 'with-work', 'h1');
      await k.setResource('c', 'with-work', 'ob-7');
      await k.release('c', 'with-work');
      // The same key for another request is still refused; the same request takes it over.
      expect(await code(k.reserve('c', 'with-work', 'h2'))).toBe('CONFLICT');
      expect(await k.reserve('c', 'with-work', 'h1')).toEqual({ outcome: 'resumed', resourceId: 'ob-7' });
      expect(await k.reserve('c', 'with-work', 'h1')).toEqual({ outcome: 'in_progress', resourceId: 'ob-7' });
      await k.complete('c', 'with-work', 201, { id: 'L7' });
      expect((await k.reserve('c', 'with-work', 'h1')).outcome).toBe('completed');
    });

    it('marks what a stopped process left unfinished as interrupted, and nothing else', async () => {
      const k = db.store.idempotency;
      await k.reserve('c', 'cut-short', 'h1');
      await k.reserve('c', 'cut-short-with-work', 'h1');
      await k.setResource('c', 'cut-short-with-work', 'ob-8');
      await k.reserve('c', 'done', 'h1');
      await k.complete('c', 'done', 200, {});
      expect(await k.interruptAll()).toBe(2);
      expect(await k.interruptAll()).toBe(0);
      expect(await k.reserve('c', 'cut-short', 'h1')).toEqual({ outcome: 'resumed', resourceId: null });
      expect(await k.reserve('c', 'cut-short-with-work', 'h1')).toEqual({
        outcome: 'resumed',
        resourceId: 'ob-8',
      });
      expect((await k.reserve('c', 'done', 'h1')).outcome).toBe('completed');
    });

    it('hands an interrupted reservation to exactly one of many concurrent retries', async () => {
      const k = db.store.idempotency;
      await k.reserve('c', 'retried', 'h');
      await k.interruptAll();
      const outcomes = await Promise.all(Array.from({ length: 8 }, () => k.reserve('c', 'retried', 'h')));
      expect(outcomes.filter((o) => o.outcome === 'resumed')).toHaveLength(1);
      expect(outcomes.filter((o) => o.outcome === 'in_progress')).toHaveLength(7);
    });

    it('lets exactly one of many concurrent identical requests reserve', async () => {
      const outcomes = await Promise.all(
        Array.from({ length: 8 }, () => db.store.idempotency.reserve('c', 'race', 'h')),
      );
      expect(outcomes.filter((o) => o.outcome === 'reserved')).toHaveLength(1);
    });
  });

  describe('status projection and checkpoint', () => {
    it('never lets an older revision overwrite a newer one', async () => {
      const p = db.store.projection;
      expect(await p.apply([item('L1', 1), item('L1', 3, { status: '07', reasonCode: 'FRAUD' })])).toBe(2);
      expect(await p.apply([item('L1', 2, { status: '02' })])).toBe(0);
      expect(await p.apply([item('L1', 3, { status: '01' })])).toBe(0);
      expect(await p.get('L1')).toMatchObject({
        status: '07',
        revision: 3,
        reasonCode: 'FRAUD',
        blockNumber: 13,
      });
      expect((await p.getMany(['L1', 'L2'])).map((s) => s.licenceId)).toEqual(['L1']);
    });

    it('writes projection rows and the checkpoint together', async () => {
      const changed = await db.store.applyLedgerEvents([item('L1', 1), item('L2', 1)], {
        blockNumber: 11,
        txId: 'tx-a',
      });
      expect(changed).toBe(2);
      expect(await db.store.projection.checkpoint()).toEqual({ blockNumber: 11, txId: 'tx-a' });
    });

    it('leaves neither rows nor checkpoint when applying fails midway', async () => {
      await db.store.applyLedgerEvents([item('L0', 1)], { blockNumber: 5, txId: 'tx-0' });
      const bad = item('L2', 1, { status: 'XX' as never });
      await expect(
        db.store.applyLedgerEvents([item('L1', 1), bad], { blockNumber: 12, txId: 'tx-b' }),
      ).rejects.toBeDefined();
      expect(await db.store.projection.get('L1')).toBeUndefined();
      expect(await db.store.projection.checkpoint()).toEqual({ blockNumber: 5, txId: 'tx-0' });
    });

    it('commits writes made alongside with the projection, and rolls them back with it', async () => {
      const seen = async (jti: string): Promise<boolean> =>
        !(await db.store.replay.claimJti(jti, new Date(Date.now() + 60_000)));
      await db.store.applyLedgerEvents(
        [item('L1', 1)],
        { blockNumber: 11, txId: 'tx-a' },
        {
          alongside: async (tx) =>
            void (await tx.replay.claimJti('with-event', new Date(Date.now() + 60_000))),
        },
      );
      expect(await seen('with-event')).toBe(true);
      await expect(
        db.store.applyLedgerEvents(
          [item('L2', 1)],
          { blockNumber: 12, txId: 'tx-b' },
          {
            alongside: async (tx) => {
              await tx.replay.claimJti('rolled-back', new Date(Date.now() + 60_000));
              throw new LicenceError('INTERNAL', 'fails after writing');
            },
          },
        ),
      ).rejects.toBeInstanceOf(LicenceError);
      expect(await db.store.projection.get('L2')).toBeUndefined();
      expect(await seen('rolled-back')).toBe(false);
      expect(await db.store.projection.checkpoint()).toEqual({ blockNumber: 11, txId: 'tx-a' });
    });

    it('never moves the checkpoint back, and keeps streams apart', async () => {
      const p = db.store.projection;
      expect(await p.checkpoint()).toBeUndefined();
      expect(await p.saveCheckpoint({ blockNumber: 20, txId: 't20' })).toBe(true);
      expect(await p.saveCheckpoint({ blockNumber: 19, txId: 't19' })).toBe(false);
      expect(await p.saveCheckpoint({ blockNumber: 20, txId: 't20b' })).toBe(true);
      expect(await p.checkpoint()).toEqual({ blockNumber: 20, txId: 't20b' });
      await p.saveCheckpoint({ blockNumber: 3, txId: null }, 'registry');
      expect(await p.checkpoint('registry')).toEqual({ blockNumber: 3, txId: null });
    });
  });

  describe('replay guard', () => {
    it('claims a jti once', async () => {
      const exp = new Date(Date.now() + 60_000);
      expect(await db.store.replay.claimJti('jti-1', exp)).toBe(true);
      expect(await db.store.replay.claimJti('jti-1', exp)).toBe(false);
      expect(await db.store.replay.claimJti('jti-2', exp)).toBe(true);
    });

    it('is safe under concurrent claims of the same jti', async () => {
      const exp = new Date(Date.now() + 60_000);
      const wins = await Promise.all(Array.from({ length: 8 }, () => db.store.replay.claimJti('same', exp)));
      expect(wins.filter(Boolean)).toHaveLength(1);
    });

    it('purges only expired ids', async () => {
      const now = new Date('2026-11-21T09:00:00Z');
      await db.store.replay.claimJti('old', new Date(now.getTime() - 1000));
      await db.store.replay.claimJti('live', new Date(now.getTime() + 1000));
      expect(await db.store.replay.purgeExpired(now)).toBe(1);
      expect(await db.store.replay.claimJti('live', new Date(now.getTime() + 1000))).toBe(false);
    });
  });

  describe('verification log', () => {
    it('lists verifications of a holder’s licences newest first, page by page', async () => {
      const base = Date.parse('2026-11-21T09:00:00Z');
      const rows = [0, 1, 2, 3, 4].map((i) => ({
        id: `lv-${i}`,
        licenceId: i % 2 === 0 ? 'L1' : 'L2',
        issuerMsp: 'GuangdongMSP',
        verifierProvince: 'ZhejiangMSP',
        verifierAgency: '11330000MB1F22343T',
        verifierSub: 'v1',
        purpose: '办理营业执照变更',
        result: 'VALID',
        jti: `j${i}`,
        at: new Date(base + i * 1000),
      }));
      const other = {
        id: 'lv-other',
        licenceId: 'L3',
        issuerMsp: null,
        verifierProvince: 'ZhejiangMSP',
        verifierAgency: null,
        verifierSub: null,
        purpose: 'xy',
        result: 'REVOKED',
        jti: null,
      };
      expect(await db.store.verifications.settle([...rows, other], [], 'REPLAYED')).toEqual(
        Array(6).fill(true),
      );
      const first = await db.store.verifications.listByLicences(['L1', 'L2'], { limit: 3 });
      expect(first.items.map((v) => v.jti)).toEqual(['j4', 'j3', 'j2']);
      expect(first.items[0]?.purpose).toBe('办理营业执照变更');
      const second = await db.store.verifications.listByLicences(['L1', 'L2'], {
        limit: 3,
        after: first.next!,
      });
      expect(second.items.map((v) => v.jti)).toEqual(['j1', 'j0']);
      expect(second.next).toBeUndefined();
      expect((await db.store.verifications.listByLicences([], { limit: 3 })).items).toEqual([]);
    });
  });

  describe('verification log, batched', () => {
    /** A verification made at this gateway of `licenceId`. */
    const local = (licenceId: string) => ({
      licenceId,
      issuerMsp: 'GuangdongMSP',
      verifierProvince: 'ZhejiangMSP',
      verifierAgency: null,
      verifierSub: 'v',
      purpose: '核验',
      result: 'VALID',
      jti: null,
    });

    it('logs each row with its own time, or with the database’s now', async () => {
      const base = Date.parse('2026-11-21T09:00:00Z');
      const entries = ['L7', 'L8', 'L9'].map((licenceId, i) => ({
        id: `lt-${i}`,
        licenceId,
        issuerMsp: 'GuangdongMSP',
        verifierProvince: 'ZhejiangMSP',
        verifierAgency: i === 1 ? null : '11330000MB1F22343T',
        verifierSub: `v${i}`,
        purpose: '交通违法处理',
        result: i === 2 ? 'REVOKED' : 'VALID',
        jti: null,
        ...(i === 0 ? {} : { at: new Date(base + i * 1000) }),
      }));
      expect(await db.store.verifications.settle(entries, [], 'REPLAYED')).toEqual([true, true, true]);
      const listed = await db.store.verifications.listByLicences(['L7', 'L8', 'L9'], { limit: 10 });
      const byId = new Map(listed.items.map((e) => [e.id, e]));
      expect(
        entries.map((e) => [e.licenceId, byId.get(e.id)?.verifierAgency, byId.get(e.id)?.result]),
      ).toEqual([
        ['L7', '11330000MB1F22343T', 'VALID'],
        ['L8', null, 'VALID'],
        ['L9', '11330000MB1F22343T', 'REVOKED'],
      ]);
      expect(byId.get('lt-1')?.at).toBe('2026-11-21T09:00:01.000Z');
      // Without a time of its own, a row gets the database's now.
      expect(Math.abs(Date.parse(byId.get('lt-0')!.at) - Date.now())).toBeLessThan(60_000);
    });

    it('writes nothing, not even a claim, when one row of a batch breaks a constraint', async () => {
      const exp = new Date(Date.now() + 60_000);
      const row = { ...local('L10'), id: 'lc-1', claim: { jti: 'lc-jti', exp } };
      await expect(
        db.store.verifications.settle(
          [row, { ...local('L11'), id: 'lc-2', purpose: 'x'.repeat(201) }],
          [],
          'REPLAYED',
        ),
      ).rejects.toThrow();
      expect((await db.store.verifications.listByLicences(['L10', 'L11'], { limit: 10 })).items).toEqual([]);
      expect(await db.store.replay.claimJti('lc-jti', exp)).toBe(true);
    });

    it('settles verifications in one statement: claims, log rows and trail notifications together', async () => {
      const exp = new Date(Date.now() + 60_000);
      const row = (id: string, licenceId: string, jti?: string) => ({
        ...local(licenceId),
        id,
        ...(jti === undefined ? {} : { claim: { jti, exp } }),
      });
      const note = (id: string, verificationId: string) => ({
        id,
        verificationId,
        targetMsp: 'GuangdongMSP',
        payload: { verificationId },
      });
      const v = db.store.verifications;
      const ids = async (licences: string[]) =>
        (await v.listByLicences(licences, { limit: 10 })).items.map((e) => e.id).sort();

      expect(
        await v.settle([row('vs-1', 'L20'), row('vs-2', 'L21', 'sj-1')], [note('ts-1', 'vs-2')], 'REPLAYED'),
      ).toEqual([true, true]);
      expect(await ids(['L20', 'L21'])).toEqual(['vs-1', 'vs-2']);
      expect(await db.store.trail.get('ts-1')).toMatchObject({ verificationId: 'vs-2', state: 'pending' });

      // A claimed id, and the second occurrence of an id within the batch, lose: logged as
      // replayed, without the licence, and their notifications are not queued.
      expect(
        await v.settle(
          [row('vs-3', 'L22', 'sj-1'), row('vs-4', 'L23', 'sj-2'), row('vs-5', 'L24', 'sj-2')],
          [note('ts-3', 'vs-3'), note('ts-4', 'vs-4'), note('ts-5', 'vs-5')],
          'REPLAYED',
        ),
      ).toEqual([false, true, false]);
      const { rows } = await db.store.pool.query<{ id: string; licence_id: string | null; result: string }>(
        "SELECT id, licence_id, result FROM verification_log WHERE id IN ('vs-3', 'vs-4', 'vs-5') ORDER BY id",
      );
      expect(rows).toEqual([
        { id: 'vs-3', licence_id: null, result: 'REPLAYED' },
        { id: 'vs-4', licence_id: 'L23', result: 'VALID' },
        { id: 'vs-5', licence_id: null, result: 'REPLAYED' },
      ]);
      expect(await db.store.trail.get('ts-3')).toBeUndefined();
      expect(await db.store.trail.get('ts-4')).toMatchObject({ verificationId: 'vs-4' });
      expect(await db.store.trail.get('ts-5')).toBeUndefined();
      expect(await db.store.replay.claimJti('sj-2', exp)).toBe(false);

      // A notification naming no entry breaks the foreign key: nothing of the batch is written,
      // not even the claim.
      await expect(
        v.settle([row('vs-6', 'L25', 'sj-3')], [note('ts-6', 'no-such-row')], 'REPLAYED'),
      ).rejects.toThrow();
      expect(await ids(['L25'])).toEqual([]);
      expect(await db.store.trail.get('ts-6')).toBeUndefined();
      expect(await db.store.replay.claimJti('sj-3', exp)).toBe(true);
      expect(await v.settle([], [], 'REPLAYED')).toEqual([]);
    });

    it('queues each notification with its payload and target', async () => {
      await db.store.verifications.settle(
        [
          { ...local('L12'), id: 'lq-1' },
          { ...local('L13'), id: 'lq-2' },
        ],
        [
          { id: 'tm-1', verificationId: 'lq-1', targetMsp: 'GuangdongMSP', payload: { licenceId: 'L12' } },
          {
            id: 'tm-2',
            verificationId: 'lq-2',
            targetMsp: 'JiangsuMSP',
            payload: { licenceId: 'L13', n: 2 },
          },
        ],
        'REPLAYED',
      );
      expect(await db.store.trail.get('tm-1')).toMatchObject({
        verificationId: 'lq-1',
        targetMsp: 'GuangdongMSP',
        payload: { licenceId: 'L12' },
        state: 'pending',
      });
      expect((await db.store.trail.get('tm-2'))?.payload).toEqual({ licenceId: 'L13', n: 2 });
    });
  });

  describe('verification trail', () => {
    const reported = {
      licenceId: 'L1',
      issuerMsp: 'GuangdongMSP',
      verifierProvince: 'ZhejiangMSP',
      verifierAgency: '11330000MB1F22343T',
      verifierSub: 'v1',
      purpose: '租车 car rental',
      result: 'VALID',
      notificationJti: 'n-1',
      at: new Date('2026-11-21T09:00:00Z'),
    };
    /** Logs a local verification `rowId` with its note `n` to the issuing province. */
    const queue = (rowId: string, n: { id: string; targetMsp: string; payload: Record<string, unknown> }) => {
      const { notificationJti: _reportedOnly, ...row } = reported;
      return db.store.verifications.settle(
        [{ ...row, id: rowId, jti: null }],
        [{ ...n, verificationId: rowId }],
        'REPLAYED',
      );
    };

    it('records a reported verification once per (reporting province, jti)', async () => {
      const v = db.store.verifications;
      expect(await v.insertReported(reported)).toMatchObject({ licenceId: 'L1', purpose: reported.purpose });
      expect(await v.insertReported({ ...reported, purpose: 'changed' })).toBeUndefined();
      expect(await v.insertReported({ ...reported, verifierProvince: 'BeijingMSP' })).toBeDefined();
      const all = await v.listByLicences(['L1'], { limit: 10 });
      expect(all.items.map((e) => e.verifierProvince).sort()).toEqual(['BeijingMSP', 'ZhejiangMSP']);
    });

    it('claims due notifications with a lease, backs off after failures and gives up at the budget', async () => {
      await queue('tv-1', { id: 't-1', targetMsp: 'GuangdongMSP', payload: { a: 1 } });
      const trail = db.store.trail;
      const retry = { baseMs: 1000, maxMs: 3000, maxAttempts: 3 };
      const t0 = new Date(Date.now() + 1000);
      expect((await trail.claimDue({ now: t0, limit: 10, leaseMs: 60_000 })).map((n) => n.id)).toEqual([
        't-1',
      ]);
      // Leased: not due again before the lease ends.
      expect(await trail.claimDue({ now: t0, limit: 10, leaseMs: 60_000 })).toEqual([]);
      const fail = { status: 503, error: 'HTTP 503', final: false };
      expect(await trail.markAttemptFailed('t-1', fail, t0, retry)).toBe(true);
      expect(await trail.get('t-1')).toMatchObject({
        state: 'pending',
        attempts: 1,
        nextAt: new Date(t0.getTime() + 1000).toISOString(),
        lastStatus: 503,
      });
      await trail.markAttemptFailed('t-1', fail, t0, retry);
      expect((await trail.get('t-1'))?.nextAt).toBe(new Date(t0.getTime() + 2000).toISOString());
      await trail.markAttemptFailed('t-1', fail, t0, retry);
      expect(await trail.get('t-1')).toMatchObject({ state: 'failed', attempts: 3 });
      expect(await trail.markDelivered('t-1', 201, t0)).toBe(false);
    });

    it('lists notifications by state, newest first, page by page, and resends only failed ones', async () => {
      const trail = db.store.trail;
      for (const i of [0, 1, 2]) {
        await queue(`lsv-${i}`, { id: `ls-${i}`, targetMsp: 'GuangdongMSP', payload: { i } });
        await new Promise((resolve) => setTimeout(resolve, 5));
      }
      const final = { status: 404, error: 'HTTP 404', final: true };
      for (const id of ['ls-0', 'ls-2'])
        await trail.markAttemptFailed(id, final, new Date(), DEFAULT_BACKOFF);
      const first = await trail.listByState('failed', { limit: 1 });
      expect(first.items.map((n) => n.id)).toEqual(['ls-2']);
      const second = await trail.listByState('failed', { limit: 1, after: first.next! });
      expect(second.items.map((n) => n.id)).toEqual(['ls-0']);
      expect(second.next).toBeUndefined();
      expect((await trail.listByState('pending', { limit: 10 })).items.map((n) => n.id)).toEqual(['ls-1']);
      const due = new Date(Date.now() + 5000);
      expect(await trail.resend('ls-0', due)).toMatchObject({
        id: 'ls-0',
        state: 'pending',
        attempts: 0,
        nextAt: due.toISOString(),
      });
      expect(await trail.resend('ls-1', due)).toBeUndefined();
      expect(await trail.resend('no-such', due)).toBeUndefined();
    });

    it('delivers once, and ends at once on a final refusal', async () => {
      await queue('tva', { id: 't-a', targetMsp: 'GuangdongMSP', payload: {} });
      await queue('tvb', { id: 't-b', targetMsp: 'GuangdongMSP', payload: {} });
      const trail = db.store.trail;
      const now = new Date();
      expect(await trail.markDelivered('t-a', 201, now)).toBe(true);
      expect(await trail.markDelivered('t-a', 201, now)).toBe(false);
      expect(await trail.get('t-a')).toMatchObject({ state: 'delivered', attempts: 1, lastStatus: 201 });
      const final = { status: 404, error: 'HTTP 404', final: true };
      await trail.markAttemptFailed('t-b', final, now, { baseMs: 1, maxMs: 1, maxAttempts: 40 });
      expect(await trail.get('t-b')).toMatchObject({ state: 'failed', attempts: 1 });
    });
  });

  describe('webhooks', () => {
    const owner = { province: 'ZhejiangMSP', sub: 'bank-1' };
    const newSub = (licenceIds: string[]) => ({
      ownerProvince: owner.province,
      ownerSub: owner.sub,
      ownerAgency: null,
      url: 'https://bank.example/hooks',
      secret: null,
      licenceIds,
    });

    it('creates, finds, lists and deletes subscriptions by owner', async () => {
      const w = db.store.webhooks;
      const s = await w.createSubscription(newSub(['L2', 'L1', 'L1']));
      expect(s).toMatchObject({ licenceIds: ['L1', 'L2'], active: true, ownerSub: 'bank-1' });
      await w.createSubscription(newSub(['L3']));
      expect((await w.subscribersOf(['L1', 'L9'])).map((x) => [x.subscription.id, x.licenceIds])).toEqual([
        [s.id, ['L1']],
      ]);
      expect((await w.listSubscriptions(owner, { limit: 10 })).items).toHaveLength(2);
      // Oldest first, page by page.
      const first = await w.listSubscriptions(owner, { limit: 1 });
      expect(first.items.map((x) => x.id)).toEqual([s.id]);
      const second = await w.listSubscriptions(owner, { limit: 1, after: first.next! });
      expect(second.items.map((x) => x.licenceIds)).toEqual([['L3']]);
      expect(second.next).toBeUndefined();
      expect((await w.listSubscriptions({ ...owner, sub: 'other' }, { limit: 10 })).items).toHaveLength(0);
      expect(await w.deleteSubscription(s.id, { ...owner, sub: 'other' })).toBe(false);
      expect(await w.deleteSubscription(s.id, owner)).toBe(true);
      expect(await w.getSubscription(s.id)).toBeUndefined();
      expect(await code(w.createSubscription(newSub([])))).toBe('INVALID_ARGUMENT');
    });

    it('enqueues once per event key, leases due deliveries and backs off exponentially', async () => {
      const w = db.store.webhooks;
      const s = await w.createSubscription(newSub(['L1']));
      const t0 = new Date('2026-11-21T09:00:00.000Z');
      expect(
        await w.enqueue({ subscriptionId: s.id, eventKey: 'tx1:L1', payload: '{"a":1}', nextAt: t0 }),
      ).toBe(true);
      expect(
        await w.enqueue({ subscriptionId: s.id, eventKey: 'tx1:L1', payload: '{"a":1}', nextAt: t0 }),
      ).toBe(false);

      const [job] = await w.claimDue({ now: t0, limit: 10, leaseMs: 30_000 });
      expect(job).toMatchObject({ url: 'https://bank.example/hooks', payload: '{"a":1}', attempts: 0 });
      // Leased: not due again until the lease lapses.
      expect(await w.claimDue({ now: new Date(t0.getTime() + 29_000), limit: 10, leaseMs: 30_000 })).toEqual(
        [],
      );

      const policy = { baseMs: 1000, maxMs: 4000, maxAttempts: 4 };
      let d = await w.markAttemptFailed(job!.id, { status: 500, error: 'boom' }, t0, policy);
      expect(d).toMatchObject({
        state: 'pending',
        attempts: 1,
        nextAt: '2026-11-21T09:00:01.000Z',
        lastStatus: 500,
      });
      d = await w.markAttemptFailed(job!.id, { status: null, error: 'timeout' }, t0, policy);
      expect(d).toMatchObject({ attempts: 2, nextAt: '2026-11-21T09:00:02.000Z' });
      d = await w.markAttemptFailed(job!.id, { status: 503, error: 'x' }, t0, policy);
      expect(d).toMatchObject({ attempts: 3, nextAt: '2026-11-21T09:00:04.000Z', state: 'pending' });
      d = await w.markAttemptFailed(job!.id, { status: 503, error: 'x' }, t0, policy);
      expect(d).toMatchObject({ attempts: 4, state: 'failed' });
      expect(await code(w.markDelivered(job!.id, 200, t0))).toBe('NOT_FOUND');
      expect(
        await w.claimDue({ now: new Date(t0.getTime() + 86_400_000), limit: 10, leaseMs: 1000 }),
      ).toEqual([]);
    });

    it('marks a delivery delivered', async () => {
      const w = db.store.webhooks;
      const s = await w.createSubscription(newSub(['L1']));
      await w.enqueue({ subscriptionId: s.id, eventKey: 'k', payload: 'p' });
      const [job] = await w.claimDue({ now: new Date(Date.now() + 1000), limit: 1, leaseMs: 1000 });
      const t = new Date('2026-11-21T10:00:00.000Z');
      expect(await w.markDelivered(job!.id, 204, t)).toMatchObject({
        state: 'delivered',
        attempts: 1,
        lastStatus: 204,
        deliveredAt: t.toISOString(),
      });
    });
  });
});

describe('backoff', () => {
  it('doubles from the base and caps at the maximum', () => {
    const delays = [1, 2, 3, 4, 10, 20, 100].map((a) => backoffDelayMs(a, DEFAULT_BACKOFF));
    expect(delays.slice(0, 4)).toEqual([10_000, 20_000, 40_000, 80_000]);
    expect(delays.slice(4)).toEqual([DEFAULT_BACKOFF.maxMs, DEFAULT_BACKOFF.maxMs, DEFAULT_BACKOFF.maxMs]);
  });
});

describe('embedded PGlite server', () => {
  it('keeps its data on disk across restarts', async () => {
    const cipher = testCipher();
    const first = await openEmbedded(undefined, cipher);
    await first.store.licences.insert([licence(7)]);
    await first.store.applyLedgerEvents([item('L1', 1)], { blockNumber: 9, txId: 'tx9' });
    await first.store.close();
    const again = await openEmbedded(first.dataDir, cipher);
    try {
      expect((await again.store.licences.get(licence(7).id))?.fields).toEqual(licence(7).fields);
      expect(await again.store.projection.checkpoint()).toEqual({ blockNumber: 9, txId: 'tx9' });
    } finally {
      await again.store.close();
      const { rmSync } = await import('node:fs');
      rmSync(first.dataDir, { recursive: true, force: true });
    }
  });
});

describe('licence content at rest', () => {
  const ID_NUMBER = licence(1).fields.idNumber as string;
  const NAME = licence(1).fields.name as string;

  /** Every file under `dir`, as one buffer per file. */
  function filesUnder(dir: string): Buffer[] {
    return readdirSync(dir, { recursive: true, withFileTypes: true })
      .filter((e) => e.isFile())
      .map((e) => readFileSync(path.join(e.parentPath, e.name)));
  }

  it('leaves no name, ID number or salt in the database or its files, yet reads them back', async () => {
    const cipher = testCipher();
    const db = await openEmbedded(undefined, cipher);
    try {
      await db.store.licences.insert([licence(1), licence(2)]);
      const { rows } = await db.store.pool.query<{ row: string }>('SELECT l::text AS row FROM licences l');
      expect(rows).toHaveLength(2);
      for (const { row } of rows) {
        expect(row).not.toContain(ID_NUMBER);
        expect(row).not.toContain(NAME);
        expect(row).not.toContain('c2FsdDE');
      }
      expect(await db.store.licences.get(licence(1).id)).toMatchObject({
        fields: licence(1).fields,
        salts: licence(1).salts,
      });
    } finally {
      await db.store.close();
    }
    const raw = filesUnder(db.dataDir);
    expect(raw.length).toBeGreaterThan(10);
    expect(raw.filter((b) => b.includes(ID_NUMBER) || b.includes(NAME))).toEqual([]);
    // The scan does see table data: the agency's USCC, stored in the clear, is found.
    expect(raw.some((b) => b.includes(licence(1).agency))).toBe(true);
    rmSync(db.dataDir, { recursive: true, force: true });
  });

  it('refuses content sealed under another key, or moved to another row', async () => {
    const db = await openEmbedded();
    try {
      await db.store.licences.insert([licence(1), licence(2)]);
      const other = repositories(db.store.pool, testCipher());
      expect(await rejectedLicenceError(other.licences.get(licence(1).id))).toMatchObject({
        code: 'INTERNAL',
        message: expect.stringContaining('another content key') as string,
      });
      // Swap the sealed content of two rows: each refuses to open as the other.
      await db.store.pool.query(
        `UPDATE licences SET content = (SELECT content FROM licences WHERE licence_id = $2) WHERE licence_id = $1`,
        [licence(1).id, licence(2).id],
      );
      expect((await rejectedLicenceError(db.store.licences.get(licence(1).id)))?.message).toContain(
        'belongs to another licence',
      );
    } finally {
      await db.close();
    }
  });

  it('seals, at start, content a gateway stored in plaintext before sealing existed', async () => {
    const cipher = testCipher();
    const db = await openEmbedded(undefined, cipher);
    const l = licence(3);
    await db.store.pool.query(
      `INSERT INTO licences (licence_id, type_code, agency, holder_ref, fields, salts, kid, valid_from, state)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, 'issued')`,
      [
        l.id,
        l.typeCode,
        l.agency,
        l.holderRef,
        JSON.stringify(l.fields),
        JSON.stringify(l.salts),
        l.kid,
        l.validFrom,
      ],
    );
    // Readable in its old form too, until sealed.
    expect((await db.store.licences.get(l.id))?.fields).toEqual(l.fields);
    await db.store.close();
    const again = await openEmbedded(db.dataDir, cipher);
    try {
      const { rows } = await again.store.pool.query<{ sealed: boolean; plain: boolean }>(
        'SELECT content IS NOT NULL AS sealed, fields IS NOT NULL OR salts IS NOT NULL AS plain FROM licences',
      );
      expect(rows).toEqual([{ sealed: true, plain: false }]);
      expect(await again.store.licences.get(l.id)).toMatchObject({ fields: l.fields, salts: l.salts });
      expect(await again.store.licences.sealPlaintext()).toBe(0);
    } finally {
      await again.close();
    }
  });

  it('refuses a row with neither form of content, or both', async () => {
    const db = await openEmbedded();
    try {
      const l = licence(4);
      const insert = (content: Buffer | null, fields: string | null) =>
        db.store.pool.query(
          `INSERT INTO licences (licence_id, type_code, agency, content, fields, salts, kid, valid_from, state)
           VALUES ($1, $2, $3, $4, $5, $5, $6, $7, 'issued')`,
          [l.id, l.typeCode, l.agency, content, fields, l.kid, l.validFrom],
        );
      await expect(insert(null, null)).rejects.toThrow(/licences_content_present/);
      await expect(insert(Buffer.alloc(64, 1), '{}')).rejects.toThrow(/licences_content_present/);
    } finally {
      await db.close();
    }
  });
});
