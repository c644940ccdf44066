/**
 * Makes the benchmarks run on the workspace's TypeScript sources, as jest does, so no prior build
 * (and no stale dist/) is involved. Import this module before anything from the workspace.
 *
 * Two hooks on Node's CommonJS loader:
 * - `@licence-ledger/<pkg>` resolves to the package's src/ (tsx then compiles it);
 * - the chaincode's sources are compiled with TypeScript itself, not tsx's esbuild, because
 *   fabric-contract-api reads parameter types from `emitDecoratorMetadata` output, which esbuild
 *   does not produce (without it every transaction would refuse its arguments).
 */
import Module from 'node:module';
import { join, resolve, sep } from 'node:path';
import { readFileSync } from 'node:fs';
import ts from 'typescript';

/** The repository root (bench/ lives directly under it). */
export const REPO_ROOT = resolve(__dirname, '..', '..');

const PACKAGES: Record<string, string> = {
  '@licence-ledger/domain': 'packages/licence-domain/src/index.ts',
  '@licence-ledger/embedded-ledger': 'packages/embedded-ledger/src/index.ts',
  '@licence-ledger/chaincode': 'chaincode/src/index.ts',
  '@licence-ledger/crypto-config': 'crypto-config/src/index.ts',
  '@licence-ledger/test': 'test/src/index.ts',
};

interface LoaderInternals {
  _resolveFilename(request: string, parent: unknown, ...rest: unknown[]): string;
  _extensions: Record<string, (module: { _compile(code: string, file: string): void }, file: string) => void>;
}

// A benchmark counts as failed until runMain records its success: fabric-contract-api installs an
// uncaughtException handler that only logs, so a failure while loading would otherwise exit 0.
process.exitCode = 1;

const loader = Module as unknown as LoaderInternals;
const installed = Symbol.for('licence-ledger.bench.sources');
const registry = globalThis as unknown as Record<symbol, boolean>;

if (registry[installed] !== true) {
  registry[installed] = true;
  const resolveFilename = loader._resolveFilename.bind(loader);
  loader._resolveFilename = (request, parent, ...rest) => {
    const mapped = PACKAGES[request];
    return resolveFilename(mapped === undefined ? request : join(REPO_ROOT, mapped), parent, ...rest);
  };

  const chaincodeSrc = join(REPO_ROOT, 'chaincode', 'src') + sep;
  const compilerOptions: ts.CompilerOptions = {
    target: ts.ScriptTarget.ES2022,
    module: ts.ModuleKind.CommonJS,
    esModuleInterop: true,
    experimentalDecorators: true,
    emitDecoratorMetadata: true,
    isolatedModules: true,
    sourceMap: false,
  };
  const previous = loader._extensions['.ts'];
  if (previous === undefined) throw new Error('run the benchmarks with tsx (npx tsx bench/<file>.ts)');
  loader._extensions['.ts'] = (module, file) => {
    if (!file.startsWith(chaincodeSrc)) {
      previous(module, file);
      return;
    }
    const out = ts.transpileModule(readFileSync(file, 'utf8'), { compilerOptions, fileName: file });
    module._compile(out.outputText, file);
  };
}
