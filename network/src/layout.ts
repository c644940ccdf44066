/** Where a network's generated files live: one run folder (git-ignored), nothing else written. */
import { join, resolve } from 'node:path';

/** The folders and files of one network's run folder. */
export interface RunLayout {
  readonly root: string;
  /** Crypto material from crypto-config (kept across `down`, regenerated when the topology changes). */
  readonly cryptoDir: string;
  /** configtx.yaml. */
  readonly configDir: string;
  /** The channel's genesis block. */
  readonly artifactsDir: string;
  /** One folder per node: its core.yaml / orderer.yaml and its data. */
  readonly nodesDir: string;
  /** Chaincode packages. */
  readonly packagesDir: string;
  /** One log file per process. */
  readonly logsDir: string;
  /** What is running: PIDs, deployed chaincode (JSON). */
  readonly stateFile: string;
}

/** The repository's root folder (this file is at network/src or network/dist). */
export const REPO_ROOT = resolve(__dirname, '..', '..');

/** The run folder: LL_NETWORK_DIR, or network/.run in the checkout. */
export function defaultRunRoot(env: NodeJS.ProcessEnv = process.env): string {
  const dir = env['LL_NETWORK_DIR'];
  return dir !== undefined && dir !== '' ? resolve(dir) : join(REPO_ROOT, 'network', '.run');
}

/** The layout of a run folder. */
export function runLayout(root: string): RunLayout {
  return {
    root,
    cryptoDir: join(root, 'crypto'),
    configDir: join(root, 'config'),
    artifactsDir: join(root, 'artifacts'),
    nodesDir: join(root, 'nodes'),
    packagesDir: join(root, 'packages'),
    logsDir: join(root, 'logs'),
    stateFile: join(root, 'state.json'),
  };
}

/** Folder of one node (its config and data). */
export const nodeDir = (layout: RunLayout, host: string): string => join(layout.nodesDir, host);
