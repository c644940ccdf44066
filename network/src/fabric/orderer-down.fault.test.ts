/**
 * One of the orderers killed (kill -9) in the middle of an issuance load, then restarted. Whatever it was (Raft
 * leader or follower, or a SmartBFT node), every licence whose issuance was acknowledged must be on every
 * province's peer, nothing acknowledged is lost or doubled, and the restarted orderer catches up with the others.
 */
import { join } from 'node:path';
import { setTimeout as delay } from 'node:timers/promises';
import { osnadminChannel } from '../commands';
import { httpGet, metricValue } from '../processes';
import { waitForAllPeers } from './ledger-wait';
import { TRAFFIC_POLICE, fabricNetworkMissing, openFabricNetwork, type FabricTestNetwork } from './support';

const missing = fabricNetworkMissing();
if (missing !== undefined) {
  it.skip(`an orderer killed on real Fabric: skipped, ${missing}`, () => undefined);
} else {
  describe('an orderer killed during an issuance load on the real network', () => {
    let net: FabricTestNetwork;
    beforeAll(async () => {
      net = await openFabricNetwork();
    }, 180_000);
    afterAll(async () => {
      await net?.network.up();
      await net?.close();
    }, 180_000);

    /** The orderer that leads (Raft), else the first; killing the leader is the harder case. */
    async function leaderOrFirst(): Promise<string> {
      const { topology } = net.network;
      for (const o of topology.orderers) {
        const m = await httpGet(`http://127.0.0.1:${o.operationsPort}/metrics`);
        if (
          m !== undefined &&
          metricValue(m.body, 'consensus_etcdraft_is_leader', { channel: topology.channel }) === 1
        ) {
          return o.host;
        }
      }
      return topology.orderers[0]?.host ?? '';
    }

    // Budget: 60 issuances at about 0.3-1 s each on two loaded cores, plus one leader election (about 7.5 s on
    // Raft, 25 s on SmartBFT) and the restart.
    it('keeps every acknowledged licence on every peer, and the restarted orderer catches up', async () => {
      const gd = net.province('GuangdongMSP');
      const issuer = gd.client(gd.issuer(TRAFFIC_POLICE.GuangdongMSP));
      const victim = await leaderOrFirst();
      const acknowledged: { id: string; blockNumber: number }[] = [];
      const failed: string[] = [];
      let killed = false;
      const CLIENTS = 4;
      const PER_CLIENT = 15;
      const client = async (c: number) => {
        for (let i = 0; i < PER_CLIENT; i++) {
          if (c === 0 && i === 3) {
            expect(net.network.kill(victim)).toBe(true);
            killed = true;
          }
          const request = gd.drivingLicence(TRAFFIC_POLICE.GuangdongMSP);
          try {
            const { value, blockNumber } = await issuer.issueLicence(request);
            acknowledged.push({ id: value.id, blockNumber });
          } catch (err) {
            // Not acknowledged: the client would retry. It must not appear twice either way.
            failed.push(`${request.id}: ${(err as { code?: string }).code ?? String(err)}`);
          }
        }
      };
      await Promise.all(Array.from({ length: CLIENTS }, (_, c) => client(c)));
      expect(killed).toBe(true);
      // The load went on through the surviving orderers.
      expect(acknowledged.length).toBeGreaterThan((CLIENTS * PER_CLIENT) / 2);

      await net.network.up(); // restarts the killed orderer only
      const last = Math.max(...acknowledged.map((a) => a.blockNumber));
      await waitForAllPeers(net, last, 60_000);
      for (const p of net.provinces) {
        const reader = p.client(p.material.identities.verifier);
        for (const { id } of acknowledged) {
          expect({ peer: p.mspId, id, status: (await reader.readLicence(id))?.status }).toEqual({
            peer: p.mspId,
            id,
            status: '01',
          });
        }
      }
      // Each acknowledged licence exactly once in Guangdong's history of it.
      for (const { id } of acknowledged.slice(0, 10)) {
        expect(await gd.client(gd.material.identities.verifier).getLicenceHistory(id)).toHaveLength(1);
      }

      // The restarted orderer reaches the others' height.
      const { topology } = net.network;
      const admin = net.network.ordererAdmin();
      const heightOf = (port: number) =>
        osnadminChannel(
          { binDir: join(net.network.fabricHome, 'bin'), peerCfgDir: '' },
          admin,
          port,
          topology.channel,
        );
      const victimNode = topology.orderers.find((o) => o.host === victim);
      const other = topology.orderers.find((o) => o.host !== victim);
      if (victimNode === undefined || other === undefined) throw new Error('no orderers');
      for (let i = 0; i < 300; i++) {
        const [a, b] = await Promise.all([heightOf(victimNode.adminPort), heightOf(other.adminPort)]);
        if (a !== undefined && b !== undefined && a.height >= b.height) break;
        await delay(200);
        if (i === 299)
          throw new Error(`${victim} did not catch up (${a?.height ?? '?'} < ${b?.height ?? '?'})`);
      }
    }, 300_000);
  });
}
