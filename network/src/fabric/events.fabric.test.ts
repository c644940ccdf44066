/**
 * Chaincode events on the real Fabric network: a licence issued through Guangdong's peer is announced by
 * Zhejiang's and Beijing's peers too, in the block it was committed in.
 */
import { EVENT, type LedgerEventPayload } from '@licence-ledger/domain';
import type { LedgerEvent, LedgerPort } from '../../../gateway/src/ledger/port';
import { withinBudget } from './ledger-wait';
import { TRAFFIC_POLICE, fabricNetworkMissing, openFabricNetwork, type FabricTestNetwork } from './support';

/** How long another peer may take to deliver an event: a block commits in about 0.3 s here. */
const EVENT_BUDGET_MS = 30_000;

/**
 * Reads the chaincode events of `port`'s peer from `startBlock` until the one of transaction `txId`, and
 * returns it with the events seen before it; fails after EVENT_BUDGET_MS. The stream is always closed.
 */
async function eventOf(
  port: LedgerPort,
  peerName: string,
  startBlock: number,
  txId: string,
): Promise<{ event: LedgerEvent; before: LedgerEvent[] }> {
  const stream = port.chaincodeEvents(startBlock);
  const before: LedgerEvent[] = [];
  const find = async (): Promise<{ event: LedgerEvent; before: LedgerEvent[] }> => {
    for await (const event of stream) {
      if (event.txId === txId) return { event, before };
      before.push(event);
    }
    throw new Error(`${peerName}'s event stream ended before the event of transaction ${txId}`);
  };
  try {
    return await withinBudget(
      find(),
      EVENT_BUDGET_MS,
      `no event of transaction ${txId} from ${peerName}'s peer (from block ${startBlock})`,
      () => stream.close(),
    );
  } finally {
    stream.close();
  }
}

const missing = fabricNetworkMissing();
if (missing !== undefined) {
  // Shown as a skipped test, so a run without the network says so instead of passing quietly.
  it.skip(`chaincode events on real Fabric: skipped, ${missing}`, () => undefined);
} else {
  describe('chaincode events on real Fabric: one province issues, the other two hear of it', () => {
    let net: FabricTestNetwork;

    beforeAll(async () => {
      net = await openFabricNetwork();
    }, 180_000); // seeds the consortium when the ledger is new: about 20 transactions at 0.3-0.5 s each

    afterAll(async () => {
      await net?.close();
    });

    it(
      "delivers Guangdong's LicenceIssued event at Zhejiang's and Beijing's peers with its transaction and block",
      async () => {
        const gd = net.province('GuangdongMSP');
        const start = (await gd.port.chainInfo()).height;
        const issued = await gd
          .client(gd.issuer(TRAFFIC_POLICE.GuangdongMSP))
          .issueLicence(gd.drivingLicence(TRAFFIC_POLICE.GuangdongMSP));
        expect(issued.blockNumber).toBeGreaterThanOrEqual(start);

        const others = ['ZhejiangMSP', 'BeijingMSP'];
        const heard = await Promise.all(
          others.map((mspId) => eventOf(net.province(mspId).port, mspId, start, issued.txId)),
        );
        for (const { event, before } of heard) {
          expect(event).toMatchObject({
            eventName: EVENT.LicenceIssued,
            txId: issued.txId,
            blockNumber: issued.blockNumber,
          });
          const payload = JSON.parse(event.payload.toString('utf8')) as LedgerEventPayload;
          expect(payload).toMatchObject({
            name: EVENT.LicenceIssued,
            txId: issued.txId,
            actorMsp: 'GuangdongMSP',
          });
          expect(payload.items).toContainEqual(
            expect.objectContaining({ entity: 'licence', key: issued.value.id, status: '01' }),
          );
          // Other suites may write meanwhile: their events come first only from earlier or the same blocks.
          for (const e of before) expect(e.blockNumber).toBeLessThanOrEqual(issued.blockNumber);
        }
      },
      // Issuing takes about 0.4 s; each peer's stream has its own EVENT_BUDGET_MS, run side by side.
      EVENT_BUDGET_MS + 15_000,
    );
  });
}
