/**
 * Fabric's command-line tools (osnadmin, peer, configtxgen) wrapped as typed functions: each builds its
 * arguments and environment in one place and returns parsed output, or throws a CommandError carrying the
 * tool's own message.
 */
import { execFile } from 'node:child_process';
import { join } from 'node:path';
import type { IdentityFiles } from './material';

/** A Fabric tool that exited non-zero. */
export class CommandError extends Error {
  constructor(
    readonly command: string,
    readonly output: string,
  ) {
    super(`${command} failed: ${lastLines(output, 6)}`);
  }
}

const lastLines = (text: string, n: number) => text.trim().split('\n').slice(-n).join('\n');

/** Runs a tool; resolves with stdout (stderr appended, since Fabric's CLIs log there). */
export function run(
  executable: string,
  args: readonly string[],
  env: Readonly<Record<string, string>>,
  timeoutMs = 60_000,
): Promise<{ stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    execFile(
      executable,
      [...args],
      { env: { ...process.env, ...env }, timeout: timeoutMs, maxBuffer: 16 * 1024 * 1024 },
      (err, stdout, stderr) => {
        if (err !== null) {
          const name = `${executable.split('/').pop() ?? executable} ${args.slice(0, 3).join(' ')}`;
          reject(new CommandError(name, `${stdout}\n${stderr}\n${err.message}`));
        } else resolve({ stdout, stderr });
      },
    );
  });
}

/** Where Fabric's binaries are, and a folder with a core.yaml for the peer CLI. */
export interface Tools {
  readonly binDir: string;
  /** Any folder holding a core.yaml: the peer CLI reads it even for offline commands. */
  readonly peerCfgDir: string;
}

const bin = (tools: Tools, name: string) => join(tools.binDir, name);

/** configtxgen: writes the channel's genesis block. */
export async function createGenesisBlock(
  tools: Tools,
  configDir: string,
  profile: string,
  channel: string,
  outputBlock: string,
): Promise<void> {
  await run(
    bin(tools, 'configtxgen'),
    ['-profile', profile, '-channelID', channel, '-outputBlock', outputBlock],
    {
      FABRIC_CFG_PATH: configDir,
    },
  );
}

/** The orderer organisation's admin and TLS CA, for the channel participation API. */
export interface OrdererAdmin {
  readonly admin: IdentityFiles;
  readonly tlsCaCert: string;
}

/** Channel information from an orderer's participation API. */
export interface OrdererChannelInfo {
  readonly name: string;
  readonly status: string;
  readonly consensusRelation: string;
  readonly height: number;
}

const osnadminTls = (a: OrdererAdmin) => [
  '--ca-file',
  a.tlsCaCert,
  '--client-cert',
  a.admin.tlsCert,
  '--client-key',
  a.admin.tlsKey,
];

/** osnadmin channel join: the orderer joins the channel from its genesis block. */
export async function osnadminJoin(
  tools: Tools,
  admin: OrdererAdmin,
  adminPort: number,
  channel: string,
  block: string,
): Promise<void> {
  await run(
    bin(tools, 'osnadmin'),
    [
      'channel',
      'join',
      '--channelID',
      channel,
      '--config-block',
      block,
      '-o',
      `127.0.0.1:${adminPort}`,
      ...osnadminTls(admin),
    ],
    {},
  );
}

/** osnadmin channel list --channelID: the orderer's view of the channel, or undefined when it has not joined. */
export async function osnadminChannel(
  tools: Tools,
  admin: OrdererAdmin,
  adminPort: number,
  channel: string,
): Promise<OrdererChannelInfo | undefined> {
  const { stdout } = await run(
    bin(tools, 'osnadmin'),
    ['channel', 'list', '--channelID', channel, '-o', `127.0.0.1:${adminPort}`, ...osnadminTls(admin)],
    {},
    15_000,
  );
  const status = /Status: (\d+)/.exec(stdout)?.[1];
  if (status === '404') return undefined;
  const json = stdout.slice(stdout.indexOf('{'));
  return JSON.parse(json) as OrdererChannelInfo;
}

/** A province admin acting at its own peer through the peer CLI. */
export interface PeerAdmin {
  readonly admin: IdentityFiles;
  readonly peerPort: number;
  /** The province's TLS CA (to trust its peer). */
  readonly tlsCaCert: string;
}

/** The orderer to send lifecycle transactions to. */
export interface OrdererTarget {
  readonly port: number;
  readonly tlsCaCert: string;
}

const peerEnv = (tools: Tools, p: PeerAdmin): Record<string, string> => ({
  FABRIC_CFG_PATH: tools.peerCfgDir,
  CORE_PEER_TLS_ENABLED: 'true',
  CORE_PEER_LOCALMSPID: p.admin.mspId,
  CORE_PEER_ADDRESS: `127.0.0.1:${p.peerPort}`,
  CORE_PEER_TLS_ROOTCERT_FILE: p.tlsCaCert,
  CORE_PEER_MSPCONFIGPATH: p.admin.mspDir,
  FABRIC_LOGGING_SPEC: 'warning',
});

const ordererArgs = (o: OrdererTarget) => ['-o', `127.0.0.1:${o.port}`, '--tls', '--cafile', o.tlsCaCert];

/** peer channel join. */
export async function peerJoin(tools: Tools, p: PeerAdmin, block: string): Promise<void> {
  await run(bin(tools, 'peer'), ['channel', 'join', '-b', block], peerEnv(tools, p));
}

/** peer channel list: the channels the peer has joined. */
export async function peerChannels(tools: Tools, p: PeerAdmin): Promise<string[]> {
  const { stdout } = await run(bin(tools, 'peer'), ['channel', 'list'], peerEnv(tools, p), 15_000);
  const lines = stdout.split('\n').map((l) => l.trim());
  const start = lines.findIndex((l) => l.startsWith('Channels peers has joined'));
  return start < 0 ? [] : lines.slice(start + 1).filter((l) => l !== '');
}

/** peer channel getinfo: the peer's ledger height and current block hash. */
export async function peerHeight(
  tools: Tools,
  p: PeerAdmin,
  channel: string,
): Promise<{ height: number; currentBlockHash: string }> {
  const { stdout } = await run(
    bin(tools, 'peer'),
    ['channel', 'getinfo', '-c', channel],
    peerEnv(tools, p),
    15_000,
  );
  const json = stdout.slice(stdout.indexOf('{'));
  return JSON.parse(json) as { height: number; currentBlockHash: string };
}

/** peer lifecycle chaincode calculatepackageid. */
export async function packageId(tools: Tools, p: PeerAdmin, pkg: string): Promise<string> {
  const { stdout } = await run(
    bin(tools, 'peer'),
    ['lifecycle', 'chaincode', 'calculatepackageid', pkg],
    peerEnv(tools, p),
  );
  return stdout.trim();
}

/** peer lifecycle chaincode queryinstalled: package ids installed on the peer. */
export async function installedPackages(tools: Tools, p: PeerAdmin): Promise<string[]> {
  const { stdout } = await run(
    bin(tools, 'peer'),
    ['lifecycle', 'chaincode', 'queryinstalled', '--output', 'json'],
    peerEnv(tools, p),
  );
  const parsed = JSON.parse(stdout === '' ? '{}' : stdout) as {
    installed_chaincodes?: { package_id: string }[];
  };
  return (parsed.installed_chaincodes ?? []).map((c) => c.package_id);
}

/** peer lifecycle chaincode install. */
export async function install(tools: Tools, p: PeerAdmin, pkg: string): Promise<void> {
  await run(bin(tools, 'peer'), ['lifecycle', 'chaincode', 'install', pkg], peerEnv(tools, p), 120_000);
}

/** A chaincode definition. */
export interface Definition {
  readonly channel: string;
  readonly name: string;
  readonly version: string;
  readonly sequence: number;
}

const definitionArgs = (d: Definition) => [
  '-C',
  d.channel,
  '-n',
  d.name,
  '-v',
  d.version,
  '--sequence',
  String(d.sequence),
];

/** peer lifecycle chaincode approveformyorg (waits for the transaction to commit). */
export async function approve(
  tools: Tools,
  p: PeerAdmin,
  o: OrdererTarget,
  d: Definition,
  pkgId: string,
): Promise<void> {
  await run(
    bin(tools, 'peer'),
    [
      'lifecycle',
      'chaincode',
      'approveformyorg',
      ...ordererArgs(o),
      ...definitionArgs(d),
      '--package-id',
      pkgId,
      '--waitForEventTimeout',
      '60s',
    ],
    peerEnv(tools, p),
    90_000,
  );
}

/** peer lifecycle chaincode checkcommitreadiness: which organisations approved the definition. */
export async function commitReadiness(
  tools: Tools,
  p: PeerAdmin,
  d: Definition,
): Promise<Record<string, boolean>> {
  const { stdout } = await run(
    bin(tools, 'peer'),
    ['lifecycle', 'chaincode', 'checkcommitreadiness', ...definitionArgs(d), '--output', 'json'],
    peerEnv(tools, p),
  );
  return (JSON.parse(stdout) as { approvals: Record<string, boolean> }).approvals;
}

/** peer lifecycle chaincode commit, endorsed by the given peers (enough for LifecycleEndorsement). */
export async function commit(
  tools: Tools,
  p: PeerAdmin,
  o: OrdererTarget,
  d: Definition,
  endorsers: readonly { port: number; tlsCaCert: string }[],
): Promise<void> {
  await run(
    bin(tools, 'peer'),
    [
      'lifecycle',
      'chaincode',
      'commit',
      ...ordererArgs(o),
      ...definitionArgs(d),
      ...endorsers.flatMap((e) => [
        '--peerAddresses',
        `127.0.0.1:${e.port}`,
        '--tlsRootCertFiles',
        e.tlsCaCert,
      ]),
      '--waitForEventTimeout',
      '60s',
    ],
    peerEnv(tools, p),
    90_000,
  );
}

/** peer lifecycle chaincode querycommitted: the committed definition, or undefined. */
export async function committedDefinition(
  tools: Tools,
  p: PeerAdmin,
  channel: string,
  name: string,
): Promise<{ version: string; sequence: number; approvals: Record<string, boolean> } | undefined> {
  try {
    const { stdout } = await run(
      bin(tools, 'peer'),
      ['lifecycle', 'chaincode', 'querycommitted', '-C', channel, '-n', name, '--output', 'json'],
      peerEnv(tools, p),
      15_000,
    );
    return JSON.parse(stdout) as { version: string; sequence: number; approvals: Record<string, boolean> };
  } catch (err) {
    if (err instanceof CommandError && /not found|404/.test(err.output)) return undefined;
    throw err;
  }
}
