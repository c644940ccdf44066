/**
 * A gateway whose database is new (or restored from before some issuance) must not build an identifier the
 * ledger already holds: on a long-lived ledger such as a real Fabric network, the database's serial counter
 * starting again at 1 made every issuance fail with ALREADY_EXISTS. Start-up continues after the ledger's
 * highest serial for each agency the database has never issued for.
 */
import { parseLicenceId } from '@licence-ledger/domain';
import { serialCounter } from '../services/issuance';
import { CLUSTER_START_MS, GD, issueSampleLicence, startTestCluster } from './test-support';
import type { TestCluster } from './test-support';

jest.setTimeout(120_000);

describe('serials on a ledger that already has licences', () => {
  let t: TestCluster;
  beforeAll(async () => {
    t = await startTestCluster({ provinces: [GD] });
  }, CLUSTER_START_MS);
  afterAll(async () => {
    await t?.close();
  });

  it('continues after the ledger’s highest serial when the database has none', async () => {
    const first = await issueSampleLicence(t);
    const second = await issueSampleLicence(t);
    const counterOf = (id: string) => serialCounter(parseLicenceId(id).serial);
    expect(counterOf(second.id)).toBe((counterOf(first.id) ?? 0) + 1);

    // As if the database were new: its serial counters are gone, the ledger keeps both licences.
    const runtime = t.cluster.province(GD).runtime;
    await runtime.pool.query('DELETE FROM licence_serials');
    const agency = parseLicenceId(first.id).issuerUscc;
    expect(await runtime.services.issuance.reconcileSerials([agency])).toBe(1);

    const third = await issueSampleLicence(t);
    expect(counterOf(third.id)).toBe((counterOf(second.id) ?? 0) + 1);
    // Once the database has handed out serials it is the authority again; the ledger is not read.
    expect(await runtime.services.issuance.reconcileSerials([agency])).toBe(0);
  });

  it('reads only serials of the gateway’s own form', () => {
    expect(serialCounter('202600000042')).toBe(42);
    expect(serialCounter('LC000001')).toBeUndefined();
    expect(serialCounter('2026000000421')).toBeUndefined();
  });
});
