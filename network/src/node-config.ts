/**
 * Generates every node's configuration from the topology: configtx.yaml for the channel, and each node's
 * core.yaml / orderer.yaml from the Fabric release's own sample file (so every key Fabric expects is there)
 * with only this network's settings changed. Nothing here is copied into the repository.
 */
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseDocument, stringify } from 'yaml';
import { nodeDir, type RunLayout } from './layout';
import type { Material } from './material';
import type { OrdererNode, PeerNode, Topology } from './topology';

const LOOPBACK = '127.0.0.1';
/** The profile name inside the generated configtx.yaml. */
export const CHANNEL_PROFILE = 'LicencesChannel';

const signature = (rule: string) => ({ Type: 'Signature', Rule: rule });
const implicit = (rule: string) => ({ Type: 'ImplicitMeta', Rule: rule });

/** The channel configuration (configtx.yaml) as an object: one profile, fully spelled out. */
export function configtx(topology: Topology, material: Material): Record<string, unknown> {
  const o = topology.ordererMspId;
  const ordererOrg = {
    Name: o,
    ID: o,
    MSPDir: material.orgMspDir(o),
    Policies: {
      Readers: signature(`OR('${o}.member')`),
      Writers: signature(`OR('${o}.member')`),
      Admins: signature(`OR('${o}.admin')`),
    },
    OrdererEndpoints: topology.orderers.map((n) => `${LOOPBACK}:${n.port}`),
  };
  const provinceOrgs = topology.pki.provinces.map((p) => {
    const m = p.mspId;
    return {
      Name: m,
      ID: m,
      MSPDir: material.orgMspDir(m),
      // NodeOUs are enabled in every MSP, so roles come from the certificates' OUs.
      Policies: {
        Readers: signature(`OR('${m}.admin', '${m}.peer', '${m}.client')`),
        Writers: signature(`OR('${m}.admin', '${m}.client')`),
        Admins: signature(`OR('${m}.admin')`),
        Endorsement: signature(`OR('${m}.peer')`),
      },
      // Anchor peers in the genesis block: cross-province gossip works with no channel update.
      AnchorPeers: topology.peers.filter((n) => n.mspId === m).map((n) => ({ Host: LOOPBACK, Port: n.port })),
    };
  });
  const tlsCert = (n: OrdererNode) => material.node(o, n.host).tlsCert;
  const batch = {
    BatchTimeout: `${topology.batchTimeoutMs}ms`,
    BatchSize: {
      MaxMessageCount: topology.maxMessageCount,
      AbsoluteMaxBytes: '10 MB',
      PreferredMaxBytes: '2 MB',
    },
  };
  const consensus =
    topology.consensus === 'etcdraft'
      ? {
          OrdererType: 'etcdraft',
          EtcdRaft: {
            Consenters: topology.orderers.map((n) => ({
              Host: LOOPBACK,
              Port: n.port,
              ClientTLSCert: tlsCert(n),
              ServerTLSCert: tlsCert(n),
            })),
          },
        }
      : {
          OrdererType: 'BFT',
          ConsenterMapping: topology.orderers.map((n) => ({
            ID: n.consenterId,
            Host: LOOPBACK,
            Port: n.port,
            MSPID: o,
            ClientTLSCert: tlsCert(n),
            ServerTLSCert: tlsCert(n),
            Identity: material.node(o, n.host).signcert,
          })),
          SmartBFT: {
            RequestBatchMaxCount: topology.maxMessageCount,
            RequestBatchMaxBytes: 10485760,
            RequestBatchMaxInterval: `${topology.batchTimeoutMs}ms`,
            IncomingMessageBufferSize: 200,
            RequestPoolSize: 100000,
            RequestForwardTimeout: '2s',
            RequestComplainTimeout: '20s',
            RequestAutoRemoveTimeout: '3m',
            ViewChangeResendInterval: '5s',
            ViewChangeTimeout: '20s',
            LeaderHeartbeatTimeout: '1m0s',
            LeaderHeartbeatCount: 10,
            CollectTimeout: '1s',
            SyncOnStart: true,
            SpeedUpViewChange: false,
          },
        };
  return {
    Profiles: {
      [CHANNEL_PROFILE]: {
        Policies: {
          Readers: implicit('ANY Readers'),
          Writers: implicit('ANY Writers'),
          Admins: implicit('MAJORITY Admins'),
        },
        Capabilities: { V3_0: true },
        Orderer: {
          ...consensus,
          ...batch,
          Organizations: [ordererOrg],
          Policies: {
            Readers: implicit('ANY Readers'),
            Writers: implicit('ANY Writers'),
            Admins: implicit('MAJORITY Admins'),
            BlockValidation: implicit('ANY Writers'),
          },
          Capabilities: { V2_0: true },
        },
        Application: {
          Organizations: provinceOrgs,
          // A majority of provinces endorses chaincode definitions and, by default, every transaction; a
          // licence's own key-level policy (set at issue) narrows its status changes to the issuing province.
          Policies: {
            Readers: implicit('ANY Readers'),
            Writers: implicit('ANY Writers'),
            Admins: implicit('MAJORITY Admins'),
            LifecycleEndorsement: implicit('MAJORITY Endorsement'),
            Endorsement: implicit('MAJORITY Endorsement'),
          },
          Capabilities: { V2_5: true },
        },
      },
    },
  };
}

/** Sets dotted keys in a YAML file's text, keeping the rest (and its comments) as Fabric wrote them. */
export function patchYaml(text: string, changes: Readonly<Record<string, unknown>>): string {
  const doc = parseDocument(text);
  for (const [key, value] of Object.entries(changes)) doc.setIn(key.split('.'), value);
  return doc.toString({ lineWidth: 0 });
}

/** The settings of a peer that differ from Fabric's sample core.yaml. */
export function peerSettings(
  topology: Topology,
  peer: PeerNode,
  material: Material,
  layout: RunLayout,
  buildersDir: string,
): Record<string, unknown> {
  const node = material.node(peer.mspId, peer.host);
  const address = `${LOOPBACK}:${peer.port}`;
  const dir = nodeDir(layout, peer.host);
  return {
    'peer.id': peer.host,
    'peer.networkId': topology.name,
    'peer.listenAddress': address,
    'peer.address': address,
    'peer.chaincodeListenAddress': `${LOOPBACK}:${peer.chaincodeListenPort}`,
    'peer.chaincodeAddress': `${LOOPBACK}:${peer.chaincodeListenPort}`,
    'peer.gossip.bootstrap': address,
    'peer.gossip.endpoint': address,
    'peer.gossip.externalEndpoint': address,
    // After a failed first dial to another province's anchor, gossip waits this long before trying again
    // (Fabric's default is 25 s); 2 s lets the provinces find each other within seconds of a start.
    'peer.gossip.reconnectInterval': '2s',
    'peer.gossip.useLeaderElection': false,
    'peer.gossip.orgLeader': true,
    'peer.tls.enabled': true,
    'peer.tls.clientAuthRequired': false,
    'peer.tls.cert.file': node.tlsCert,
    'peer.tls.key.file': node.tlsKey,
    'peer.tls.rootcert.file': node.tlsCa,
    'peer.tls.clientRootCAs.files': [node.tlsCa],
    'peer.fileSystemPath': join(dir, 'data'),
    'peer.mspConfigPath': node.mspDir,
    'peer.localMspId': peer.mspId,
    'peer.gateway.enabled': true,
    // No Docker: an empty endpoint plus an external builder makes the peer run no containers at all.
    'vm.endpoint': '',
    'chaincode.externalBuilders': [{ name: 'ccaas', path: buildersDir }],
    'ledger.snapshots.rootDir': join(dir, 'snapshots'),
    'operations.listenAddress': `${LOOPBACK}:${peer.operationsPort}`,
    'metrics.provider': 'prometheus',
  };
}

/** The settings of an orderer that differ from Fabric's sample orderer.yaml. */
export function ordererSettings(
  topology: Topology,
  orderer: OrdererNode,
  material: Material,
  layout: RunLayout,
): Record<string, unknown> {
  const node = material.node(topology.ordererMspId, orderer.host);
  const dir = nodeDir(layout, orderer.host);
  return {
    'General.ListenAddress': LOOPBACK,
    'General.ListenPort': orderer.port,
    'General.TLS.Enabled': true,
    'General.TLS.PrivateKey': node.tlsKey,
    'General.TLS.Certificate': node.tlsCert,
    'General.TLS.RootCAs': [node.tlsCa],
    'General.TLS.ClientAuthRequired': false,
    'General.Cluster.ClientCertificate': node.tlsCert,
    'General.Cluster.ClientPrivateKey': node.tlsKey,
    'General.Cluster.RootCAs': [node.tlsCa],
    'General.BootstrapMethod': 'none',
    'General.LocalMSPDir': node.mspDir,
    'General.LocalMSPID': topology.ordererMspId,
    'FileLedger.Location': join(dir, 'data', 'ledger'),
    'Consensus.WALDir': join(dir, 'data', 'etcdraft', 'wal'),
    'Consensus.SnapDir': join(dir, 'data', 'etcdraft', 'snapshot'),
    'Operations.ListenAddress': `${LOOPBACK}:${orderer.operationsPort}`,
    'Metrics.Provider': 'prometheus',
    'Admin.ListenAddress': `${LOOPBACK}:${orderer.adminPort}`,
    'Admin.TLS.Enabled': true,
    'Admin.TLS.Certificate': node.tlsCert,
    'Admin.TLS.PrivateKey': node.tlsKey,
    'Admin.TLS.RootCAs': [node.tlsCa],
    'Admin.TLS.ClientAuthRequired': true,
    'Admin.TLS.ClientRootCAs': [material.tlsCaCert(topology.ordererMspId)],
    'ChannelParticipation.Enabled': true,
  };
}

/** Writes configtx.yaml and every node's configuration; returns the configtx folder. */
export function writeNodeConfigs(
  topology: Topology,
  material: Material,
  layout: RunLayout,
  fabricConfigDir: string,
  buildersDir: string,
): void {
  mkdirSync(layout.configDir, { recursive: true });
  writeFileSync(
    join(layout.configDir, 'configtx.yaml'),
    stringify(configtx(topology, material), { lineWidth: 0 }),
  );
  const core = readFileSync(join(fabricConfigDir, 'core.yaml'), 'utf8');
  const orderer = readFileSync(join(fabricConfigDir, 'orderer.yaml'), 'utf8');
  for (const peer of topology.peers) {
    const dir = nodeDir(layout, peer.host);
    mkdirSync(dir, { recursive: true });
    writeFileSync(
      join(dir, 'core.yaml'),
      patchYaml(core, peerSettings(topology, peer, material, layout, buildersDir)),
    );
  }
  for (const node of topology.orderers) {
    const dir = nodeDir(layout, node.host);
    mkdirSync(dir, { recursive: true });
    writeFileSync(
      join(dir, 'orderer.yaml'),
      patchYaml(orderer, ordererSettings(topology, node, material, layout)),
    );
  }
}
