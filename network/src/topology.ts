/**
 * The one description of a network: organisations, orderers, peers, channel, consensus and ports. Every
 * other file (crypto material, configtx.yaml, each node's core.yaml / orderer.yaml, the chaincode packages)
 * is generated from it. Ports are a base port plus an offset per node and per listener, so one number moves
 * every port.
 */
import { LicenceError } from '@licence-ledger/domain';
import type { PkiConfig } from '@licence-ledger/crypto-config';

/** Ordering service consensus. */
export type Consensus = 'etcdraft' | 'BFT';

/** An orderer node and its listeners. */
export interface OrdererNode {
  readonly name: string;
  /** `<name>.<orderer domain>`: the identity folder and TLS host name. */
  readonly host: string;
  /** Broadcast/deliver (and Raft cluster) listener. */
  readonly port: number;
  /** Channel participation API (osnadmin, mutual TLS). */
  readonly adminPort: number;
  /** Operations endpoint (/healthz, /metrics), plain HTTP on loopback. */
  readonly operationsPort: number;
  /** 1-based consenter id (SmartBFT's ConsenterMapping). */
  readonly consenterId: number;
}

/** A province's peer, its listeners and its chaincode server. */
export interface PeerNode {
  readonly name: string;
  readonly host: string;
  readonly mspId: string;
  readonly provinceCode: string;
  readonly domain: string;
  readonly port: number;
  /** The peer's own chaincode listener (unused by chaincode-as-a-service, but the peer binds it). */
  readonly chaincodeListenPort: number;
  readonly operationsPort: number;
  /** Ports of the chaincode server: two slots, so an upgrade starts the new server beside the old one. */
  readonly chaincodeServerPorts: readonly [number, number];
}

/** Everything a network is made of. */
export interface Topology {
  /** Shown in logs and status; also names the run folder's state. */
  readonly name: string;
  readonly consensus: Consensus;
  readonly channel: string;
  readonly chaincode: string;
  readonly basePort: number;
  /** Longest wait before the orderer cuts a block (Raft BatchTimeout, SmartBFT RequestBatchMaxInterval). */
  readonly batchTimeoutMs: number;
  readonly maxMessageCount: number;
  /** The PKI configuration, with the orderer list this topology needs. */
  readonly pki: PkiConfig;
  readonly ordererDomain: string;
  readonly ordererMspId: string;
  readonly orderers: readonly OrdererNode[];
  readonly peers: readonly PeerNode[];
}

/** Options a named set-up can change. */
export interface TopologyOptions {
  readonly basePort?: number;
  readonly batchTimeoutMs?: number;
  readonly maxMessageCount?: number;
  readonly channel?: string;
  readonly chaincode?: string;
}

/** Default base port: orderers at 7050, 7060, …; peers at 7150, 7160, …; nothing else of the project's near. */
export const DEFAULT_BASE_PORT = 7050;
/**
 * Default batch timeout. A revocation must reach other provinces quickly and this network is lightly loaded,
 * so blocks are cut on time far more often than on size: the timeout is the latency floor of every write.
 * 250 ms keeps a status change visible everywhere within about half a second while cutting at most four
 * blocks a second when idle traffic trickles in (Fabric's sample default is 2 s).
 */
export const DEFAULT_BATCH_TIMEOUT_MS = 250;
const ORDERER_STRIDE = 10;
const PEER_OFFSET = 100;
const PEER_STRIDE = 10;
const LAST_PORT_OFFSET = 4;

/** Builds a topology from the PKI configuration and the consensus; orderer names come from `ordererNames`. */
export function buildTopology(
  name: string,
  basePki: PkiConfig,
  consensus: Consensus,
  ordererNames: readonly string[],
  options: TopologyOptions = {},
): Topology {
  const basePort = options.basePort ?? DEFAULT_BASE_PORT;
  const batchTimeoutMs = options.batchTimeoutMs ?? DEFAULT_BATCH_TIMEOUT_MS;
  if (!Number.isInteger(basePort) || basePort < 1024) {
    throw new LicenceError('INVALID_ARGUMENT', 'the base port must be an integer of at least 1024', {
      basePort,
    });
  }
  if (!Number.isInteger(batchTimeoutMs) || batchTimeoutMs < 10 || batchTimeoutMs > 10_000) {
    throw new LicenceError('INVALID_ARGUMENT', 'the batch timeout must be 10 ms to 10 s', { batchTimeoutMs });
  }
  if (consensus === 'etcdraft' && ordererNames.length < 1) {
    throw new LicenceError('INVALID_ARGUMENT', 'Raft needs at least one orderer');
  }
  if (consensus === 'BFT' && ordererNames.length < 4) {
    throw new LicenceError('INVALID_ARGUMENT', 'SmartBFT needs at least four orderers (3f + 1, f = 1)');
  }
  const pki: PkiConfig = { ...basePki, orderer: { ...basePki.orderer, orderers: [...ordererNames] } };
  const domain = pki.orderer.domain;
  const orderers = ordererNames.map((ordererName, i) => {
    const port = basePort + ORDERER_STRIDE * i;
    return {
      name: ordererName,
      host: `${ordererName}.${domain}`,
      port,
      adminPort: port + 1,
      operationsPort: port + 2,
      consenterId: i + 1,
    };
  });
  if (orderers.length * ORDERER_STRIDE > PEER_OFFSET) {
    throw new LicenceError('INVALID_ARGUMENT', 'at most ten orderers fit below the peers’ ports');
  }
  const peers: PeerNode[] = [];
  for (const province of pki.provinces) {
    for (const peerName of province.peers) {
      const port = basePort + PEER_OFFSET + PEER_STRIDE * peers.length;
      peers.push({
        name: peerName,
        host: `${peerName}.${province.domain}`,
        mspId: province.mspId,
        provinceCode: province.code,
        domain: province.domain,
        port,
        chaincodeListenPort: port + 1,
        operationsPort: port + 2,
        chaincodeServerPorts: [port + 3, port + LAST_PORT_OFFSET],
      });
    }
  }
  const top = basePort + PEER_OFFSET + PEER_STRIDE * peers.length;
  if (top > 65_535) {
    throw new LicenceError('INVALID_ARGUMENT', 'the base port leaves no room for every node', { basePort });
  }
  return {
    name,
    consensus,
    channel: options.channel ?? 'licences',
    chaincode: options.chaincode ?? 'licence-ledger',
    basePort,
    batchTimeoutMs,
    maxMessageCount: options.maxMessageCount ?? 100,
    pki,
    ordererDomain: domain,
    ordererMspId: pki.orderer.mspId,
    orderers,
    peers,
  };
}

/** The three provinces of the PKI configuration on three Raft orderers: the default network. */
export function threeProvincesRaft(pki: PkiConfig, options: TopologyOptions = {}): Topology {
  return buildTopology(
    'three-provinces-raft',
    pki,
    'etcdraft',
    ['orderer0', 'orderer1', 'orderer2'],
    options,
  );
}

/** The same provinces on four SmartBFT orderers (tolerates one faulty orderer). */
export function fourBftOrderers(pki: PkiConfig, options: TopologyOptions = {}): Topology {
  return buildTopology(
    'four-bft-orderers',
    pki,
    'BFT',
    ['orderer0', 'orderer1', 'orderer2', 'orderer3'],
    options,
  );
}

/** Every port the topology listens on, with its owner, for conflict checks and status output. */
export function allPorts(topology: Topology): { readonly port: number; readonly owner: string }[] {
  return [
    ...topology.orderers.flatMap((o) => [
      { port: o.port, owner: `${o.name} (broadcast)` },
      { port: o.adminPort, owner: `${o.name} (admin)` },
      { port: o.operationsPort, owner: `${o.name} (operations)` },
    ]),
    ...topology.peers.flatMap((p) => [
      { port: p.port, owner: `${p.host}` },
      { port: p.chaincodeListenPort, owner: `${p.host} (chaincode listener)` },
      { port: p.operationsPort, owner: `${p.host} (operations)` },
      { port: p.chaincodeServerPorts[0], owner: `chaincode server of ${p.mspId} (slot 0)` },
      { port: p.chaincodeServerPorts[1], owner: `chaincode server of ${p.mspId} (slot 1)` },
    ]),
  ];
}
