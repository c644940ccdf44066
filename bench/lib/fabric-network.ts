/**
 * What a benchmark needs from the running Fabric network beyond network/src/fabric/support: which run folder,
 * whether the network runs, what its processes use (RSS, CPU), its ledger folders' sizes, and its blocks as
 * stored (qscc), so growth can be put down to the benchmark's own transactions.
 */
import { execFileSync } from 'node:child_process';
import { createPrivateKey } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { basename, join, resolve } from 'node:path';
import * as grpc from '@grpc/grpc-js';
import { connect, hash, signers } from '@hyperledger/fabric-gateway';
import { common, peer } from '@hyperledger/fabric-protos';
import { defaultRunRoot, runLayout } from '../../network/src/layout';
import type { NetworkState } from '../../network/src/network';
import { isRunning, portOpen, type ProcessRecord } from '../../network/src/processes';
import type { Identity } from '../../gateway/src/ledger/port';
import { stringArg } from './args';
import { directorySize } from './footprint';

/** The run folder: `--network DIR`, else TEST_FABRIC_NETWORK, else LL_NETWORK_DIR or network/.run. */
export function fabricRunRoot(argv: readonly string[] = process.argv, env = process.env): string {
  const given = stringArg('network', argv) ?? env['TEST_FABRIC_NETWORK'];
  return given !== undefined && given !== '' ? resolve(given) : defaultRunRoot(env);
}

/** The recorded state of the network in `runRoot`, or undefined when none was started there. */
export function readNetworkState(runRoot: string): NetworkState | undefined {
  const file = runLayout(runRoot).stateFile;
  return existsSync(file) ? (JSON.parse(readFileSync(file, 'utf8')) as NetworkState) : undefined;
}

/**
 * The processes the network runs now: orderers, peers and the chaincode servers of the deployed sequence
 * (state.json keeps the records of servers an upgrade stopped; they are left out).
 */
export function currentProcesses(state: NetworkState): ProcessRecord[] {
  const { topology, chaincode } = state;
  const wanted = new Set<string>([
    ...topology.orderers.map((o) => o.host),
    ...topology.peers.map((p) => p.host),
    ...(chaincode === undefined ? [] : topology.peers.map((p) => `chaincode.${p.mspId}.${chaincode.slot}`)),
  ]);
  return state.processes.filter((p) => wanted.has(p.name));
}

/** Why the network in `runRoot` cannot be measured, or undefined when it runs (processes alive, peers listening). */
export async function fabricNetworkDown(runRoot: string): Promise<string | undefined> {
  const state = readNetworkState(runRoot);
  if (state === undefined) return `no network state in ${runRoot}`;
  if (state.chaincode === undefined) return 'no chaincode is deployed';
  const stopped = currentProcesses(state).filter((p) => !isRunning(p));
  if (stopped.length > 0) return `not running: ${stopped.map((p) => p.name).join(', ')}`;
  for (const peer of state.topology.peers) {
    if (!(await portOpen(peer.port))) return `${peer.host} does not listen on :${peer.port}`;
  }
  return undefined;
}

/** The Fabric release the network runs (`peer version`), or the release folder's name if that fails. */
export function fabricVersion(state: NetworkState): string {
  try {
    const out = execFileSync(join(state.fabricHome, 'bin', 'peer'), ['version'], {
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'ignore'],
    });
    const version = /Version:\s*(\S+)/.exec(out)?.[1];
    const commit = /Commit SHA:\s*(\S+)/.exec(out)?.[1];
    if (version !== undefined) return `${version}${commit === undefined ? '' : ` (${commit})`}`;
  } catch {
    // fall through
  }
  return basename(state.fabricHome);
}

// ---- processes: memory and CPU from /proc -----------------------------------------------------------------

const CLOCK_TICKS = ((): number => {
  try {
    return Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim()) || 100;
  } catch {
    return 100;
  }
})();

/** One process's resident memory and CPU time so far. */
export interface ProcessUsage {
  /** VmRSS. */
  readonly rssMiB: number;
  /** VmHWM: the highest RSS since the process started (including load before this run). */
  readonly peakRssMiB: number;
  /** User + system CPU seconds since the process started. */
  readonly cpuSeconds: number;
}

const statusKiB = (status: string, field: string): number =>
  Number(new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(status)?.[1] ?? Number.NaN);

/** RSS and CPU time of a PID from /proc, or undefined when it is gone. */
export function processUsage(pid: number): ProcessUsage | undefined {
  try {
    const status = readFileSync(`/proc/${pid}/status`, 'utf8');
    // Fields after the command name (which may hold spaces): utime and stime are the 12th and 13th.
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    const ticks = Number(fields[11]) + Number(fields[12]);
    return {
      rssMiB: Math.round((statusKiB(status, 'VmRSS') / 1024) * 10) / 10,
      peakRssMiB: Math.round((statusKiB(status, 'VmHWM') / 1024) * 10) / 10,
      cpuSeconds: ticks / CLOCK_TICKS,
    };
  } catch {
    return undefined;
  }
}

/** Busy and total CPU seconds of the whole machine so far (/proc/stat; busy excludes idle and iowait). */
export function machineCpu(): { busySeconds: number; totalSeconds: number } {
  const line = readFileSync('/proc/stat', 'utf8').split('\n')[0] ?? '';
  const v = line.trim().split(/\s+/).slice(1, 9).map(Number);
  const total = v.reduce((s, x) => s + x, 0);
  const idle = (v[3] ?? 0) + (v[4] ?? 0);
  return { busySeconds: (total - idle) / CLOCK_TICKS, totalSeconds: total / CLOCK_TICKS };
}

// ---- ledger folders -------------------------------------------------------------------------------------

/** Bytes on disk of one peer's ledger, by part. */
export interface LedgerDisk {
  /** chains/chains: the block files. */
  readonly blockFiles: number;
  /** chains/index: the block store's LevelDB index (block numbers, transaction IDs). */
  readonly blockIndex: number;
  /** stateLeveldb: world state (values, key-level endorsement metadata, MVCC versions). */
  readonly state: number;
  /** historyLeveldb: one key per (key, block, transaction). */
  readonly history: number;
}

/** The sizes of a peer's ledger folders under `<nodesDir>/<host>/data/ledgersData`. */
export async function ledgerDisk(nodesDir: string, host: string): Promise<LedgerDisk> {
  const root = join(nodesDir, host, 'data', 'ledgersData');
  return {
    blockFiles: await directorySize(join(root, 'chains', 'chains')),
    blockIndex: await directorySize(join(root, 'chains', 'index')),
    state: await directorySize(join(root, 'stateLeveldb')),
    history: await directorySize(join(root, 'historyLeveldb')),
  };
}

// ---- blocks as stored ---------------------------------------------------------------------------------------

/** One block as the peer stores it. */
export interface BlockFacts {
  readonly number: number;
  /** The serialised block (header, envelopes, metadata): what the block file holds, less a length prefix. */
  readonly bytes: number;
  readonly transactions: readonly { readonly txId: string; readonly bytes: number }[];
}

/** Where an endorsed transaction's bytes go (one chaincode action, as every licence transaction has). */
export interface EnvelopeParts {
  readonly envelope: number;
  /** The submitter's certificate (in the payload's signature header, and again in the action's header). */
  readonly creatorCertificate: number;
  /** The chaincode arguments as proposed (transaction name and JSON). */
  readonly proposalInput: number;
  /** Read-write set: keys read with versions, keys written with values, key-level policy metadata. */
  readonly readWriteSet: number;
  /** What the chaincode returned (kept in the proposal response payload). */
  readonly chaincodeResponse: number;
  readonly chaincodeEvents: number;
  readonly endorsements: number;
  /** The endorsements (each with the endorsing peer's certificate and signature). */
  readonly endorsementBytes: number;
}

/** Reads blocks and transactions from one peer through qscc. */
export interface BlockReader {
  block(number: number): Promise<BlockFacts>;
  /** The byte breakdown of one transaction's envelope. */
  transaction(txId: string): Promise<EnvelopeParts>;
  close(): void;
}

/** A qscc reader on a peer (its own gRPC connection, as `identity`). */
export function openBlockReader(opts: {
  readonly peerEndpoint: string;
  readonly tlsRootCertPem: string;
  readonly hostOverride: string;
  readonly channel: string;
  readonly identity: Identity;
}): BlockReader {
  const client = new grpc.Client(
    opts.peerEndpoint,
    grpc.credentials.createSsl(Buffer.from(opts.tlsRootCertPem)),
    { 'grpc.ssl_target_name_override': opts.hostOverride },
  );
  const gateway = connect({
    client,
    identity: { mspId: opts.identity.mspId, credentials: Buffer.from(opts.identity.certificatePem) },
    signer: signers.newPrivateKeySigner(createPrivateKey(opts.identity.privateKeyPem)),
    hash: hash.sha256,
    evaluateOptions: () => ({ deadline: Date.now() + 30_000 }),
  });
  const qscc = gateway.getNetwork(opts.channel).getContract('qscc');
  return {
    async block(number) {
      const bytes = await qscc.evaluateTransaction('GetBlockByNumber', opts.channel, String(number));
      const block = common.Block.deserializeBinary(bytes);
      const transactions = (block.getData()?.getDataList_asU8() ?? []).map((envelope) => {
        const payload = common.Payload.deserializeBinary(
          common.Envelope.deserializeBinary(envelope).getPayload_asU8(),
        );
        const header = common.ChannelHeader.deserializeBinary(
          payload.getHeader()?.getChannelHeader_asU8() ?? new Uint8Array(),
        );
        return { txId: header.getTxId(), bytes: envelope.length };
      });
      return { number, bytes: bytes.length, transactions };
    },
    async transaction(txId) {
      const processed = peer.ProcessedTransaction.deserializeBinary(
        await qscc.evaluateTransaction('GetTransactionByID', opts.channel, txId),
      );
      const envelope = processed.getTransactionenvelope();
      if (envelope === undefined) throw new Error(`transaction ${txId} has no envelope`);
      const payload = common.Payload.deserializeBinary(envelope.getPayload_asU8());
      const signatureHeader = common.SignatureHeader.deserializeBinary(
        payload.getHeader()?.getSignatureHeader_asU8() ?? new Uint8Array(),
      );
      const action = peer.Transaction.deserializeBinary(payload.getData_asU8()).getActionsList()[0];
      if (action === undefined) throw new Error(`transaction ${txId} has no action`);
      const actionPayload = peer.ChaincodeActionPayload.deserializeBinary(action.getPayload_asU8());
      const endorsed = actionPayload.getAction();
      const chaincodeAction = peer.ChaincodeAction.deserializeBinary(
        peer.ProposalResponsePayload.deserializeBinary(
          endorsed?.getProposalResponsePayload_asU8() ?? new Uint8Array(),
        ).getExtension_asU8(),
      );
      const endorsements = endorsed?.getEndorsementsList() ?? [];
      return {
        envelope: envelope.serializeBinary().length,
        creatorCertificate: signatureHeader.getCreator_asU8().length,
        proposalInput: peer.ChaincodeProposalPayload.deserializeBinary(
          actionPayload.getChaincodeProposalPayload_asU8(),
        ).getInput_asU8().length,
        readWriteSet: chaincodeAction.getResults_asU8().length,
        chaincodeResponse: chaincodeAction.getResponse()?.getPayload_asU8().length ?? 0,
        chaincodeEvents: chaincodeAction.getEvents_asU8().length,
        endorsements: endorsements.length,
        endorsementBytes: endorsements.reduce((sum, e) => sum + e.serializeBinary().length, 0),
      };
    },
    close() {
      gateway.close();
      client.close();
    },
  };
}
