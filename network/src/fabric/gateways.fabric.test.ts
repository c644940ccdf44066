/**
 * The province gateways on the real network, each through its own peer with its own identities and its own
 * database (on the PostgreSQL server when TEST_DATABASE_URL names one): the HTTP lifecycle suite and the README
 * walk-through, the same functions that run on the embedded set-up.
 */
import { describeLifecycle } from '../../../test/src/lifecycle';
import { lifecycleDriver } from '../../../gateway/src/routes/lifecycle-driver';
import { describeWalkthrough } from '../../../gateway/src/routes/walkthrough';
import {
  fabricNetworkMissing,
  openFabricNetwork,
  startFabricGateways,
  type FabricTestNetwork,
} from './support';

const GD = 'GuangdongMSP';
const ZJ = 'ZhejiangMSP';
const where = process.env['TEST_DATABASE_URL'] ? 'databases on a PostgreSQL server' : 'embedded databases';

const missing = fabricNetworkMissing();
if (missing !== undefined) {
  it.skip(`the gateways on real Fabric: skipped, ${missing}`, () => undefined);
} else {
  // Opening seeds a new consortium (about 20 transactions); each gateway then reads its agencies' serials.
  const BUDGET_MS = 180_000;
  let net: FabricTestNetwork | undefined;
  const network = async () => (net ??= await openFabricNetwork());
  afterAll(async () => {
    await net?.close();
  });

  describeLifecycle(
    `gateway HTTP API on real Fabric, each province through its own peer, ${where}`,
    async () => lifecycleDriver(async () => startFabricGateways(await network(), [GD, ZJ])),
    BUDGET_MS,
  );

  describeWalkthrough(
    `real Fabric, three gateways each through its own peer, ${where}`,
    async () => startFabricGateways(await network(), [GD, ZJ, 'BeijingMSP']),
    BUDGET_MS,
  );
}
