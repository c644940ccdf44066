import { spawnSync } from 'node:child_process';
import { readFileSync, statSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { decodeJwt, decodeProtectedHeader } from 'jose';
import { EXIT, runCli } from './cli';
import { cliCommand, shellQuote, tenYearsAfter } from './cli-next';

const REPO_ROOT = resolve(__dirname, '..', '..');

/** Runs the CLI and collects its output. */
async function cli(...args: string[]): Promise<{ code: number; out: string; err: string }> {
  const out: string[] = [];
  const err: string[] = [];
  const code = await runCli(
    args,
    (l) => out.push(l),
    (l) => err.push(l),
  );
  return { code, out: out.join('\n'), err: err.join('\n') };
}

describe('licence-ledger CLI', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'll-cli-'));
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('has --help on every command and lists them all', async () => {
    const main = await cli('--help');
    expect(main.code).toBe(0);
    for (const command of ['demo', 'serve', 'token', 'issue', 'present', 'verify', 'revoke']) {
      expect(main.out).toContain(command);
      const help = await cli(command, '--help');
      expect(help.code).toBe(0);
      expect(help.out).toContain(`usage: npx licence-ledger ${command}`);
    }
  });

  it('exits 2 for an unknown command or option, and names the exit codes in its help', async () => {
    expect((await cli('nope')).code).toBe(EXIT.usage);
    expect((await cli('toString')).code).toBe(EXIT.usage);
    expect((await cli('verify', '--nope')).code).toBe(EXIT.usage);
    expect((await cli('verify', '--as', 'zj-verifier')).code).toBe(EXIT.usage); // no --presentation
    expect((await cli()).code).toBe(EXIT.usage);
    expect((await cli('--help')).out).toMatch(/exit codes:\n {2}0 .*\n {2}1 .*\n {2}2 .*\n {2}3 /);
  });

  it('mints demo tokens the gateway profile accepts (ES256, at+jwt, holder ref for holders)', async () => {
    const issuer = await cli(
      'token',
      '--data-dir',
      dir,
      '--province',
      'gd',
      '--role',
      'issuer',
      '--agency',
      '11440000MB2C93756J',
    );
    expect(issuer.code).toBe(0);
    expect(decodeProtectedHeader(issuer.out)).toMatchObject({ alg: 'ES256', typ: 'at+jwt' });
    expect(decodeJwt(issuer.out)).toMatchObject({
      role: 'issuer',
      province: 'GuangdongMSP',
      agency: '11440000MB2C93756J',
      aud: 'urn:licence-ledger:gateway:GuangdongMSP',
    });
    const holder = await cli('token', '--data-dir', dir, '--province', 'GuangdongMSP', '--role', 'holder');
    expect(decodeJwt(holder.out).hid).toMatch(/^[A-Za-z0-9_-]{43}$/);
    const bad = await cli('token', '--data-dir', dir, '--province', 'xx', '--role', 'issuer');
    expect(bad.code).toBe(EXIT.usage);
    expect(bad.err).toContain('GuangdongMSP, ZhejiangMSP, BeijingMSP');
  });

  it('says how to get a token when a client command has none', async () => {
    const res = await cli('verify', '--data-dir', dir, '--presentation', 'x', '--purpose', 'check');
    expect(res.code).toBe(EXIT.usage);
    expect(res.err).toContain('give --as <name> or --token <bearer token>');
    const as = await cli(
      'verify',
      '--data-dir',
      dir,
      '--as',
      'zj-verifier',
      '--presentation',
      'x',
      '--purpose',
      'check',
    );
    expect(as.code).toBe(EXIT.usage);
    expect(as.err).toContain('start the demo first (npm start)');
  });
});

describe('npx licence-ledger', () => {
  it('is the bin of the checkout: an executable committed file that runs the built CLI', () => {
    const root = JSON.parse(readFileSync(join(REPO_ROOT, 'package.json'), 'utf8')) as {
      name: string;
      bin: Record<string, string>;
    };
    expect(root.name).toBe('licence-ledger');
    const bin = join(REPO_ROOT, root.bin['licence-ledger']!);
    expect(statSync(bin).mode & 0o111).toBe(0o111);
    const gateway = JSON.parse(readFileSync(join(REPO_ROOT, 'gateway', 'package.json'), 'utf8')) as {
      bin: Record<string, string>;
    };
    expect(join(REPO_ROOT, 'gateway', gateway.bin['licence-ledger']!)).toBe(bin);
  });

  it.each([
    ['in the checkout', REPO_ROOT, ['licence-ledger']],
    ['outside it, with --prefix', tmpdir(), ['--prefix', REPO_ROOT, 'licence-ledger']],
  ])(
    'runs %s, offline (nothing comes from a registry)',
    (_where, cwd, npx) => {
      const res = spawnSync('npx', ['--offline', ...npx, 'verify', '--help'], { cwd, encoding: 'utf8' });
      // The checkout's bin answers: the CLI's help, or, before `npm run build` (jest runs the
      // sources, so dist may be missing or older), the bin's own request to build first.
      if (res.status === 0) expect(res.stdout).toContain('usage: npx licence-ledger verify');
      else {
        expect(res.stderr).toMatch(
          /^licence-ledger (is not built yet|was built from older sources): run `npm run build`/,
        );
        expect(res.status).toBe(2);
      }
    },
    30_000,
  );

  it('is written with --prefix outside the checkout, where a bare npx would ask the registry', () => {
    expect(cliCommand('/srv/ledger', '/srv/ledger')).toBe('npx licence-ledger');
    expect(cliCommand('/srv/ledger', '/srv/ledger/gateway/src')).toBe('npx licence-ledger');
    expect(cliCommand('/srv/ledger', '/srv/ledger-2')).toBe('npx --prefix /srv/ledger licence-ledger');
    expect(cliCommand('/srv/my ledger', '/tmp')).toBe('npx --prefix "/srv/my ledger" licence-ledger');
  });
});

describe('next commands', () => {
  it('quote each value as one shell word', () => {
    for (const [text, quoted] of [
      ['gd-issuer', 'gd-issuer'],
      ['醉酒驾驶', '醉酒驾驶'],
      [
        '1.2.156.3005.2.JDCJSZ.11440000MB2C93756J.2026000001.001.V',
        '1.2.156.3005.2.JDCJSZ.11440000MB2C93756J.2026000001.001.V',
      ],
      ['交通违法处理 traffic check', '"交通违法处理 traffic check"'],
      ['<licence id>', '"<licence id>"'],
      ["it's $HOME", `'it'\\''s $HOME'`],
    ]) {
      expect(shellQuote(text!)).toBe(quoted);
      const words = spawnSync('/bin/sh', ['-c', `printf '%s\\0' ${shellQuote(text!)}`], { encoding: 'utf8' });
      expect(words.stdout).toBe(`${text}\0`);
    }
  });

  it('default a licence to ten years: the same day, or 28 February for 29 February', () => {
    expect(tenYearsAfter('2024-01-01')).toBe('2034-01-01');
    expect(tenYearsAfter('2024-02-29')).toBe('2034-02-28');
    expect(tenYearsAfter('2028-02-29')).toBe('2038-02-28');
    expect(tenYearsAfter('2030-12-31')).toBe('2040-12-31');
  });
});
