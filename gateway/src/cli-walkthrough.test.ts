/**
 * The README's walk-through through the CLI against the demo's three gateways (embedded ledger, random
 * ports, the demo's ready-made tokens): the README's first command, then at every step the `next:`
 * command the previous step printed, read by a POSIX shell exactly as a user would paste it.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { EXIT, runCli } from './cli';
import { writeDemoTokens } from './demo/run';
import { startTestCluster } from './routes/test-support';
import type { TestCluster } from './routes/test-support';

jest.setTimeout(120_000);

const REPO_ROOT = resolve(__dirname, '..', '..');

/** Runs the CLI and collects its output. */
async function cli(args: readonly string[]): Promise<{ code: number; out: string; err: string }> {
  const out: string[] = [];
  const err: string[] = [];
  const code = await runCli(
    args,
    (l) => out.push(l),
    (l) => err.push(l),
  );
  return { code, out: out.join('\n'), err: err.join('\n') };
}

/**
 * The arguments a POSIX shell passes to `npx licence-ledger` for `line` (an `npx` function stands in
 * for npx, so the shell's own quoting rules decide what each word is).
 */
function shellArgs(line: string): string[] {
  expect(line).toMatch(/^npx licence-ledger /);
  const printed = execFileSync('/bin/sh', ['-c', `npx() { shift; printf '%s\\0' "$@"; }\n${line}`], {
    encoding: 'utf8',
  });
  return printed.split('\0').slice(0, -1);
}

/** The command printed after `next…:` (the last such line), as the arguments a shell would pass. */
function nextCommand(out: string): string[] {
  const lines = out.split('\n').filter((l) => /^next\b[^:]*: /.test(l));
  const line = lines.at(-1);
  if (line === undefined) throw new Error(`no next command in:\n${out}`);
  return shellArgs(line.slice(line.indexOf('npx licence-ledger ')));
}

/** The README walk-through's command lines (the sh block after "## A walk-through"). */
function readmeCommands(): string[] {
  const readme = readFileSync(join(REPO_ROOT, 'README.md'), 'utf8');
  const section = readme.slice(readme.indexOf('## A walk-through'));
  const block = /```sh\n([\s\S]*?)```/.exec(section)?.[1] ?? '';
  return block.split('\n').filter((l) => l.startsWith('npx licence-ledger '));
}

describe('the CLI walk-through on the demo', () => {
  let t: TestCluster;
  let dataDir: string;

  beforeAll(async () => {
    t = await startTestCluster({ serve: { host: '127.0.0.1' } });
    dataDir = t.dir;
    const sources = new Map(
      [...t.cluster.provinces].map(([msp, p]) => [
        msp,
        { idp: p.idp, holderSecret: p.runtime.services.ctx.holderSecret },
      ]),
    );
    const urls = Object.fromEntries([...t.cluster.provinces].map(([msp, p]) => [msp, p.url ?? '']));
    await writeDemoTokens(dataDir, sources, urls);
  });

  afterAll(async () => {
    await t?.close();
  });

  it('runs the README walk-through, each step from the command the previous one printed', async () => {
    const readme = readmeCommands();
    // (Placeholders such as <licence id> are for the reader: only a filled-in line goes to the shell.)
    expect(readme.map((l) => l.split(' ')[2])).toEqual([
      'issue',
      'present',
      'verify',
      'revoke',
      'present',
      'verify',
    ]);
    const withData = (args: string[]) => [...args, '--data-dir', dataDir];

    const issued = await cli(withData(shellArgs(readme[0]!)));
    expect(issued).toMatchObject({ code: EXIT.ok, err: '' });
    const id = /^issued (\S+)$/m.exec(issued.out)?.[1] ?? '';
    expect(id).toMatch(/\.JDCJSZ\./);
    expect(issued.out).toContain(' (ten years, the default)');

    // The README's present line, with the licence id filled in, is the line issue printed.
    const present = nextCommand(issued.out);
    expect(present).toEqual(withData(shellArgs(readme[1]!.replace('<licence id>', id))));
    const presented = await cli(present);
    expect(presented).toMatchObject({ code: EXIT.ok, err: '' });
    const token = presented.out.split('\n')[0]!;
    expect(token.split('.')).toHaveLength(3);
    const png = join(dataDir, 'qr.png');
    expect(presented.out).toContain(`QR code: `);
    expect(existsSync(png)).toBe(true);
    expect(existsSync(join(process.cwd(), 'qr.png'))).toBe(false);

    // verify: the whole token was printed, so the command runs as printed; VALID exits 0.
    const verify = nextCommand(presented.out);
    expect(verify).toContain(token);
    const valid = await cli(verify);
    expect(valid.code).toBe(EXIT.ok);
    expect(valid.out).toMatch(/^VALID\n/);

    const revoke = nextCommand(valid.out);
    expect(revoke.slice(0, 3)).toEqual(['revoke', '--as', 'gd-issuer']);
    const revoked = await cli(revoke);
    expect(revoked).toMatchObject({ code: EXIT.ok, err: '' });

    const again = await cli(nextCommand(revoked.out));
    expect(again.code).toBe(EXIT.ok);
    const refused = await cli(nextCommand(again.out));
    expect(refused.out).toMatch(/^REVOKED — DRUNK_DRIVING: 醉酒驾驶\n/);
    expect(refused.code).toBe(EXIT.notValid);

    // The walk-through starts again with a new licence.
    const restart = await cli(nextCommand(refused.out));
    expect(restart.code).toBe(EXIT.ok);
    expect(restart.out).toMatch(/^issued /);
  });

  it('exits 1 for a verdict other than VALID (a replayed token), 3 when the gateway refuses the request', async () => {
    const issued = await cli([
      'issue',
      '--as',
      'gd-issuer',
      '--data-dir',
      dataDir,
      ...['name=李四', 'idNo=44010619900307108X', 'class=C1', 'firstIssued=2015-01-01'].flatMap((f) => [
        '--field',
        f,
      ]),
    ]);
    const presented = await cli(nextCommand(issued.out));
    const verify = nextCommand(presented.out);
    expect((await cli(verify)).code).toBe(EXIT.ok);
    const replayed = await cli(verify);
    expect(replayed.out).toMatch(/^REPLAYED/);
    expect(replayed.code).toBe(EXIT.notValid);

    const missing = await cli([
      'revoke',
      '--as',
      'gd-issuer',
      '--data-dir',
      dataDir,
      '--licence',
      '1.2.156.3005.2.JDCJSZ.11440000MB2C93756J.2026000001.001.X',
      '--reason-code',
      'X',
    ]);
    expect(missing.code).toBe(EXIT.failed);
    expect(missing.err).toMatch(/^error [A-Z_]+: /);
  });

  it('names the ready-made tokens when --as names none', async () => {
    const res = await cli([
      'verify',
      '--as',
      'gd-isuer',
      '--data-dir',
      dataDir,
      '--presentation',
      'x',
      '--purpose',
      'check',
    ]);
    expect(res.code).toBe(EXIT.usage);
    expect(res.err).toContain("no ready-made token 'gd-isuer'");
    for (const name of ['gd-issuer', 'gd-holder', 'zj-verifier', 'bj-admin']) expect(res.err).toContain(name);
    expect(res.err).not.toContain('start the demo');
  });

  it('issues with no end date only when asked, and says so', async () => {
    const args = ['issue', '--as', 'gd-issuer', '--data-dir', dataDir, '--valid-from', '2024-02-29'];
    const fields = ['name=王五', 'idNo=11010519491231002X', 'class=C1', 'firstIssued=2015-01-01'].flatMap(
      (f) => ['--field', f],
    );
    const tenYears = await cli([...args, ...fields]);
    expect(tenYears.out).toContain('valid from 2024-02-29 until 2034-02-28 (ten years, the default)');
    const open = await cli([...args, '--valid-until', 'none', ...fields]);
    expect(open.out).toContain('valid from 2024-02-29 with no end date');
  });
});
