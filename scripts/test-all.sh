#!/usr/bin/env bash
# The whole suite: lint, format, types, every jest project, with a real PostgreSQL server (installed from
# Debian's packages and started here) and, where the Fabric binaries can be built, the real Fabric suites.
# Prints one closing line: "tests: N passed, N failed, N skipped".
set -uo pipefail
cd "$(dirname "$0")/.."

step() { printf '\n== %s\n' "$*"; }
status=0
results_dir=$(mktemp -d)
cleanup() {
  if [[ -n "${started_pg:-}" ]]; then bash gateway/scripts/postgres.sh stop >/dev/null 2>&1 || true; fi
  rm -rf "$results_dir"
}
trap cleanup EXIT

step "static checks: TypeScript, ESLint, Prettier"
# The type check builds every workspace package first; ESLint's type-aware rules need their declarations.
npm run --silent typecheck || status=1
npm run --silent lint || status=1
npm run --silent format:check || status=1

step "PostgreSQL server for the storage and gateway suites"
if pg_out=$(bash gateway/scripts/postgres.sh start); then
  started_pg=1
  export TEST_DATABASE_URL
  TEST_DATABASE_URL=$(printf '%s\n' "$pg_out" | sed -n 's/^DATABASE_URL=//p' | tail -1)
  echo "PostgreSQL ready on ${TEST_DATABASE_URL##*@}"
else
  echo "ERROR: could not start PostgreSQL; the real-PostgreSQL suites cannot run" >&2
  status=1
fi

step "Chromium for the web-page tests"
if chromium=$(bash scripts/install-browser.sh); then
  export CHROMIUM_PATH="$chromium"
  echo "Chromium: $CHROMIUM_PATH"
else
  echo "ERROR: no Chromium; the web-page tests cannot run" >&2
  status=1
fi

step "Fabric binaries for the real-network suites"
if fabric_home=$(bash network/scripts/install-fabric.sh); then
  export LL_FABRIC_HOME="$fabric_home"
else
  rc=$?
  if [[ $rc == 3 ]]; then
    echo "SKIPPED: real Fabric network suites: the Go module proxy refuses github.com/hyperledger/fabric (see above)."
  else
    echo "ERROR: building Fabric failed (exit $rc)" >&2
    status=1
  fi
fi

step "jest: every project"
# PGlite (the embedded Postgres) loads its WebAssembly build through dynamic import(), which jest's VM
# sandbox only allows with this flag.
NODE_OPTIONS="--experimental-vm-modules ${NODE_OPTIONS:-}" npx jest --ci --json --outputFile="$results_dir/jest.json" "$@" || status=1

if [[ -f "$results_dir/jest.json" ]]; then
  node -e '
    const r = require(process.argv[1]);
    console.log(`\ntests: ${r.numPassedTests} passed, ${r.numFailedTests} failed, ${r.numPendingTests + r.numTodoTests} skipped`);
    if (r.numTotalTests === 0) process.exit(1);
  ' "$results_dir/jest.json" || status=1
fi
if [[ $status != 0 ]]; then echo "FAILED: see the errors above" >&2; else echo "all checks passed"; fi
exit $status
