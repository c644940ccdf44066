#!/usr/bin/env bash
# Builds the pinned Hyperledger Fabric binaries from the Go module proxy into a cache outside the
# checkout, so a fresh clone on the same machine reuses them. Fabric's module path has no /v3 suffix,
# so the release is pinned by commit, not by tag.
set -euo pipefail

FABRIC_VERSION="${FABRIC_VERSION:-3.1.5}"
FABRIC_COMMIT="${FABRIC_COMMIT:-86c1172bec37e6590c6b1ae6f847833df48d65fc}"
CACHE_ROOT="${LL_CACHE_DIR:-${XDG_CACHE_HOME:-$HOME/.cache}/licence-ledger}"
FABRIC_HOME="${LL_FABRIC_HOME:-$CACHE_ROOT/fabric-$FABRIC_VERSION-${FABRIC_COMMIT:0:12}}"

log() { printf '[install-fabric] %s\n' "$*" >&2; }

if [[ "${1:-}" == "--help" || "${1:-}" == "-h" ]]; then
  cat <<USAGE
Usage: install-fabric.sh [--print-home]
Builds peer, orderer, configtxgen, osnadmin, configtxlator and the chaincode-as-a-service
builder of Fabric $FABRIC_VERSION (commit $FABRIC_COMMIT) with 'go install'.
Output: $FABRIC_HOME (override with LL_FABRIC_HOME or LL_CACHE_DIR).
A second run finds the binaries there and returns at once.
USAGE
  exit 0
fi
if [[ "${1:-}" == "--print-home" ]]; then echo "$FABRIC_HOME"; exit 0; fi

BINS=(peer orderer configtxgen osnadmin configtxlator)
CCAAS=(build detect release)

complete=1
for b in "${BINS[@]}"; do [[ -x "$FABRIC_HOME/bin/$b" ]] || complete=0; done
for b in "${CCAAS[@]}"; do [[ -x "$FABRIC_HOME/builders/ccaas/bin/$b" ]] || complete=0; done
[[ -f "$FABRIC_HOME/config/core.yaml" && -f "$FABRIC_HOME/config/orderer.yaml" ]] || complete=0
if [[ $complete == 1 ]]; then
  log "Fabric $FABRIC_VERSION already built in $FABRIC_HOME"
  echo "$FABRIC_HOME"
  exit 0
fi

if ! command -v go >/dev/null 2>&1; then
  log "ERROR: the Go toolchain is not on PATH. Fabric $FABRIC_VERSION is built from source with 'go install'"
  log "       and needs Go 1.26.4 or newer (see https://go.dev/doc/install), then rerun this script."
  exit 1
fi

export GOWORK=off CGO_ENABLED=0 GOFLAGS="${GOFLAGS:-} -buildvcs=false"

# Ask the module proxy for the pinned version before building, so a registry that refuses it gives one
# clear message (exit 3) instead of a wall of go errors.
probe_dir=$(mktemp -d); trap 'rm -rf "$probe_dir"' EXIT
if ! probe=$(cd "$probe_dir" && go mod download -json "github.com/hyperledger/fabric@$FABRIC_COMMIT" 2>&1); then
  log "ERROR: the Go module proxy ($(go env GOPROXY)) does not serve github.com/hyperledger/fabric@$FABRIC_COMMIT:"
  printf '%s\n' "$probe" | grep -E '"Error"|403|404|410|not available|not permitted' | head -3 | sed 's/^/[install-fabric]   /' >&2
  log "Fabric $FABRIC_VERSION cannot be built on this machine; point GOPROXY at a proxy that serves it and rerun."
  exit 3
fi
mkdir -p "$FABRIC_HOME/bin" "$FABRIC_HOME/builders/ccaas/bin" "$FABRIC_HOME/config"
start=$(date +%s)
ldflags="-X github.com/hyperledger/fabric/common/metadata.Version=$FABRIC_VERSION -X github.com/hyperledger/fabric/common/metadata.CommitSHA=${FABRIC_COMMIT:0:7}"
pkgs=()
for b in "${BINS[@]}"; do pkgs+=("github.com/hyperledger/fabric/cmd/$b@$FABRIC_COMMIT"); done
log "building ${BINS[*]} (first build takes several minutes on 2 cores; progress below)"
GOBIN="$FABRIC_HOME/bin" go install -x -ldflags "$ldflags" "${pkgs[@]}" 2>&1 \
  | awk '/^# get|^go: downloading/ {d++; if (d % 20 == 0) printf "[install-fabric]   downloaded %d modules\n", d > "/dev/stderr"}
         /^mkdir -p \$WORK\/b[0-9]+\/$/ {c++; if (c % 100 == 0) printf "[install-fabric]   compiled %d packages\n", c > "/dev/stderr"}
         /^(go: |.*\.go:[0-9]+)/ && !/downloading/ {print > "/dev/stderr"}'
for b in "${BINS[@]}"; do [[ -x "$FABRIC_HOME/bin/$b" ]] || { log "ERROR: $b was not built"; exit 1; }; done

log "building the chaincode-as-a-service builder"
ccpkgs=()
for b in "${CCAAS[@]}"; do ccpkgs+=("github.com/hyperledger/fabric/ccaas_builder/cmd/$b@$FABRIC_COMMIT"); done
GOBIN="$FABRIC_HOME/builders/ccaas/bin" go install "${ccpkgs[@]}"

log "copying the sample configuration (core.yaml, orderer.yaml) of the same commit"
src=$(go mod download -json "github.com/hyperledger/fabric@$FABRIC_COMMIT" | sed -n 's/^[[:space:]]*"Dir": "\(.*\)",$/\1/p')
cp "$src/sampleconfig/core.yaml" "$src/sampleconfig/orderer.yaml" "$FABRIC_HOME/config/"
chmod -R u+w "$FABRIC_HOME/config"

log "done in $(( $(date +%s) - start ))s: $FABRIC_HOME"
echo "$FABRIC_HOME"
