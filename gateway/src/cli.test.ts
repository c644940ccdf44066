import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { decodeJwt, decodeProtectedHeader } from 'jose';
import { runCli } from './cli';

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
      expect(help.out).toContain(`usage: licence-ledger ${command}`);
    }
  });

  it('exits 2 for an unknown command or option', async () => {
    expect((await cli('nope')).code).toBe(2);
    expect((await cli('verify', '--nope')).code).toBe(2);
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
    expect(bad.code).toBe(1);
    expect(bad.err).toContain('INVALID_ARGUMENT');
  });

  it('says how to get a token when a client command has none', async () => {
    const res = await cli('verify', '--data-dir', dir, '--presentation', 'x', '--purpose', 'check');
    expect(res.code).toBe(1);
    expect(res.err).toContain('UNAUTHENTICATED');
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
    expect(as.err).toContain('NOT_FOUND');
  });
});
