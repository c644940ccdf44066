/**
 * The three-province demo: one embedded ledger shared by the Guangdong, Zhejiang and Beijing
 * gateways in this process, each with its own identities, keys and embedded Postgres, listening on
 * 127.0.0.1. Writes ready-made bearer tokens to <data>/demo/tokens.json and prints what to try next.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { DEMO_PROVINCES } from './catalogue';
import { startCluster } from './cluster';
import type { Cluster } from './cluster';
import type { TokenIssuer } from '../auth/issuer';
import { defaultPkiConfigPath } from './material';
import { holderRef } from '../auth/holder-ref';
import type { LogLevel } from '../config';
import { commandLine, walkThroughFields } from '../cli-next';

/** A sample holder for the demo (a made-up citizen ID with a valid check character). */
export const DEMO_HOLDER_ID = '44010619900307108X';
/** Lifetime of the ready-made tokens. */
export const DEMO_TOKEN_TTL_SECONDS = 12 * 3600;

/** Options of the demo. */
export interface DemoOptions {
  readonly repoRoot: string;
  /**
   * How the printed next steps run the CLI: the command that starts it (`npx licence-ledger`), or a
   * function writing a whole command line (e.g. `npx licence-ledger issue --as gd-issuer`).
   */
  readonly cli: string | CommandLine;
  readonly dataDir: string;
  readonly host: string;
  /** Ports for Guangdong, Zhejiang and Beijing. */
  readonly ports: readonly [number, number, number];
  readonly logLevel: LogLevel;
  /** Where progress lines go. */
  readonly out: (line: string) => void;
}

/** Writes a CLI command line from a command and its options (`true`: a bare flag). */
export type CommandLine = (command: string, options: readonly (readonly [string, string | true])[]) => string;

/** What tokens.json holds. */
export interface DemoTokens {
  readonly gateways: Record<string, string>;
  readonly tokens: Record<
    string,
    { readonly province: string; readonly role: string; readonly token: string }
  >;
  readonly holderId: string;
  readonly expiresAt: string;
}

/** A running demo. */
export interface RunningDemo {
  readonly cluster: Cluster;
  readonly urls: Record<string, string>;
  readonly tokensFile: string;
  stop(): Promise<void>;
}

const SHORT: Record<string, string> = { GuangdongMSP: 'gd', ZhejiangMSP: 'zj', BeijingMSP: 'bj' };

/** What minting a province's demo tokens needs: its identity provider and its holder secret. */
export interface DemoTokenSource {
  readonly idp: TokenIssuer;
  readonly holderSecret: Buffer;
}

/** Mints the ready-made tokens of every hosted province. */
export async function mintDemoTokens(
  sources: ReadonlyMap<string, DemoTokenSource>,
  urls: Record<string, string>,
): Promise<DemoTokens> {
  const tokens: Record<string, { province: string; role: string; token: string }> = {};
  for (const p of DEMO_PROVINCES) {
    const hosted = sources.get(p.mspId);
    if (hosted === undefined) continue;
    const short = SHORT[p.mspId] ?? p.key;
    const mint = async (name: string, role: 'admin' | 'issuer' | 'verifier' | 'holder', extra: object) => {
      tokens[`${short}-${name}`] = {
        province: p.mspId,
        role,
        token: await hosted.idp.mint({
          sub: `demo-${short}-${name}`,
          role,
          province: p.mspId,
          ttlSeconds: DEMO_TOKEN_TTL_SECONDS,
          ...extra,
        }),
      };
    };
    await mint('admin', 'admin', {});
    const [dmv, market] = p.agencies;
    if (dmv !== undefined) await mint('issuer', 'issuer', { agency: dmv.uscc });
    if (market !== undefined) await mint('market-issuer', 'issuer', { agency: market.uscc });
    await mint('verifier', 'verifier', dmv === undefined ? {} : { agency: dmv.uscc });
    const secret = hosted.holderSecret;
    await mint('holder', 'holder', { holderRef: holderRef(secret, DEMO_HOLDER_ID) });
  }
  return {
    gateways: urls,
    tokens,
    holderId: DEMO_HOLDER_ID,
    expiresAt: new Date(Date.now() + DEMO_TOKEN_TTL_SECONDS * 1000).toISOString(),
  };
}

/** Starts the demo and prints the URLs, where the tokens are, and the next commands. */
export async function runDemo(opts: DemoOptions): Promise<RunningDemo> {
  const started = Date.now();
  const say = opts.out;
  say('licence-ledger demo: three provinces on one embedded ledger (电子证照跨省互认演示)');
  const cryptoDir = join(opts.dataDir, 'crypto');
  const ports: Record<string, number> = {};
  for (const [i, p] of DEMO_PROVINCES.entries()) {
    const port = opts.ports[i];
    if (port !== undefined) ports[p.mspId] = port;
  }
  // The cluster listens before the gateways start, so each knows the others' URLs for the trail.
  const cluster = await startCluster({
    dataDir: join(opts.dataDir, 'demo'),
    cryptoDir,
    pkiConfigPath: defaultPkiConfigPath(opts.repoRoot),
    logLevel: opts.logLevel,
    serve: { host: opts.host, ports },
    onProgress: (msg) => {
      if (!msg.includes(': ')) say(`  … ${msg}`);
    },
  });
  const urls: Record<string, string> = Object.fromEntries(cluster.urls);
  const sources = new Map(
    [...cluster.provinces].map(([msp, p]) => [
      msp,
      { idp: p.idp, holderSecret: p.runtime.services.ctx.holderSecret },
    ]),
  );
  const tokensFile = await writeDemoTokens(opts.dataDir, sources, urls);
  say('');
  say(
    `ready in ${((Date.now() - started) / 1000).toFixed(1)} s${cluster.materialGenerated ? ' (crypto material generated)' : ''}`,
  );
  printDemoGuide(opts, urls, tokensFile);
  say(
    'Ctrl-C stops the demo; its ledger and databases stay under ' +
      relative(process.cwd(), opts.dataDir) +
      ' for the next start.',
  );
  return {
    cluster,
    urls,
    tokensFile,
    async stop() {
      await cluster.close();
    },
  };
}

/** Mints the demo tokens and writes them to `<dataDir>/demo/tokens.json`, where the CLI's `--as` looks; returns the path. */
export async function writeDemoTokens(
  dataDir: string,
  sources: ReadonlyMap<string, DemoTokenSource>,
  urls: Record<string, string>,
): Promise<string> {
  const tokens = await mintDemoTokens(sources, urls);
  const tokensDir = join(dataDir, 'demo');
  mkdirSync(tokensDir, { recursive: true });
  const tokensFile = join(tokensDir, 'tokens.json');
  writeFileSync(tokensFile, JSON.stringify(tokens, null, 2), { mode: 0o600 });
  return tokensFile;
}

/** Prints the gateways' URLs, where the tokens are, and the next commands to try. */
export function printDemoGuide(
  opts: Pick<DemoOptions, 'cli' | 'out'>,
  urls: Record<string, string>,
  tokensFile: string,
): void {
  const say = opts.out;
  const rel = (p: string): string => relative(process.cwd(), p) || '.';
  const base = opts.cli;
  const cli: CommandLine =
    typeof base === 'string' ? (command, options) => commandLine(base, command, options) : base;
  for (const p of DEMO_PROVINCES) {
    const url = urls[p.mspId];
    if (url !== undefined)
      say(`  ${p.name.padEnd(4, '　')} ${p.mspId.padEnd(13)} ${url}   (API ${url}/api/v1/openapi.json)`);
  }
  say('');
  say(
    `bearer tokens (valid 12 h) for gd-/zj-/bj- admin, issuer, market-issuer, verifier, holder: ${rel(tokensFile)}`,
  );
  say(`sample holder ID: ${DEMO_HOLDER_ID}`);
  const gd = urls[DEMO_PROVINCES[0]!.mspId];
  const zj = urls[DEMO_PROVINCES[1]!.mspId];
  if (gd !== undefined && zj !== undefined) {
    say(`in a browser: issuer console ${gd}/issuer · wallet ${gd}/wallet · verify in Zhejiang ${zj}/verify`);
    say('  (paste a bearer token from the tokens file: gd-issuer, gd-holder, zj-verifier)');
  }
  say('');
  say('try, in another terminal (each command prints the next one, ready to run):');
  const fields = walkThroughFields(DEMO_HOLDER_ID).map((f) => ['field', f] as const);
  const licence = ['licence', '<licence id>'] as const;
  const disclose = ['disclose', 'name,class,firstIssued'] as const;
  say(`  ${cli('issue', [['as', 'gd-issuer'], ...fields])}`);
  say(`  ${cli('present', [['as', 'gd-holder'], licence, disclose])}`);
  say(
    `  ${cli('verify', [
      ['as', 'zj-verifier'],
      ['presentation', '<token>'],
      ['purpose', '交通违法处理 traffic check'],
    ])}`,
  );
  say(
    `  ${cli('revoke', [['as', 'gd-issuer'], licence, ['reason-code', 'DRUNK_DRIVING'], ['reason-text', '醉酒驾驶']])}`,
  );
  say(`  ${cli('present', [['as', 'gd-holder'], licence, disclose])}`);
  say(
    `  ${cli('verify', [
      ['as', 'zj-verifier'],
      ['presentation', '<new token>'],
      ['purpose', '复查 re-check'],
    ])}   # → REVOKED`,
  );
  say('');
}
