/**
 * The shared licence lifecycle suite, driven through the gateway's HTTP API: over the embedded set-up
 * (embedded ledger, embedded Postgres), and with each province on its own database of a real
 * PostgreSQL server when TEST_DATABASE_URL names one. Problem answers become LicenceErrors carrying
 * their code.
 */
import { describeLifecycle } from '@licence-ledger/test';
import { randomBytes } from 'node:crypto';
import { postgresServerMissing } from '../storage/test-backends';
import { lifecycleDriver } from './lifecycle-driver';
import { CLUSTER_START_MS, GD, ZJ, startTestCluster } from './test-support';
import { runOnServer } from '../storage/db';

describeLifecycle(
  'gateway HTTP API over the embedded set-up',
  () => lifecycleDriver(() => startTestCluster({ provinces: [GD, ZJ] })),
  CLUSTER_START_MS,
);

/** Runs `sql` on the server that `url` names (its maintenance connection). */
const serverMissing = postgresServerMissing();
const serverUrl = process.env.TEST_DATABASE_URL;
if (serverMissing !== undefined || serverUrl === undefined) {
  it.skip(`licence lifecycle over HTTP on a PostgreSQL server: skipped, ${serverMissing ?? ''}`, () =>
    undefined);
} else {
  // Each province gets a database of its own on the server, as in a real deployment.
  const names = {
    [GD]: `ll_gd_${randomBytes(4).toString('hex')}`,
    [ZJ]: `ll_zj_${randomBytes(4).toString('hex')}`,
  };
  const urlOf = (db: string): string => {
    const url = new URL(serverUrl);
    url.pathname = `/${db}`;
    return url.toString();
  };
  describeLifecycle(
    'gateway HTTP API, each province on a PostgreSQL server database',
    async () => {
      for (const db of Object.values(names)) await runOnServer(serverUrl, `CREATE DATABASE ${db}`);
      return lifecycleDriver(
        () =>
          startTestCluster({
            provinces: [GD, ZJ],
            databaseUrls: { [GD]: urlOf(names[GD]), [ZJ]: urlOf(names[ZJ]) },
          }),
        async () => {
          for (const db of Object.values(names))
            await runOnServer(serverUrl, `DROP DATABASE ${db} WITH (FORCE)`);
        },
      );
    },
    CLUSTER_START_MS,
  );
}
