#!/usr/bin/env node
/** Command line: generate the network's PKI material from config/network.yaml into out/. */
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { LicenceError } from '@licence-ledger/domain';
import { loadPkiConfig } from './config';
import { ensureNetworkMaterial, inspectOutput } from './generate';
import { manifestFiles } from './manifest';

/** The package folder, whether running from src/ (tsx) or dist/ (compiled). */
const PACKAGE_DIR = resolve(__dirname, '..');

const USAGE = `Usage: ll-crypto-config [options]

Generates MSP, TLS and agency signing material for every organisation in the configuration,
plus manifest.json listing every file. Existing complete output is kept unless --force.

Options:
  --config <file>  PKI configuration (default: config/network.yaml in the package)
  --out <dir>      output directory (default: out/ in the package)
  --force          regenerate even when complete output exists (replaces every key)
  --check          only report whether the output is complete; exit 1 when it is not
  -h, --help       show this help
`;

/** Exit codes: 0 done, 1 failed or check negative, 2 usage error. */
interface Io {
  readonly out: (text: string) => void;
  readonly err: (text: string) => void;
}

/** Runs the CLI with the given arguments; returns the process exit code. */
export async function runCli(argv: readonly string[], io: Io): Promise<number> {
  let values: { config?: string; out?: string; force?: boolean; check?: boolean; help?: boolean };
  try {
    ({ values } = parseArgs({
      args: [...argv],
      options: {
        config: { type: 'string' },
        out: { type: 'string' },
        force: { type: 'boolean' },
        check: { type: 'boolean' },
        help: { type: 'boolean', short: 'h' },
      },
      strict: true,
      allowPositionals: false,
    }));
  } catch (err) {
    io.err(`${err instanceof Error ? err.message : String(err)}\n\n${USAGE}`);
    return 2;
  }
  if (values.help === true) {
    io.out(USAGE);
    return 0;
  }
  const configPath = resolve(values.config ?? resolve(PACKAGE_DIR, 'config', 'network.yaml'));
  const outDir = resolve(values.out ?? resolve(PACKAGE_DIR, 'out'));
  try {
    const config = loadPkiConfig(configPath);
    if (values.check === true) {
      const state = inspectOutput(config, outDir);
      io.err(`output is ${state.state}\n`);
      return state.state === 'complete' ? 0 : 1;
    }
    const result = await ensureNetworkMaterial(config, outDir, {
      force: values.force === true,
      onProgress: (msg) => io.err(`crypto-config: ${msg}\n`),
    });
    const files = manifestFiles(result.layout.manifest).length;
    io.err(
      result.status === 'kept'
        ? `crypto-config: complete output already present (${files} files), kept; use --force to regenerate\n`
        : `crypto-config: generated ${files} files\n`,
    );
    io.out(`${result.layout.manifestPath}\n`);
    return 0;
  } catch (err) {
    if (err instanceof LicenceError) {
      const hint = err.code === 'CONFLICT' ? ' (use --force to regenerate)' : '';
      io.err(`crypto-config: ${err.code}: ${err.message}${hint}\n`);
      return 1;
    }
    throw err;
  }
}

if (require.main === module) {
  runCli(process.argv.slice(2), {
    out: (t) => process.stdout.write(t),
    err: (t) => process.stderr.write(t),
  }).then(
    (code) => {
      process.exitCode = code;
    },
    (err: unknown) => {
      process.stderr.write(
        `crypto-config: unexpected failure: ${err instanceof Error ? err.message : String(err)}\n`,
      );
      process.exitCode = 1;
    },
  );
}
