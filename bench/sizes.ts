/**
 * Sizes: presentation tokens (bytes) disclosing 0/1/3/5 fields and their QR codes at error
 * correction level M; ledger bytes per licence on the embedded ledger (the state value, every
 * LevelDB record a licence adds, and the LevelDB directory's growth per 1,000 licences issued one
 * per transaction and in batches of 100); database bytes per licence in the issuing province's
 * embedded Postgres. Writes bench/results/sizes.json.
 *
 *   npx tsx bench/sizes.ts [--licences 1000]
 */
import './lib/sources';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { TX } from '@licence-ledger/domain';
import { diffRecords, directorySize, levelRecords, tokenSize } from './lib/footprint';
import type { TokenSize } from './lib/footprint';
import { numberArg } from './lib/args';
import { GD, GD_DMV, PresentationMinter, issueInGuangdong, startBenchCluster } from './lib/cluster';
import type { BenchCluster } from './lib/cluster';
import { IssueRequestFactory, openStandaloneLedger } from './lib/ledger';
import { FABRIC_UNAVAILABLE, machineInfo, round, runMain, say, writeResult } from './lib/report';

const TOKEN_BUDGET_BYTES = 480;
const MARKET_AGENCY = '11440100MB2D15098D';

/** Presentation cases: licence type, disclosed fields. */
const DRIVING_CASES: Record<string, string[]> = {
  '0 fields': [],
  '1 field': ['class'],
  '3 fields': ['name', 'class', 'firstIssued'],
  '5 fields': ['name', 'idNo', 'class', 'firstIssued', 'points'],
};

/** A food business permit with long Chinese text (3 bytes per character in the token). */
const FOOD_PERMIT = {
  typeCode: 'SPJYXKZ',
  fields: {
    operator: '广州市天河区示例餐饮管理有限公司',
    uscc: '91350100M000100Y43',
    legalRep: '李四',
    address: '广州市天河区天河路100号示例大厦一层101室',
    category: '餐饮服务经营者（中型餐馆）',
    scope: '热食类食品制售；冷食类食品制售',
    chainStore: false,
  },
  validFrom: '2024-01-01',
  validUntil: '2029-01-01',
};
const FOOD_CASE = ['operator', 'address', 'category'];

async function tokenSizes(bc: BenchCluster): Promise<TokenSize[]> {
  const [driving] = await issueInGuangdong(bc, 1);
  if (driving === undefined) throw new Error('no licence was issued');
  const food = await bc.cluster.province(GD).runtime.services.issuance.issue(MARKET_AGENCY, FOOD_PERMIT);
  const minter = new PresentationMinter(bc);
  const out: TokenSize[] = [];
  for (const disclose of Object.values(DRIVING_CASES)) {
    out.push(tokenSize('JDCJSZ (driving licence)', disclose, await minter.mint(driving, disclose)));
  }
  out.push(
    tokenSize(
      'SPJYXKZ (food permit, Chinese text)',
      FOOD_CASE,
      await minter.mint(food.licence.id, FOOD_CASE),
    ),
  );
  return out;
}

/** Bytes per licence in the issuing province's database (total relation size incl. indexes and TOAST). */
async function databaseSizes(bc: BenchCluster, licences: number): Promise<Record<string, unknown>> {
  const pool = bc.cluster.province(GD).runtime.pool;
  const tables = ['licences', 'outbox', 'status_projection'];
  const measure = async (): Promise<Record<string, { bytes: number; rows: number }>> => {
    const out: Record<string, { bytes: number; rows: number }> = {};
    for (const t of tables) {
      const size = await pool.query<{ bytes: string }>(
        'SELECT pg_total_relation_size($1::regclass) AS bytes',
        [t],
      );
      const rows = await pool.query<{ n: string }>(`SELECT count(*) AS n FROM ${t}`);
      out[t] = { bytes: Number(size.rows[0]?.bytes ?? 0), rows: Number(rows.rows[0]?.n ?? 0) };
    }
    return out;
  };
  const before = await measure();
  await issueInGuangdong(bc, licences);
  // The projection row of each licence arrives through the event listener.
  await bc.cluster
    .province(GD)
    .runtime.services.projection.caughtUp((await bc.cluster.port.chainInfo()).height - 1);
  await pool.query('VACUUM ANALYZE');
  const after = await measure();
  const perLicence: Record<string, number> = {};
  let total = 0;
  for (const t of tables) {
    const grown = (after[t]?.bytes ?? 0) - (before[t]?.bytes ?? 0);
    perLicence[t] = round(grown / licences, 1);
    total += grown;
  }
  return {
    database: 'embedded PGlite (PostgreSQL 17 compiled to WASM), Guangdong',
    licencesAdded: licences,
    issuedAs: 'batches of 100 through IssuanceService (one outbox row per batch)',
    before,
    after,
    bytesPerLicence: { ...perLicence, total: round(total / licences, 1) },
    note: 'growth of pg_total_relation_size (heap + indexes + TOAST, 8 KiB pages) divided by the licences added; licences holds the full content and salts, status_projection one row per licence',
  };
}

/** Issues `licences` one per transaction, then `licences` in batches of 100, on a standalone ledger. */
async function ledgerSizes(licences: number): Promise<Record<string, unknown>> {
  const dir = await mkdtemp(join(tmpdir(), 'll-bench-sizes-'));
  try {
    let ledger = await openStandaloneLedger(dir);
    const factory = new IssueRequestFactory(ledger.guangdong, GD_DMV);
    await ledger.close();
    const snapshots: { label: string; onDisk: number; records: Awaited<ReturnType<typeof levelRecords>> }[] =
      [];
    const snap = async (label: string): Promise<void> => {
      snapshots.push({
        label,
        onDisk: await directorySize(ledger.ledgerDir),
        records: await levelRecords(ledger.ledgerDir),
      });
    };
    await snap('seeded');

    ledger = await openStandaloneLedger(dir);
    let left = licences;
    // Eight concurrent callers, as in issuance-throughput (concurrent commits may share a block).
    const worker = async (): Promise<void> => {
      while (left > 0) {
        left--;
        await ledger.port.submit(ledger.issuer, TX.IssueLicence, [JSON.stringify(factory.next())]);
      }
    };
    await Promise.all(Array.from({ length: 8 }, worker));
    const heightSingle = (await ledger.port.chainInfo()).height;
    await ledger.close();
    await snap('single');

    ledger = await openStandaloneLedger(dir);
    for (let i = 0; i < licences; i += 100) {
      await ledger.port.submit(ledger.issuer, TX.IssueLicenceBatch, [
        JSON.stringify(factory.take(Math.min(100, licences - i))),
      ]);
    }
    const heightBatch = (await ledger.port.chainInfo()).height;
    await ledger.close();
    await snap('batch100');

    const [seeded, single, batch] = snapshots as [
      (typeof snapshots)[0],
      (typeof snapshots)[0],
      (typeof snapshots)[0],
    ];
    const licenceRecord = single.records['s:ll.licence'];
    const recordValue =
      licenceRecord === undefined
        ? null
        : round((licenceRecord.valueBytes - (seeded.records['s:ll.licence']?.valueBytes ?? 0)) / licences, 1);
    const perThousand = (a: number, b: number): number => Math.round(((b - a) / licences) * 1000);
    return {
      ledger: 'embedded ledger (LevelDB via classic-level, snappy-compressed tables), not Fabric',
      licencesPerCase: licences,
      stateValueBytesPerLicence: recordValue,
      stateValueNote:
        'the licence record as the chaincode writes it (canonical JSON: commitment root and per-field digests, signature, validity, status, issuer); index entries and the key-level endorsement policy come on top (see records)',
      records: {
        onePerTransaction: diffRecords(seeded.records, single.records, licences),
        batchesOf100: diffRecords(single.records, batch.records, licences),
      },
      levelDbDirectoryGrowthPer1000Licences: {
        onePerTransaction: perThousand(seeded.onDisk, single.onDisk),
        batchesOf100: perThousand(single.onDisk, batch.onDisk),
        note: 'bytes of all files in the LevelDB directory after close (write-ahead log plus compressed tables; compaction timing moves this figure)',
      },
      blocks: { onePerTransaction: heightSingle - 1, batchesOf100: heightBatch - heightSingle },
      fabric: FABRIC_UNAVAILABLE,
    };
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

/** Runs the benchmark and returns the result document. */
export async function sizes(argv: readonly string[] = process.argv): Promise<Record<string, unknown>> {
  const licences = numberArg('licences', 1000, argv);
  const machine = machineInfo();
  say('sizes: presentation tokens and database rows on the embedded set-up');
  const bc = await startBenchCluster();
  let tokens: TokenSize[];
  let database: Record<string, unknown>;
  try {
    tokens = await tokenSizes(bc);
    database = await databaseSizes(bc, licences);
  } finally {
    await bc.close();
  }
  say(`sizes: ledger bytes for ${licences} licences per case on a standalone embedded ledger`);
  const ledger = await ledgerSizes(licences);
  const three = tokens.find((t) => t.licenceType.startsWith('JDCJSZ') && t.disclosed.length === 3);
  const doc = {
    benchmark: 'sizes',
    command: 'npx tsx bench/sizes.ts',
    machine,
    presentationTokens: {
      tokens,
      budgetBytesThreeFields: TOKEN_BUDGET_BYTES,
      threeFieldBytes: three?.bytes ?? null,
      threeFieldPass: three === undefined ? null : three.bytes <= TOKEN_BUDGET_BYTES,
      note: 'compact JWS ES256 {alg, typ: llp+jwt, kid} with claims {lid, d: [[position, value, salt]...], iat, exp, jti}; QR in byte mode',
    },
    ledger,
    database,
  };
  const file = writeResult('sizes', doc);
  say('sizes results:');
  for (const t of tokens) {
    say(
      `  token ${t.licenceType}, ${t.disclosed.length} field(s): ${t.bytes} bytes, QR at M version ${t.qrAtM.version} (${t.qrAtM.modules}x${t.qrAtM.modules} modules)`,
    );
  }
  say(
    `  3-field driving-licence token: ${three?.bytes ?? '?'} bytes (budget <= ${TOKEN_BUDGET_BYTES}: ${doc.presentationTokens.threeFieldPass === true ? 'PASS' : 'MISS'})`,
  );
  say(`  ledger state value per licence: ${JSON.stringify(ledger.stateValueBytesPerLicence)} bytes`);
  say(`  ledger records per licence: ${JSON.stringify(ledger.records)}`);
  say(
    `  LevelDB directory growth per 1,000 licences: ${JSON.stringify(ledger.levelDbDirectoryGrowthPer1000Licences)}`,
  );
  say(`  database bytes per licence: ${JSON.stringify(database.bytesPerLicence)}`);
  say(`  written to ${file}`);
  return doc;
}

if (require.main === module) runMain(() => sizes());
