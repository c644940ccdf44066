/**
 * No personal data on chain: seed many licences whose off-chain content is full of names, citizen ID
 * numbers and mobile numbers, then scan every committed state value, history entry and event, and
 * the raw bytes of the ledger's database, for them.
 */
import { ClassicLevel } from 'classic-level';
import { TX, citizenIdCheckChar } from '@licence-ledger/domain';
import type { HistoryEntry, LicenceRecord } from '@licence-ledger/domain';
import type { EndorsedTransaction } from '@licence-ledger/embedded-ledger';
import { BJ_DRIVING, CONSORTIUM_START_MS, Consortium, GD, GD_DRIVING, ZJ, ZJ_DRIVING } from './test-support';

const SURNAMES = ['王', '李', '张', '刘', '陈', '杨', '黄', '赵', '吴', '周'];
const GIVEN = ['伟', '芳', '娜', '秀英', '敏', '静', '丽', '强', '磊', '军', '洋', '勇'];
const LICENCES = 210;

// The test's budget: a consortium, then 210 licences each signed by its agency (ES256) and checked by
// the chaincode, committed in batches of 50; every history read back; the raw database scanned. About
// 3 s on an idle machine and 30 s on a third of one core (`npm run test:slow`): jest's default 5 s held
// only on a fast host.
jest.setTimeout(CONSORTIUM_START_MS + 120_000);

// Opaque members whose base64url/hex text may contain digit runs by chance; they are checked separately.
const OPAQUE = new Set([
  'txId',
  'lastTxId',
  'signature',
  'kid',
  'root',
  'certificatePem',
  'signingCaPem',
  'digests',
]);
const CITIZEN_ID = /(?<![0-9])[0-9]{17}[0-9X](?![0-9])/;
const MOBILE = /(?<![0-9])1[3-9][0-9]{9}(?![0-9])/;

interface Person {
  name: string;
  id: string;
  phone: string;
}

/** Deterministic pseudo-people, so a failure is reproducible. */
function people(n: number): Person[] {
  return Array.from({ length: n }, (_, i) => {
    const first17 = `4401061990${String(1 + (i % 12)).padStart(2, '0')}${String(1 + (i % 28)).padStart(2, '0')}${String(100 + i).slice(-3)}`;
    return {
      name: `${SURNAMES[i % SURNAMES.length]}${GIVEN[(i * 7) % GIVEN.length]}${i}`,
      id: first17 + citizenIdCheckChar(first17),
      phone: `13${String(800000000 + i * 7919).slice(0, 9)}`,
    };
  });
}

/** Every string value in `value`, skipping opaque members, with its path. */
function strings(value: unknown, path = '$'): [string, string][] {
  if (typeof value === 'string') return [[path, value]];
  if (Array.isArray(value)) return value.flatMap((v, i) => strings(v, `${path}[${i}]`));
  if (typeof value === 'object' && value !== null) {
    return Object.entries(value).flatMap(([k, v]) => (OPAQUE.has(k) ? [] : strings(v, `${path}.${k}`)));
  }
  return [];
}

function personalFindings(json: unknown, secrets: readonly string[]): string[] {
  const found: string[] = [];
  for (const [path, text] of strings(json)) {
    if (CITIZEN_ID.test(text) || MOBILE.test(text)) found.push(`${path}: pattern`);
    if (secrets.some((s) => text.includes(s))) found.push(`${path}: seeded value`);
  }
  return found;
}

/** `text` and, when it is JSON, every string inside it, base64 layers decoded (blocks hold base64 JSON). */
function expand(text: string, depth: number): string[] {
  const out = [text];
  if (depth > 5 || !/^[[{]/.test(text)) return out;
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    return out;
  }
  const visit = (v: unknown): void => {
    if (typeof v === 'string') {
      if (v.length >= 8 && v.length % 4 === 0 && /^[A-Za-z0-9+/]+={0,2}$/.test(v)) {
        out.push(...expand(Buffer.from(v, 'base64').toString('utf8'), depth + 1));
      }
    } else if (Array.isArray(v)) v.forEach(visit);
    else if (typeof v === 'object' && v !== null) Object.values(v).forEach(visit);
  };
  visit(parsed);
  return out;
}

describe('privacy', () => {
  it('keeps names, citizen IDs and phone numbers off the ledger', async () => {
    const c = await Consortium.start({ seed: 'privacy' });
    const crowd = people(LICENCES);
    const secrets = crowd.flatMap((p) => [p.name, p.id, p.phone]);
    const committed: EndorsedTransaction[] = [];
    const run = async (...args: Parameters<Consortium['endorse']>) => {
      const tx = await c.endorse(...args);
      expect((await c.commit(tx)).code).toBe('VALID');
      committed.push(tx);
    };
    const ids: string[] = [];
    try {
      const agencies = [GD_DRIVING, ZJ_DRIVING, BJ_DRIVING];
      for (const [a, uscc] of agencies.entries()) {
        const mine = crowd.filter((_, i) => i % agencies.length === a);
        const requests = mine.map((p, i) => {
          const fields = { holderName: p.name, holderId: p.id, phone: p.phone, vehicleClass: 'C1' };
          return c.signedLicence(uscc, { serial: `P${a}${i}`, fields }).request;
        });
        for (let start = 0; start < requests.length; start += 50) {
          await run(c.issuer(uscc), TX.IssueLicenceBatch, [requests.slice(start, start + 50)]);
        }
        ids.push(...requests.map((r) => r.id));
      }
      // Some lifecycle on top, so history has more than one entry.
      const gd = ids.filter((id) => id.includes(GD_DRIVING)).slice(0, 10);
      for (const id of gd) {
        await run(c.issuer(GD_DRIVING), TX.ChangeStatus, [
          { id, action: 'suspend', reasonCode: 'CHECK', reasonText: '核查' },
        ]);
      }
      const zj = ids.find((id) => id.includes(ZJ_DRIVING))!;
      await run(c.issuer(ZJ_DRIVING), TX.TransferOut, [
        { id: zj, toMsp: GD, reasonCode: 'MOVED', reasonText: '' },
      ]);
      expect(ids).toHaveLength(LICENCES);

      // 1. Every committed write, result and event.
      for (const tx of committed) {
        for (const w of tx.writeSet) {
          const text = w.value.toString('utf8');
          const parsed: unknown = text.startsWith('{') ? JSON.parse(text) : text;
          expect(personalFindings(parsed, secrets)).toEqual([]);
        }
        expect(personalFindings(JSON.parse(tx.result.toString('utf8')), secrets)).toEqual([]);
        expect(personalFindings(JSON.parse(tx.event!.payload.toString('utf8')), secrets)).toEqual([]);
      }

      // 2. Every licence's history and current record, as read back through the chaincode.
      for (const id of ids) {
        const history = await c.evaluate<HistoryEntry<LicenceRecord>[]>(c.admin(ZJ), TX.GetLicenceHistory, [
          id,
        ]);
        expect(history.length).toBeGreaterThan(0);
        expect(personalFindings(history, secrets)).toEqual([]);
      }

      // 3. Every event the ledger delivers.
      let events = 0;
      const stream = c.ledger.chaincodeEvents({ startBlock: 0 });
      const total = committed.length + 13; // bootstrap, six agencies and six keys came first
      for await (const event of stream) {
        expect(personalFindings(JSON.parse(event.payload.toString('utf8')), secrets)).toEqual([]);
        if (++events === total) break;
      }
      stream.close();
      expect(events).toBe(total);
    } finally {
      await c.ledger.close();
    }
    expect(committed.length).toBeGreaterThan(0);

    // 4. The raw database: state, history, blocks and transactions, with every base64 layer decoded.
    const anySecret = new RegExp(secrets.map((x) => x.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')).join('|'));
    const db = new ClassicLevel<string, string>(c.path, { keyEncoding: 'utf8', valueEncoding: 'utf8' });
    try {
      const leaks: string[] = [];
      let entries = 0;
      for await (const [key, value] of db.iterator()) {
        entries++;
        for (const text of [key, ...expand(value, 0)]) if (anySecret.test(text)) leaks.push(key);
      }
      expect(leaks).toEqual([]);
      expect(entries).toBeGreaterThan(LICENCES);
    } finally {
      await db.close();
      await c.dispose();
    }
  });
});
