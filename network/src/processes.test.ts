import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { NotReadyError, isRunning, metricValue, startProcess, stopProcess, waitFor } from './processes';

describe('metricValue', () => {
  const text = [
    '# HELP consensus_etcdraft_is_leader Whether the node is leader',
    'consensus_etcdraft_is_leader{channel="other"} 1',
    'consensus_etcdraft_is_leader{channel="licences"} 0',
    'gossip_membership_total_peers_known{channel="licences"} 2',
    'consensus_etcdraft_is_leader_total 7',
  ].join('\n');

  it('reads the series whose labels match', () => {
    expect(metricValue(text, 'consensus_etcdraft_is_leader', { channel: 'licences' })).toBe(0);
    expect(metricValue(text, 'consensus_etcdraft_is_leader', { channel: 'other' })).toBe(1);
    expect(metricValue(text, 'gossip_membership_total_peers_known', { channel: 'licences' })).toBe(2);
  });

  it('does not take a longer metric name for the one asked', () => {
    expect(
      metricValue('consensus_etcdraft_is_leader_total 7', 'consensus_etcdraft_is_leader'),
    ).toBeUndefined();
    expect(metricValue(text, 'missing_metric')).toBeUndefined();
  });
});

describe('waitFor', () => {
  it('returns the first value the check reports', async () => {
    let calls = 0;
    const value = await waitFor('third time', () => Promise.resolve(++calls >= 3 ? calls : false), 60_000, {
      intervalMs: 1,
    });
    expect(value).toBe(3);
  });

  it('stops at once, naming the log, when the process it waits for has exited', async () => {
    const err = await waitFor('a node', () => Promise.resolve(false), 60_000, {
      alive: () => false,
      log: '/logs/node.log',
      intervalMs: 1,
    }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(NotReadyError);
    expect((err as Error).message).toContain('/logs/node.log');
  });
});

describe('startProcess, isRunning and stopProcess', () => {
  it('start a detached process logged to its file, see it by PID and executable, and stop it by PID', async () => {
    const logsDir = mkdtempSync(join(tmpdir(), 'll-proc-'));
    try {
      const record = startProcess({
        name: 'sleeper',
        executable: '/bin/sleep',
        args: ['30'],
        env: {},
        cwd: logsDir,
        logsDir,
      });
      expect(record.log).toBe(join(logsDir, 'sleeper.log'));
      expect(isRunning(record)).toBe(true);
      // A recycled PID running another program is not ours to signal.
      expect(isRunning({ ...record, executable: '/usr/bin/not-this' })).toBe(false);
      expect(await stopProcess({ ...record, executable: '/usr/bin/not-this' })).toBe('not running');
      expect(isRunning(record)).toBe(true);
      expect(await stopProcess(record)).toBe('stopped');
      expect(isRunning(record)).toBe(false);
      expect(await stopProcess(record)).toBe('not running');
    } finally {
      rmSync(logsDir, { recursive: true, force: true });
    }
  });
});
