/** The network's settings from the environment, validated once; every bad variable is reported together. */
import { join } from 'node:path';
import { loadPkiConfig } from '@licence-ledger/crypto-config';
import { LicenceError } from '@licence-ledger/domain';
import { REPO_ROOT, defaultRunRoot } from './layout';
import {
  DEFAULT_BASE_PORT,
  DEFAULT_BATCH_TIMEOUT_MS,
  fourBftOrderers,
  threeProvincesRaft,
  type Topology,
} from './topology';

/** Variables the network scripts read, with their meaning (for --help). */
export const NETWORK_VARIABLES: readonly (readonly [string, string])[] = [
  ['LL_CONSENSUS', 'raft (three Raft orderers, the default) or bft (four SmartBFT orderers)'],
  ['NETWORK_BASE_PORT', `first port; every other port is an offset from it (default ${DEFAULT_BASE_PORT})`],
  ['BATCH_TIMEOUT_MS', `longest wait before a block is cut (default ${DEFAULT_BATCH_TIMEOUT_MS})`],
  ['LL_NETWORK_DIR', 'run folder: crypto, configs, ledgers, logs (default network/.run)'],
  ['PKI_CONFIG', 'the provinces and orderers (default crypto-config/config/network.yaml)'],
  ['FABRIC_BIN / FABRIC_SOURCE', 'where Fabric comes from (see network/scripts/install-fabric.sh --help)'],
];

/** Resolved settings. */
export interface NetworkSettings {
  readonly topology: Topology;
  readonly runRoot: string;
}

function intVar(env: NodeJS.ProcessEnv, name: string, fallback: number, problems: string[]): number {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;
  const n = Number(raw);
  if (!Number.isInteger(n)) problems.push(`${name}=${raw} is not an integer`);
  return n;
}

/** Reads the settings; throws INVALID_ARGUMENT listing every problem. */
export function loadSettings(env: NodeJS.ProcessEnv = process.env): NetworkSettings {
  const problems: string[] = [];
  const consensus = (env['LL_CONSENSUS'] ?? 'raft').toLowerCase();
  if (consensus !== 'raft' && consensus !== 'bft')
    problems.push(`LL_CONSENSUS=${consensus} must be raft or bft`);
  const basePort = intVar(env, 'NETWORK_BASE_PORT', DEFAULT_BASE_PORT, problems);
  const batchTimeoutMs = intVar(env, 'BATCH_TIMEOUT_MS', DEFAULT_BATCH_TIMEOUT_MS, problems);
  if (problems.length > 0) {
    throw new LicenceError('INVALID_ARGUMENT', `bad network settings: ${problems.join('; ')}`);
  }
  const pki = loadPkiConfig(env['PKI_CONFIG'] ?? join(REPO_ROOT, 'crypto-config', 'config', 'network.yaml'));
  const build = consensus === 'bft' ? fourBftOrderers : threeProvincesRaft;
  return { topology: build(pki, { basePort, batchTimeoutMs }), runRoot: defaultRunRoot(env) };
}
