#!/usr/bin/env node
/**
 * `licence-ledger`: start the three-province demo or one province gateway, mint demo tokens, and
 * issue, present, verify and revoke licences through a running gateway. Every command has --help.
 */
import './demo/quiet-logs';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import type { ParseArgsConfig } from 'node:util';
import QRCode from 'qrcode';
import { LicenceError, isValidUscc } from '@licence-ledger/domain';
import { LOG_LEVELS, defaultAudience, loadConfig } from './config';
import type { LogLevel } from './config';
import { ApiClient } from './demo/api-client';
import { DEMO_PROVINCES } from './demo/catalogue';
import { demoIdentityProviders } from './demo/cluster';
import { DEMO_HOLDER_ID, runDemo } from './demo/run';
import type { DemoTokens } from './demo/run';
import { onShutdown, startGateway } from './main';
import { createLogger } from './logging';
import { holderRefOf } from './auth/holder-ref';
import { holderSecretFor } from './main';
import { PRINCIPAL_ROLES } from './auth/principal';
import type { PrincipalRole } from './auth/principal';

/** The repository root (this file is gateway/src/cli.ts or gateway/dist/cli.js). */
const REPO_ROOT = resolve(__dirname, '..', '..');
const DEFAULT_DATA_DIR = join(REPO_ROOT, '.data');

type Options = NonNullable<ParseArgsConfig['options']>;
type Values = Record<string, string | boolean | string[] | undefined>;

interface Command {
  readonly summary: string;
  readonly usage: string;
  readonly options: Options;
  readonly help: Readonly<Record<string, string>>;
  /** Extra lines after the options. */
  readonly notes?: readonly string[];
  run(values: Values, out: (line: string) => void): Promise<void>;
}

const common: Options = { help: { type: 'boolean', short: 'h' }, 'data-dir': { type: 'string' } };
const commonHelp = {
  'data-dir': `where the demo keeps its data (default ${join('.data')} at the repository root)`,
  help: 'show this help',
};
const client: Options = {
  ...common,
  as: { type: 'string' },
  url: { type: 'string' },
  token: { type: 'string' },
  json: { type: 'boolean' },
};
const clientHelp = {
  as: 'use a ready-made demo token by name, e.g. gd-issuer, zj-verifier, gd-holder (from tokens.json)',
  url: 'gateway base URL (default: the demo gateway of the --as token’s province)',
  token: 'bearer token to use instead of --as',
  json: 'print the full JSON answer',
  ...commonHelp,
};

function str(values: Values, name: string): string | undefined {
  const v = values[name];
  return typeof v === 'string' ? v : undefined;
}

function required(values: Values, name: string): string {
  const v = str(values, name);
  if (v === undefined || v === '') throw new LicenceError('INVALID_ARGUMENT', `--${name} is required`);
  return v;
}

function dataDir(values: Values): string {
  return resolve(str(values, 'data-dir') ?? DEFAULT_DATA_DIR);
}

function readTokens(values: Values): DemoTokens | undefined {
  const file = join(dataDir(values), 'demo', 'tokens.json');
  return existsSync(file) ? (JSON.parse(readFileSync(file, 'utf8')) as DemoTokens) : undefined;
}

/** The API client for --url/--token or --as <ready-made token>. */
function apiClient(values: Values): ApiClient {
  const as = str(values, 'as');
  let token = str(values, 'token');
  let url = str(values, 'url');
  if (as !== undefined) {
    const tokens = readTokens(values);
    const entry = tokens?.tokens[as];
    if (tokens === undefined || entry === undefined) {
      throw new LicenceError(
        'NOT_FOUND',
        `no ready-made token '${as}': start the demo first (npm start), or pass --token and --url`,
      );
    }
    token ??= entry.token;
    url ??= tokens.gateways[entry.province];
  }
  if (token === undefined)
    throw new LicenceError('UNAUTHENTICATED', 'give --as <name> or --token <bearer token>');
  if (url === undefined) throw new LicenceError('INVALID_ARGUMENT', 'give --url <gateway base URL>');
  return new ApiClient(url, token);
}

function print(out: (line: string) => void, values: Values, body: unknown, summary: () => string[]): void {
  if (values.json === true) out(JSON.stringify(body, null, 2));
  else for (const line of summary()) out(line);
}

const CLI = 'licence-ledger';

/** How the user ran this CLI, so printed next steps can be pasted as they are. */
function invocation(values: Values, command = ''): string {
  const script = process.argv[1] ?? '';
  const base = /licence-ledger$/.test(script) ? CLI : `node ${relative(process.cwd(), script) || script}`;
  const dir = str(values, 'data-dir');
  return `${base}${command === '' ? '' : ` ${command}`}${dir === undefined ? '' : ` --data-dir ${dir}`}`;
}

const commands: Readonly<Record<string, Command>> = {
  demo: {
    summary: 'start the three-province demo (embedded ledger and Postgres, no set-up)',
    usage: `${CLI} demo [--ports 7101,7102,7103] [--host 127.0.0.1] [--data-dir DIR] [--log-level warn]`,
    options: {
      ...common,
      ports: { type: 'string' },
      host: { type: 'string' },
      'log-level': { type: 'string' },
    },
    help: {
      ports:
        'ports of the Guangdong, Zhejiang and Beijing gateways (default 7101,7102,7103; 0 picks a free port, printed at start)',
      host: 'interface to listen on (default 127.0.0.1)',
      'log-level': `gateway log level: ${LOG_LEVELS.join(', ')} (default warn)`,
      ...commonHelp,
    },
    async run(values, out) {
      const ports = (str(values, 'ports') ?? '7101,7102,7103').split(',').map((p) => Number(p.trim()));
      if (ports.length !== 3 || ports.some((p) => !Number.isInteger(p) || p < 0 || p > 65_535)) {
        throw new LicenceError(
          'INVALID_ARGUMENT',
          '--ports takes three port numbers (0: any free port), e.g. 7101,7102,7103',
        );
      }
      const logLevel = str(values, 'log-level') ?? 'warn';
      if (!(LOG_LEVELS as readonly string[]).includes(logLevel)) {
        throw new LicenceError('INVALID_ARGUMENT', `--log-level is one of ${LOG_LEVELS.join(', ')}`);
      }
      const demo = await runDemo({
        repoRoot: REPO_ROOT,
        cli: invocation(values),
        dataDir: dataDir(values),
        host: str(values, 'host') ?? '127.0.0.1',
        ports: [ports[0]!, ports[1]!, ports[2]!],
        logLevel: logLevel as LogLevel,
        out,
      });
      onShutdown(createLogger({ level: 'info' }), () => demo.stop());
    },
  },

  serve: {
    summary: 'start one province gateway configured from the environment',
    usage: `${CLI} serve`,
    options: { ...common },
    help: { help: 'show this help' },
    notes: [
      'configured by environment variables:',
      '  PROVINCE_MSP, PORT, HOST, DATA_DIR, LOG_LEVEL',
      '  DATABASE_URL (when unset, an embedded Postgres under DATA_DIR)',
      '  LEDGER=embedded|fabric, FABRIC_PEER_ENDPOINT, FABRIC_TLS_CA_PATH, FABRIC_CERT_PATH, FABRIC_KEY_PATH, …',
      '  TOKEN_ISSUERS=\'[{"iss": "…", "pem": "…"}]\', TOKEN_AUDIENCE',
      '  CRYPTO_DIR (crypto-config output, default .data/crypto), LEDGER_MEMBERS (embedded ledger channel members)',
      '  HOLDER_SECRET_FILE, RECEIPT_KEY_FILE, CONTENT_KEY_FILE (default DATA_DIR/holder-secret, DATA_DIR/receipt-key.pem',
      '    and DATA_DIR/content-key, created when missing; the content key seals licence content: back it up)',
      `example: PROVINCE_MSP=GuangdongMSP PORT=8080 CRYPTO_DIR=.data/crypto ${CLI} serve`,
    ],
    async run(_values, out) {
      const gateway = await startGateway(loadConfig(process.env));
      out(`gateway listening on ${gateway.url}`);
      onShutdown(createLogger({ level: 'info' }), () => gateway.stop());
    },
  },

  token: {
    summary: 'mint a demo bearer token (at+jwt) from a province’s demo identity provider',
    usage: `${CLI} token --province GuangdongMSP --role issuer --agency 11440000MB2C93756J [--ttl 3600]`,
    options: {
      ...common,
      province: { type: 'string' },
      role: { type: 'string' },
      agency: { type: 'string' },
      'holder-id': { type: 'string' },
      sub: { type: 'string' },
      ttl: { type: 'string' },
    },
    help: {
      province: 'MSP ID (GuangdongMSP, ZhejiangMSP, BeijingMSP) or gd, zj, bj',
      role: `one of ${PRINCIPAL_ROLES.join(', ')}`,
      agency: 'agency USCC (issuers; optional for verifiers)',
      'holder-id': `citizen ID, or USCC for a company, of the holder (holders; default ${DEMO_HOLDER_ID})`,
      sub: 'subject (default demo-<role>)',
      ttl: 'lifetime in seconds (default 3600, at most 43200)',
      ...commonHelp,
    },
    async run(values, out) {
      const short: Record<string, string> = { gd: 'GuangdongMSP', zj: 'ZhejiangMSP', bj: 'BeijingMSP' };
      const given = required(values, 'province');
      const province = short[given.toLowerCase()] ?? given;
      if (!DEMO_PROVINCES.some((p) => p.mspId === province)) {
        throw new LicenceError('INVALID_ARGUMENT', `unknown province ${given}`);
      }
      const role = required(values, 'role');
      if (!(PRINCIPAL_ROLES as readonly string[]).includes(role)) {
        throw new LicenceError('INVALID_ARGUMENT', `--role is one of ${PRINCIPAL_ROLES.join(', ')}`);
      }
      const dir = join(dataDir(values), 'demo');
      const idp = demoIdentityProviders(join(dir, 'idp'), [province]).get(province)!;
      const agency = str(values, 'agency');
      const holderId = str(values, 'holder-id') ?? DEMO_HOLDER_ID;
      const kind = isValidUscc(holderId) ? 'organisation' : 'person';
      const holderRef =
        role === 'holder' ? holderRefOf(holderSecretFor(join(dir, province)), kind, holderId) : undefined;
      const token = await idp.mint({
        sub: str(values, 'sub') ?? `demo-${role}`,
        role: role as PrincipalRole,
        province,
        ...(agency === undefined ? {} : { agency }),
        ...(holderRef === undefined ? {} : { holderRef }),
        ttlSeconds: Number(str(values, 'ttl') ?? 3600),
        audience: defaultAudience(province),
      });
      out(token);
    },
  },

  issue: {
    summary: 'issue a licence through a running gateway',
    usage: `${CLI} issue --as gd-issuer [--type JDCJSZ] --field name=张三 --field idNo=... [--valid-from 2024-01-01] [--valid-until 2034-01-01]`,
    options: {
      ...client,
      type: { type: 'string' },
      field: { type: 'string', multiple: true },
      'valid-from': { type: 'string' },
      'valid-until': { type: 'string' },
      'idempotency-key': { type: 'string' },
    },
    help: {
      type: 'licence type code (default JDCJSZ, 机动车驾驶证; SPJYXKZ is the food business permit)',
      field: 'name=value, repeated; integers and true/false are sent as such',
      'valid-from': 'first valid day (default today)',
      'valid-until': "last valid day, or 'none' (default in ten years)",
      'idempotency-key': 'repeat-safe key for the request',
      ...clientHelp,
    },
    async run(values, out) {
      const fields: Record<string, string | number | boolean> = {};
      for (const pair of (values.field as string[] | undefined) ?? []) {
        const at = pair.indexOf('=');
        if (at < 1) throw new LicenceError('INVALID_ARGUMENT', `--field takes name=value, not '${pair}'`);
        const raw = pair.slice(at + 1);
        fields[pair.slice(0, at)] = /^-?\d{1,15}$/.test(raw)
          ? Number(raw)
          : raw === 'true'
            ? true
            : raw === 'false'
              ? false
              : raw;
      }
      const today = new Date().toISOString().slice(0, 10);
      const until = str(values, 'valid-until') ?? `${Number(today.slice(0, 4)) + 10}${today.slice(4)}`;
      const api = apiClient(values);
      const key = str(values, 'idempotency-key');
      const body = await api.post<{
        licence: { id: string; status: string };
        txId: string;
        blockNumber: number;
      }>(
        '/licences',
        {
          typeCode: str(values, 'type') ?? 'JDCJSZ',
          fields,
          validFrom: str(values, 'valid-from') ?? today,
          validUntil: until === 'none' ? null : until,
        },
        key === undefined ? {} : { idempotencyKey: key },
      );
      print(out, values, body, () => [
        `issued ${body.licence.id}`,
        `  status ${body.licence.status}, ledger tx ${body.txId} in block ${body.blockNumber}`,
        body.licence.id.includes('.JDCJSZ.')
          ? `next: ${invocation(values, 'present')} --as gd-holder --licence ${body.licence.id} --disclose name,class`
          : `next: ${invocation(values, 'token')} --province <province> --role holder --holder-id <holder's ID or USCC>, then present with --token`,
      ]);
    },
  },

  present: {
    summary: 'present a licence (holder): a short-lived token and its QR code',
    usage: `${CLI} present --as gd-holder --licence <id> --disclose name,class [--qr-png file.png] [--qr-svg file.svg] [--show-qr]`,
    options: {
      ...client,
      licence: { type: 'string' },
      disclose: { type: 'string' },
      'qr-png': { type: 'string' },
      'qr-svg': { type: 'string' },
      'show-qr': { type: 'boolean' },
    },
    help: {
      licence: 'licence identifier',
      disclose: 'comma-separated field names to disclose (may be empty)',
      'qr-png': 'write the QR code as PNG to this file',
      'qr-svg': 'write the QR code as SVG to this file',
      'show-qr': 'draw the QR code in the terminal',
      ...clientHelp,
    },
    async run(values, out) {
      const id = required(values, 'licence');
      const disclose = (str(values, 'disclose') ?? '')
        .split(',')
        .map((s) => s.trim())
        .filter((s) => s !== '');
      const body = await apiClient(values).post<{
        token: string;
        expiresAt: string;
        bytes: number;
        qr: { png: string; svg: string };
      }>(`/holder/licences/${encodeURIComponent(id)}/presentations`, { disclose });
      const png = str(values, 'qr-png');
      if (png !== undefined)
        writeFileSync(png, Buffer.from(body.qr.png.replace(/^data:image\/png;base64,/, ''), 'base64'));
      const svg = str(values, 'qr-svg');
      if (svg !== undefined) writeFileSync(svg, body.qr.svg);
      if (values['show-qr'] === true)
        out(await QRCode.toString(body.token, { type: 'terminal', small: true }));
      print(out, values, body, () => [
        body.token,
        `  ${body.bytes} bytes, expires ${body.expiresAt}${png ? `, QR written to ${png}` : ''}${svg ? `, ${svg}` : ''}`,
        `next: ${invocation(values, 'verify')} --as zj-verifier --presentation ${body.token.slice(0, 12)}… --purpose "交通违法处理 traffic check"`,
      ]);
    },
  },

  verify: {
    summary: 'verify a presentation token (verifier), in the verifier’s own province',
    usage: `${CLI} verify --as zj-verifier --presentation <token> --purpose "交通违法处理"`,
    options: { ...client, presentation: { type: 'string' }, purpose: { type: 'string' } },
    help: {
      presentation: 'the presentation token (from `present` or a scanned QR code)',
      purpose: 'declared purpose (申请事由), 2 to 200 characters',
      ...clientHelp,
    },
    async run(values, out) {
      const body = await apiClient(values).post<{
        result: string;
        reason?: { code: string; text: string };
        licence?: { id: string; status: string };
        disclosed?: Record<string, unknown>;
        ledger: { height: number; time: string | null } | null;
        recognition?: { basis: string };
      }>('/verifications', { token: required(values, 'presentation'), purpose: required(values, 'purpose') });
      print(out, values, body, () => [
        `${body.result}${body.reason === undefined ? '' : ` — ${body.reason.code}: ${body.reason.text}`}`,
        ...(body.licence === undefined
          ? []
          : [`  licence ${body.licence.id} (status ${body.licence.status})`]),
        ...(body.disclosed === undefined ? [] : [`  disclosed ${JSON.stringify(body.disclosed)}`]),
        ...(body.recognition === undefined ? [] : [`  recognised: ${body.recognition.basis}`]),
        ...(body.ledger === null
          ? []
          : [`  ledger height ${body.ledger.height} at ${body.ledger.time ?? '?'}`]),
      ]);
    },
  },

  revoke: {
    summary: 'revoke a licence (issuing agency), with a reason',
    usage: `${CLI} revoke --as gd-issuer --licence <id> --reason-code DRUNK_DRIVING --reason-text "醉酒驾驶"`,
    options: {
      ...client,
      licence: { type: 'string' },
      'reason-code': { type: 'string' },
      'reason-text': { type: 'string' },
    },
    help: {
      licence: 'licence identifier',
      'reason-code': 'upper-case reason code, e.g. DRUNK_DRIVING',
      'reason-text': 'reason text (never personal data)',
      ...clientHelp,
    },
    async run(values, out) {
      const id = required(values, 'licence');
      const body = await apiClient(values).post<{ licence: { id: string; status: string }; txId: string }>(
        `/licences/${encodeURIComponent(id)}/status`,
        {
          action: 'revoke',
          reasonCode: required(values, 'reason-code'),
          reasonText: str(values, 'reason-text') ?? '',
        },
      );
      print(out, values, body, () => [
        `revoked ${body.licence.id}: status ${body.licence.status} (ledger tx ${body.txId})`,
        `next: present it again and verify in Zhejiang: the answer is REVOKED with the reason`,
      ]);
    },
  },
};

function helpOf(name: string, c: Command): string {
  const lines = [`${CLI} ${name}: ${c.summary}`, '', `usage: ${c.usage}`, '', 'options:'];
  for (const [opt, text] of Object.entries(c.help)) lines.push(`  --${opt.padEnd(16)} ${text}`);
  if (c.notes !== undefined) lines.push('', ...c.notes);
  return lines.join('\n');
}

function mainHelp(): string {
  const lines = [`${CLI}: cross-province electronic licence ledger (电子证照跨省互认)`, '', 'commands:'];
  for (const [name, c] of Object.entries(commands)) lines.push(`  ${name.padEnd(8)} ${c.summary}`);
  lines.push('', `${CLI} <command> --help shows a command's options.`);
  return lines.join('\n');
}

/** Runs the CLI with `argv` (without node and script); resolves with the exit code. */
export async function runCli(
  argv: readonly string[],
  out: (line: string) => void = (l) => process.stdout.write(`${l}\n`),
  err: (line: string) => void = (l) => process.stderr.write(`${l}\n`),
): Promise<number> {
  const [name, ...rest] = argv;
  if (name === undefined || name === '--help' || name === '-h' || name === 'help') {
    out(mainHelp());
    return name === undefined ? 1 : 0;
  }
  const command = commands[name];
  if (command === undefined) {
    err(`unknown command '${name}'\n\n${mainHelp()}`);
    return 2;
  }
  let values: Values;
  try {
    values = parseArgs({ args: [...rest], options: command.options, strict: true, allowPositionals: false })
      .values as Values;
  } catch (error) {
    err(`${error instanceof Error ? error.message : String(error)}\n\n${helpOf(name, command)}`);
    return 2;
  }
  if (values.help === true) {
    out(helpOf(name, command));
    return 0;
  }
  try {
    await command.run(values, out);
    return 0;
  } catch (error) {
    if (error instanceof LicenceError) {
      const extra = Array.isArray(error.details?.errors) ? `\n  ${error.details.errors.join('\n  ')}` : '';
      err(`error ${error.code}: ${error.message}${extra}`);
      return 1;
    }
    err(`error: ${error instanceof Error ? error.message : String(error)}`);
    return 1;
  }
}

if (require.main === module) {
  runCli(process.argv.slice(2)).then(
    (code) => {
      // Long-running commands (demo, serve) keep the process alive through their servers.
      if (code !== 0) process.exit(code);
    },
    (error: unknown) => {
      process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n`);
      process.exit(1);
    },
  );
}
