#!/usr/bin/env node
/**
 * The `licence-ledger` command: `npx licence-ledger ...` in the checkout (the root package and the
 * gateway name this file as their bin). It is committed executable, which tsc's output is not, and
 * says what to do when the CLI has not been built, or was built from older sources.
 */
'use strict';
const { existsSync } = require('node:fs');
const { join } = require('node:path');

const built = join(__dirname, '..', 'dist', 'cli.js');
/** @type {{ main?: (argv: readonly string[]) => void } | undefined} */
const cli = existsSync(built) ? require(built) : undefined;
if (typeof cli?.main === 'function') {
  cli.main(process.argv.slice(2));
} else {
  const state = cli === undefined ? 'is not built yet' : 'was built from older sources';
  process.stderr.write(`licence-ledger ${state}: run \`npm run build\` (\`npm start\` builds it too)\n`);
  process.exitCode = 2;
}
