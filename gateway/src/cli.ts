#!/usr/bin/env node
/**
 * `licence-ledger` (run as `npx licence-ledger` in the checkout): start the three-province demo or
 * one province gateway, mint demo tokens, and issue, present, verify and revoke licences through a
 * running gateway. Every command has --help; every step prints the next command to run.
 */
import './demo/quiet-logs';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import type { ParseArgsConfig } from 'node:util';
import QRCode from 'qrcode';
import { LicenceError, isValidUscc } from '@licence-ledger/domain';
import type { FieldSpec, LicenceFields } from '@licence-ledger/domain';
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
import {
  cliCommand,
  commandLine,
  holderIdOf,
  peekClaims,
  sampleRevocation,
  suggestedDisclosure,
  tenYearsAfter,
  tokenName,
  walkThroughFields,
} from './cli-next';

/** The repository root (this file is gateway/src/cli.ts or gateway/dist/cli.js). */
const REPO_ROOT = resolve(__dirname, '..', '..');
const DEFAULT_DATA_DIR = join(REPO_ROOT, '.data');

/**
 * Exit codes: 0 done (for verify: VALID); 1 verify answered another verdict; 2 the command line
 * cannot run as given; 3 the gateway refused the request or could not be reached, or a server
 * could not start.
 */
export const EXIT = { ok: 0, notValid: 1, usage: 2, failed: 3 } as const;

/** A command line that cannot run as given (exit 2): the message says what to change. */
class UsageError extends Error {}

type Options = NonNullable<ParseArgsConfig['options']>;
type Values = Record<string, string | boolean | string[] | undefined>;

interface Command {
  readonly summary: string;
  readonly usage: string;
  readonly options: Options;
  readonly help: Readonly<Record<string, string>>;
  /** Extra lines after the options. */
  readonly notes?: readonly string[];
  /** Resolves with the exit code (EXIT.ok unless the command says otherwise). */
  run(values: Values, out: (line: string) => void): Promise<number | void>;
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
  if (v === undefined || v === '') throw new UsageError(`--${name} is required`);
  return v;
}

function dataDir(values: Values): string {
  return resolve(str(values, 'data-dir') ?? DEFAULT_DATA_DIR);
}

function tokensFile(values: Values): string {
  return join(dataDir(values), 'demo', 'tokens.json');
}

function readTokens(values: Values): DemoTokens | undefined {
  const file = tokensFile(values);
  return existsSync(file) ? (JSON.parse(readFileSync(file, 'utf8')) as DemoTokens) : undefined;
}

/** A client of a running gateway, with the bearer token it calls with. */
interface Client {
  readonly api: ApiClient;
  readonly token: string;
  /** The demo's ready-made tokens, when the demo wrote them (they name the next steps). */
  readonly tokens: DemoTokens | undefined;
}

/** The API client for --url/--token or --as <ready-made token>. */
function apiClient(values: Values): Client {
  const as = str(values, 'as');
  let token = str(values, 'token');
  let url = str(values, 'url');
  const tokens = readTokens(values);
  if (as !== undefined) {
    const where = relative(process.cwd(), tokensFile(values)) || tokensFile(values);
    if (tokens === undefined) {
      throw new UsageError(
        `no ready-made tokens at ${where}: start the demo first (npm start), or pass --token and --url`,
      );
    }
    const entry = Object.hasOwn(tokens.tokens, as) ? tokens.tokens[as] : undefined;
    if (entry === undefined) {
      throw new UsageError(
        `no ready-made token '${as}'; the demo's are: ${Object.keys(tokens.tokens).join(', ')} (from ${where})`,
      );
    }
    token ??= entry.token;
    url ??= tokens.gateways[entry.province];
  }
  if (token === undefined) throw new UsageError('give --as <name> or --token <bearer token>');
  if (url === undefined) throw new UsageError('give --url <gateway base URL>');
  return { api: new ApiClient(url, token), token, tokens };
}

function print(out: (line: string) => void, values: Values, body: unknown, summary: () => string[]): void {
  if (values.json === true) out(JSON.stringify(body, null, 2));
  else for (const line of summary()) out(line);
}

/** The one way to run the CLI, as usage lines and the README write it. */
const CLI = 'npx licence-ledger';

/** A next command: the CLI as it runs from here, the command, its options and this run's --data-dir. */
function next(
  values: Values,
  command: string,
  options: readonly (readonly [string, string | true])[],
): string {
  const dir = str(values, 'data-dir');
  return commandLine(
    cliCommand(REPO_ROOT),
    command,
    dir === undefined ? options : [...options, ['data-dir', dir]],
  );
}

/** The licence type's field specs, from the gateway's registry (empty when it cannot be read). */
async function fieldSpecs(api: ApiClient, typeCode: string): Promise<readonly FieldSpec[]> {
  try {
    return (await api.get<{ fields: FieldSpec[] }>(`/registry/licence-types/${encodeURIComponent(typeCode)}`))
      .fields;
  } catch {
    return [];
  }
}

/**
 * How the holder presents the licence next: in the demo with the holder's ready-made token (or, for
 * another holder, one minted first with `token`); elsewhere with the holder's own token.
 */
function presentSteps(
  values: Values,
  c: Client,
  licence: { id: string; issuerMsp: string },
  specs: readonly FieldSpec[],
  fields: LicenceFields,
): string[] {
  const disclose = ['disclose', suggestedDisclosure(specs, fields).join(',')] as const;
  const present = (who: readonly (readonly [string, string])[]): string =>
    next(values, 'present', [...who, ['licence', licence.id], disclose]);
  const url = c.tokens?.gateways[licence.issuerMsp] ?? c.api.baseUrl;
  const holderToken = [
    ['token', "<the holder's token>"],
    ['url', url],
  ] as const;
  if (c.tokens === undefined) return [`next: ${present(holderToken)}`];
  const holderId = holderIdOf(specs, fields);
  const holder =
    holderId !== undefined && holderId === c.tokens.holderId
      ? tokenName(c.tokens, 'holder', (e) => e.province === licence.issuerMsp)
      : undefined;
  if (holder !== undefined) return [`next: ${present([['as', holder]])}`];
  return [
    `next: the holder's token: ${next(values, 'token', [
      ['province', licence.issuerMsp],
      ['role', 'holder'],
      ['holder-id', holderId ?? "<holder's ID or USCC>"],
    ])}`,
    `  then: ${present(holderToken)}`,
  ];
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
        throw new UsageError('--ports takes three port numbers (0: any free port), e.g. 7101,7102,7103');
      }
      const logLevel = str(values, 'log-level') ?? 'warn';
      if (!(LOG_LEVELS as readonly string[]).includes(logLevel)) {
        throw new UsageError(`--log-level is one of ${LOG_LEVELS.join(', ')}`);
      }
      const demo = await runDemo({
        repoRoot: REPO_ROOT,
        cli: (command, options) => next(values, command, options),
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
        throw new UsageError(
          `unknown province ${given}: one of ${DEMO_PROVINCES.map((p) => p.mspId).join(', ')}, or gd, zj, bj`,
        );
      }
      const role = required(values, 'role');
      if (!(PRINCIPAL_ROLES as readonly string[]).includes(role)) {
        throw new UsageError(`--role is one of ${PRINCIPAL_ROLES.join(', ')}`);
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
    usage: `${CLI} issue --as gd-issuer [--type JDCJSZ] --field name=张三 --field idNo=... [--valid-from 2024-01-01] [--valid-until 2034-01-01|none]`,
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
      'valid-until':
        "last valid day, or 'none' for no end date (default: ten years after --valid-from, as the issuer page)",
      'idempotency-key': 'repeat-safe key for the request',
      ...clientHelp,
    },
    async run(values, out) {
      const fields: Record<string, string | number | boolean> = {};
      for (const pair of (values.field as string[] | undefined) ?? []) {
        const at = pair.indexOf('=');
        if (at < 1) throw new UsageError(`--field takes name=value, not '${pair}'`);
        const raw = pair.slice(at + 1);
        fields[pair.slice(0, at)] = /^-?\d{1,15}$/.test(raw)
          ? Number(raw)
          : raw === 'true'
            ? true
            : raw === 'false'
              ? false
              : raw;
      }
      const from = str(values, 'valid-from') ?? new Date().toISOString().slice(0, 10);
      if (!/^\d{4}-\d{2}-\d{2}$/.test(from)) throw new UsageError('--valid-from takes a date, YYYY-MM-DD');
      const given = str(values, 'valid-until');
      if (given !== undefined && given !== 'none' && !/^\d{4}-\d{2}-\d{2}$/.test(given)) {
        throw new UsageError("--valid-until takes a date, YYYY-MM-DD, or 'none'");
      }
      const until = given === 'none' ? null : (given ?? tenYearsAfter(from));
      const c = apiClient(values);
      const key = str(values, 'idempotency-key');
      const body = await c.api.post<{
        licence: { id: string; status: string; typeCode: string; issuerMsp: string };
        txId: string;
        blockNumber: number;
      }>(
        '/licences',
        { typeCode: str(values, 'type') ?? 'JDCJSZ', fields, validFrom: from, validUntil: until },
        key === undefined ? {} : { idempotencyKey: key },
      );
      const specs = values.json === true ? [] : await fieldSpecs(c.api, body.licence.typeCode);
      print(out, values, body, () => [
        `issued ${body.licence.id}`,
        `  status ${body.licence.status}, ledger tx ${body.txId} in block ${body.blockNumber}`,
        `  valid from ${from} ${
          until === null
            ? 'with no end date (--valid-until none)'
            : `until ${until}${given === undefined ? ' (ten years, the default)' : ''}`
        }`,
        ...presentSteps(values, c, body.licence, specs, fields),
      ]);
    },
  },

  present: {
    summary: 'present a licence (holder): a short-lived token and its QR code',
    usage: `${CLI} present --as gd-holder --licence <id> --disclose name,class,firstIssued [--qr-png file.png] [--qr-svg file.svg] [--show-qr]`,
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
      'qr-png': `write the QR code as PNG to this file (default ${join('.data', 'qr.png')}, under --data-dir)`,
      'qr-svg': 'also write the QR code as SVG to this file',
      'show-qr': 'draw the QR code in the terminal',
      ...clientHelp,
    },
    async run(values, out) {
      const id = required(values, 'licence');
      const disclose = (str(values, 'disclose') ?? '')
        .split(',')
        .map((s) => s.trim())
        .filter((s) => s !== '');
      const c = apiClient(values);
      const body = await c.api.post<{
        token: string;
        expiresAt: string;
        bytes: number;
        qr: { png: string; svg: string };
      }>(`/holder/licences/${encodeURIComponent(id)}/presentations`, { disclose });
      // Under the data directory unless the user names a file: nothing lands in the checkout's root.
      const png = resolve(str(values, 'qr-png') ?? join(dataDir(values), 'qr.png'));
      mkdirSync(dirname(png), { recursive: true });
      writeFileSync(png, Buffer.from(body.qr.png.replace(/^data:image\/png;base64,/, ''), 'base64'));
      const svg = str(values, 'qr-svg');
      if (svg !== undefined) writeFileSync(svg, body.qr.svg);
      if (values['show-qr'] === true)
        out(await QRCode.toString(body.token, { type: 'terminal', small: true }));
      const issuerMsp = peekClaims(c.token).province;
      const verifier = tokenName(c.tokens, 'verifier', (e) => e.province !== issuerMsp);
      print(out, values, body, () => [
        body.token,
        `  ${body.bytes} bytes; verifiers accept it once, until ${body.expiresAt}`,
        `  QR code: ${relative(process.cwd(), png) || png}${svg === undefined ? '' : `, ${svg}`}`,
        `next: ${next(values, 'verify', [
          ...(verifier === undefined
            ? ([
                ['token', "<a verifier's token>"],
                ['url', "<the verifier's gateway>"],
              ] as const)
            : ([['as', verifier]] as const)),
          ['presentation', body.token],
          ['purpose', '交通违法处理 traffic check'],
        ])}`,
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
    notes: [
      `exit code: ${EXIT.ok} for VALID, ${EXIT.notValid} for any other verdict (printed with its reason)`,
    ],
    async run(values, out) {
      const c = apiClient(values);
      const body = await c.api.post<{
        result: string;
        reason?: { code: string; text: string };
        licence?: { id: string; typeCode: string; issuerUscc: string; issuerMsp: string; status: string };
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
        ...verifyNext(values, c, body.result, body.licence),
      ]);
      return body.result === 'VALID' ? EXIT.ok : EXIT.notValid;
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
      const c = apiClient(values);
      const body = await c.api.post<{
        licence: { id: string; status: string; typeCode: string; issuerMsp: string };
        txId: string;
      }>(`/licences/${encodeURIComponent(id)}/status`, {
        action: 'revoke',
        reasonCode: required(values, 'reason-code'),
        reasonText: str(values, 'reason-text') ?? '',
      });
      let steps: string[] = [];
      if (values.json !== true) {
        // The issuing agency reads its own licence's content, to name the holder and the fields.
        const [specs, view] = await Promise.all([
          fieldSpecs(c.api, body.licence.typeCode),
          c.api.get<{ fields?: LicenceFields }>(`/licences/${encodeURIComponent(id)}`).catch(() => ({})),
        ]);
        steps = presentSteps(values, c, body.licence, specs, 'fields' in view ? (view.fields ?? {}) : {});
      }
      print(out, values, body, () => [
        `revoked ${body.licence.id}: status ${body.licence.status} (ledger tx ${body.txId})`,
        '  a fresh presentation now verifies as REVOKED, with the reason, in every province',
        ...steps,
      ]);
    },
  },
};

/** What to run after a verdict in the demo: the walk-through's next step (none outside the demo). */
function verifyNext(
  values: Values,
  c: Client,
  result: string,
  licence:
    { id: string; typeCode: string; issuerUscc: string; issuerMsp: string; status: string } | undefined,
): string[] {
  if (licence === undefined || c.tokens === undefined) return [];
  const issuer = tokenName(c.tokens, 'issuer', (e) => e.claims.agency === licence.issuerUscc);
  if (issuer === undefined) return [];
  if (result === 'VALID') {
    const reason = sampleRevocation(licence.typeCode);
    return [
      `next (the walk-through): the issuing agency revokes it: ${next(values, 'revoke', [
        ['as', issuer],
        ['licence', licence.id],
        ['reason-code', reason.code],
        ['reason-text', reason.text],
      ])}`,
    ];
  }
  if (!ENDED.has(result) || licence.typeCode !== 'JDCJSZ') return [];
  // The licence has ended: the walk-through starts again with a new one.
  return [
    `next (the walk-through again): ${next(values, 'issue', [
      ['as', issuer],
      ...walkThroughFields(c.tokens.holderId).map((f) => ['field', f] as const),
    ])}`,
  ];
}

/** Verdicts of a licence that has ended for good. */
const ENDED = new Set(['REVOKED', 'ANNULLED', 'CANCELLED', 'EXPIRED', 'TRANSFERRED']);

function helpOf(name: string, c: Command): string {
  const lines = [`${CLI} ${name}: ${c.summary}`, '', `usage: ${c.usage}`, '', 'options:'];
  for (const [opt, text] of Object.entries(c.help)) lines.push(`  --${opt.padEnd(16)} ${text}`);
  if (c.notes !== undefined) lines.push('', ...c.notes);
  return lines.join('\n');
}

function mainHelp(): string {
  const lines = [`${CLI}: cross-province electronic licence ledger (电子证照跨省互认)`, '', 'commands:'];
  for (const [name, c] of Object.entries(commands)) lines.push(`  ${name.padEnd(8)} ${c.summary}`);
  lines.push(
    '',
    `${CLI} <command> --help shows a command's options. Run it in the checkout (after npm start or npm run build).`,
    '',
    'exit codes:',
    `  ${EXIT.ok}  done (verify: the verdict is VALID)`,
    `  ${EXIT.notValid}  verify: any other verdict`,
    `  ${EXIT.usage}  the command line cannot run as given (unknown command or option, missing value, unknown --as name)`,
    `  ${EXIT.failed}  the gateway refused the request or could not be reached, or a server could not start`,
  );
  return lines.join('\n');
}

/** Runs the CLI with `argv` (without node and script); resolves with the exit code (see EXIT). */
export async function runCli(
  argv: readonly string[],
  out: (line: string) => void = (l) => process.stdout.write(`${l}\n`),
  err: (line: string) => void = (l) => process.stderr.write(`${l}\n`),
): Promise<number> {
  const [name, ...rest] = argv;
  if (name === undefined || name === '--help' || name === '-h' || name === 'help') {
    (name === undefined ? err : out)(mainHelp());
    return name === undefined ? EXIT.usage : EXIT.ok;
  }
  const command = Object.hasOwn(commands, name) ? commands[name] : undefined;
  if (command === undefined) {
    err(`unknown command '${name}'\n\n${mainHelp()}`);
    return EXIT.usage;
  }
  let values: Values;
  try {
    values = parseArgs({ args: [...rest], options: command.options, strict: true, allowPositionals: false })
      .values as Values;
  } catch (error) {
    err(`${error instanceof Error ? error.message : String(error)}\n\n${helpOf(name, command)}`);
    return EXIT.usage;
  }
  if (values.help === true) {
    out(helpOf(name, command));
    return EXIT.ok;
  }
  try {
    return (await command.run(values, out)) ?? EXIT.ok;
  } catch (error) {
    if (error instanceof UsageError) {
      err(`${error.message}\n\nusage: ${command.usage}\n(${CLI} ${name} --help for every option)`);
      return EXIT.usage;
    }
    if (error instanceof LicenceError) {
      const extra = Array.isArray(error.details?.errors) ? `\n  ${error.details.errors.join('\n  ')}` : '';
      err(`error ${error.code}: ${error.message}${extra}`);
      return EXIT.failed;
    }
    err(`error: ${error instanceof Error ? error.message : String(error)}`);
    return EXIT.failed;
  }
}

/** Runs the CLI for this process (gateway/bin/licence-ledger.js, or node gateway/dist/cli.js). */
export function main(argv: readonly string[]): void {
  runCli(argv).then(
    (code) => {
      // Long-running commands (demo, serve) keep the process alive through their servers.
      if (code !== EXIT.ok) process.exit(code);
    },
    (error: unknown) => {
      process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n`);
      process.exit(EXIT.failed);
    },
  );
}

if (require.main === module) main(process.argv.slice(2));
