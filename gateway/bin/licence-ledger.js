#!/usr/bin/env node
/**
 * The `licence-ledger` command: `npx licence-ledger ...` in the checkout (the root package and the
 * gateway name this file as their bin). It is committed executable, which tsc's output is not, and
 * says what to do when the CLI has not been built yet.
 */
'use strict';
const { existsSync } = require('node:fs');
const { join } = require('node:path');

const built = join(__dirname, '..', 'dist', 'cli.js');
if (existsSync(built)) {
  /** @type {{ main(argv: readonly string[]): void }} */
  const cli = require(built);
  cli.main(process.argv.slice(2));
} else {
  process.stderr.write('licence-ledger is not built yet: run `npm run build` (`npm start` builds it too)\n');
  process.exitCode = 2;
}
