import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runCli } from './cli';
import { manifestFiles, readManifest } from './manifest';

const SMALL = join(__dirname, '__fixtures__', 'small-network.yaml');
// A test that generates writes a small network's crypto material (P-256 keys and certificates) up to
// twice: about 1 s on an idle machine, more than jest's default 5 s on a third of one core.
jest.setTimeout(60_000);
let dir: string;

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'll-crypto-cli-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

async function run(...args: string[]): Promise<{ code: number; out: string; err: string }> {
  let out = '';
  let err = '';
  const code = await runCli(args, { out: (t) => (out += t), err: (t) => (err += t) });
  return { code, out, err };
}

describe('cli', () => {
  it('prints usage for --help and documents every option', async () => {
    const r = await run('--help');
    expect(r.code).toBe(0);
    for (const flag of ['--config', '--out', '--force', '--check']) expect(r.out).toContain(flag);
  });

  it('exits 2 on an unknown option', async () => {
    expect((await run('--bogus')).code).toBe(2);
  });

  it('generates, then keeps complete output, then regenerates with --force', async () => {
    const out = join(dir, 'out');
    const first = await run('--config', SMALL, '--out', out);
    expect(first.code).toBe(0);
    expect(first.out.trim()).toBe(join(out, 'manifest.json'));
    expect(first.err.split('\n').filter((l) => l.startsWith('crypto-config:')).length).toBeGreaterThan(3);
    const manifest = readManifest(out)!;
    for (const f of manifestFiles(manifest)) expect(existsSync(join(out, f))).toBe(true);
    const caKey = readFileSync(join(out, manifest.organisations[1]!.ca.key), 'utf8');

    expect((await run('--config', SMALL, '--out', out)).code).toBe(0);
    expect(readManifest(out)!.generatedAt).toBe(manifest.generatedAt);
    expect(readFileSync(join(out, manifest.organisations[1]!.ca.key), 'utf8')).toBe(caKey);
    expect((await run('--config', SMALL, '--out', out, '--check')).code).toBe(0);

    expect((await run('--config', SMALL, '--out', out, '--force')).code).toBe(0);
    expect(readFileSync(join(out, manifest.organisations[1]!.ca.key), 'utf8')).not.toBe(caKey);
  });

  it('exits 1 for --check on empty output and for an invalid configuration', async () => {
    expect((await run('--config', SMALL, '--out', join(dir, 'none'), '--check')).code).toBe(1);
    const bad = await run('--config', join(dir, 'missing.yaml'), '--out', join(dir, 'x'));
    expect(bad.code).toBe(1);
    expect(bad.err).toContain('NOT_FOUND');
    expect(existsSync(join(dir, 'x'))).toBe(false);
  });
});
