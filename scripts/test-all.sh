#!/usr/bin/env bash
# The whole suite: lint, format, types, every jest project, with a real PostgreSQL server (installed from
# Debian's packages and started here) and a real three-province Fabric network (built from Fabric's source or
# taken from FABRIC_BIN, see network/scripts/install-fabric.sh) for the real-Fabric suites.
# Prints one closing line: "tests: N passed, N failed, N skipped".
set -uo pipefail
cd "$(dirname "$0")/.."

step() { printf '\n== %s\n' "$*"; }
status=0
results_dir=$(mktemp -d)
cleanup() {
  if [[ -n "${started_fabric:-}" ]]; then
    # Keep the logs of a failed run for whoever reads the output; the ledgers go either way.
    LL_NETWORK_DIR="$fabric_dir" node network/dist/cli.js down >/dev/null 2>&1 || true
    if [[ $status != 0 ]]; then cp -r "$fabric_dir/logs" network/.test-logs 2>/dev/null || true; fi
  fi
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

step "Fabric: binaries, then a three-province network for the real-network suites"
# The suites' network gets its own run folder and ports, so it never meets a developer's network
# (network/.run, base port 7050) or the demo; it is taken down when this script exits.
fabric_dir="$results_dir/fabric"
if fabric_home=$(bash network/scripts/install-fabric.sh); then
  echo "Fabric: $fabric_home"
  if LL_NETWORK_DIR="$fabric_dir" NETWORK_BASE_PORT="${TEST_NETWORK_BASE_PORT:-27050}" \
    node network/dist/cli.js up; then
    started_fabric=1
    export TEST_FABRIC_NETWORK="$fabric_dir"
  else
    echo "ERROR: the Fabric network did not come up; its logs are in $fabric_dir/logs:" >&2
    tail -n 5 "$fabric_dir"/logs/*.log >&2 || true
    status=1
  fi
else
  rc=$?
  if [[ $rc == 3 && "${CI:-}" != "true" ]]; then
    echo "WARNING: no way to get Fabric here (see above): the real-Fabric suites will show as skipped tests." >&2
  else
    echo "ERROR: Fabric could not be installed (exit $rc)" >&2
    status=1
  fi
fi

step "jest: every project"
# PGlite (the embedded Postgres) loads its WebAssembly build through dynamic import(), which jest's VM
# sandbox only allows with this flag.
NODE_OPTIONS="--experimental-vm-modules ${NODE_OPTIONS:-}" npx jest --ci --json --outputFile="$results_dir/jest.json" "$@" || status=1

step "jest: fault tests on the real Fabric network, one at a time (they kill and restart its nodes)"
FABRIC_FAULTS=1 NODE_OPTIONS="--experimental-vm-modules ${NODE_OPTIONS:-}" \
  npx jest --ci --runInBand --passWithNoTests --json --outputFile="$results_dir/faults.json" "$@" || status=1

if [[ -f "$results_dir/jest.json" ]]; then
  node -e '
    const runs = process.argv.slice(1).filter((f) => require("node:fs").existsSync(f)).map((f) => require(f));
    const sum = (k) => runs.reduce((n, r) => n + r[k], 0);
    console.log(`\ntests: ${sum("numPassedTests")} passed, ${sum("numFailedTests")} failed, ${sum("numPendingTests") + sum("numTodoTests")} skipped`);
    if (sum("numTotalTests") === 0) process.exit(1);
  ' "$results_dir/jest.json" "$results_dir/faults.json" || status=1
fi
if [[ $status != 0 ]]; then echo "FAILED: see the errors above" >&2; else echo "all checks passed"; fi
exit $status
