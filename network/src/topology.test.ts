import { join } from 'node:path';
import { loadPkiConfig } from '@licence-ledger/crypto-config';
import { rejectionCode } from '@licence-ledger/domain';
import { REPO_ROOT } from './layout';
import { loadSettings } from './settings';
import { allPorts, buildTopology, fourBftOrderers, threeProvincesRaft } from './topology';

const pki = loadPkiConfig(join(REPO_ROOT, 'crypto-config', 'config', 'network.yaml'));

describe('topology', () => {
  it('gives the three provinces one peer each and three Raft orderers by default', () => {
    const t = threeProvincesRaft(pki);
    expect(t.consensus).toBe('etcdraft');
    expect(t.orderers.map((o) => o.host)).toEqual([
      'orderer0.licence-ledger.example',
      'orderer1.licence-ledger.example',
      'orderer2.licence-ledger.example',
    ]);
    expect(t.peers.map((p) => [p.mspId, p.provinceCode])).toEqual([
      ['GuangdongMSP', '440000'],
      ['ZhejiangMSP', '330000'],
      ['BeijingMSP', '110000'],
    ]);
    expect(t.pki.orderer.orderers).toEqual(['orderer0', 'orderer1', 'orderer2']);
  });

  it('moves every port with the base port and never gives two listeners one port', () => {
    for (const basePort of [7050, 27050]) {
      for (const t of [threeProvincesRaft(pki, { basePort }), fourBftOrderers(pki, { basePort })]) {
        const ports = allPorts(t).map((p) => p.port);
        expect(new Set(ports).size).toBe(ports.length);
        expect(Math.min(...ports)).toBe(basePort);
      }
    }
    const a = allPorts(threeProvincesRaft(pki, { basePort: 7050 })).map((p) => p.port);
    const b = allPorts(threeProvincesRaft(pki, { basePort: 27050 })).map((p) => p.port);
    expect(b).toEqual(a.map((p) => p + 20_000));
  });

  it('has SmartBFT run on four orderers with consenter ids 1 to 4', () => {
    const t = fourBftOrderers(pki);
    expect(t.consensus).toBe('BFT');
    expect(t.orderers.map((o) => o.consenterId)).toEqual([1, 2, 3, 4]);
    expect(t.pki.orderer.orderers).toHaveLength(4);
  });

  it('refuses shapes that cannot run', async () => {
    const code = (f: () => unknown) => rejectionCode(Promise.resolve().then(f));
    expect(await code(() => buildTopology('x', pki, 'BFT', ['a', 'b', 'c']))).toBe('INVALID_ARGUMENT');
    expect(await code(() => buildTopology('x', pki, 'etcdraft', []))).toBe('INVALID_ARGUMENT');
    expect(await code(() => threeProvincesRaft(pki, { basePort: 80 }))).toBe('INVALID_ARGUMENT');
    expect(await code(() => threeProvincesRaft(pki, { basePort: 65_500 }))).toBe('INVALID_ARGUMENT');
    expect(await code(() => threeProvincesRaft(pki, { batchTimeoutMs: 0 }))).toBe('INVALID_ARGUMENT');
  });
});

describe('network settings', () => {
  it('reads consensus, base port, batch timeout and run folder from the environment', () => {
    const s = loadSettings({
      LL_CONSENSUS: 'bft',
      NETWORK_BASE_PORT: '27050',
      BATCH_TIMEOUT_MS: '500',
      LL_NETWORK_DIR: '/tmp/n',
    });
    expect(s.topology.consensus).toBe('BFT');
    expect(s.topology.basePort).toBe(27050);
    expect(s.topology.batchTimeoutMs).toBe(500);
    expect(s.runRoot).toBe('/tmp/n');
    expect(loadSettings({}).topology.name).toBe('three-provinces-raft');
  });

  it('lists every bad variable at once', async () => {
    const err = await Promise.resolve()
      .then(() => loadSettings({ LL_CONSENSUS: 'pbft', NETWORK_BASE_PORT: 'x' }))
      .catch((e: Error) => e);
    expect(err).toMatchObject({ code: 'INVALID_ARGUMENT' });
    expect((err as Error).message).toContain('LL_CONSENSUS');
    expect((err as Error).message).toContain('NETWORK_BASE_PORT');
  });
});
