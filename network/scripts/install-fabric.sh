#!/usr/bin/env bash
# Gets the pinned Hyperledger Fabric binaries (peer, orderer, configtxgen, osnadmin) and the sample
# configuration of the same release into a cache outside the checkout, and prints that folder on stdout.
# Progress goes to stderr. Four ways, tried in this order:
#   1. FABRIC_BIN     a folder of prebuilt binaries (Fabric's release archive, unpacked: its bin/ folder)
#   2. the cache      a build of the pinned version made earlier on this machine
#   3. FABRIC_SOURCE  Fabric's source archive (.tar.gz/.tar.xz, checked against the sha256 pinned below) or an
#                     unpacked source tree at the pinned tag, built offline with its vendored modules
#   4. go install     at the pinned commit from the Go module proxy
# Exit codes: 0 ready, 1 a way was given but failed, 3 no way available (the message names all three).
set -euo pipefail

FABRIC_VERSION=3.1.5
FABRIC_COMMIT=86c1172bec37e6590c6b1ae6f847833df48d65fc
# sha256 of hyperledger-fabric-v3.1.5-src.tar.xz (the v3.1.5 source tree with its vendor/ folder)
FABRIC_SOURCE_SHA256=461a1060d05707a8ca358aa6624611b858460d7fc2343d8effde9fb82622f529
BINS=(peer orderer configtxgen osnadmin)
CACHE_ROOT="${LL_CACHE_DIR:-${XDG_CACHE_HOME:-$HOME/.cache}/licence-ledger}"
FABRIC_HOME="${LL_FABRIC_HOME:-$CACHE_ROOT/fabric-$FABRIC_VERSION-${FABRIC_COMMIT:0:12}}"

log() { printf '[install-fabric] %s\n' "$*" >&2; }

usage() {
  cat <<USAGE
Usage: install-fabric.sh [--print-home | --help]

Makes Hyperledger Fabric $FABRIC_VERSION (commit ${FABRIC_COMMIT:0:12}) available to the network scripts and
prints the folder that holds bin/{${BINS[*]// /,}} and config/{core.yaml,orderer.yaml}.

Where the binaries come from, first match wins:
  FABRIC_BIN=DIR      prebuilt binaries, e.g. the bin/ folder of hyperledger-fabric-linux-amd64-$FABRIC_VERSION.tar.gz
                      from Fabric's release page (its config/ folder beside bin/ is used for the sample config)
  (cache)             $FABRIC_HOME
  FABRIC_SOURCE=PATH  Fabric's source at v$FABRIC_VERSION: the source archive from the release page (checked against
                      the pinned sha256) or an unpacked tree; built with its vendored modules, no network needed
  (go install)        github.com/hyperledger/fabric@${FABRIC_COMMIT:0:12} from the Go module proxy
The cache folder moves with LL_FABRIC_HOME or LL_CACHE_DIR. Nothing is written into the checkout.
USAGE
}

case "${1:-}" in
  -h | --help) usage; exit 0 ;;
  --print-home) echo "$FABRIC_HOME"; exit 0 ;;
  "") ;;
  *) log "unknown argument: $1"; usage >&2; exit 1 ;;
esac

# A binary is accepted only when it says it is the pinned version.
version_of() { "$1" version 2>/dev/null | sed -n 's/^ *Version: *//p' | head -1; }
check_bins() { # DIR -> 0 when every binary is there and reports the pinned version
  local dir=$1 b v
  for b in peer orderer; do
    [[ -x "$dir/$b" ]] || return 1
    v=$(version_of "$dir/$b")
    if [[ "$v" != "$FABRIC_VERSION" && "$v" != "v$FABRIC_VERSION" ]]; then
      log "$dir/$b reports version '${v:-?}', not $FABRIC_VERSION"
      return 1
    fi
  done
  for b in configtxgen osnadmin; do [[ -x "$dir/$b" ]] || return 1; done
}
complete_home() {
  check_bins "$FABRIC_HOME/bin" 2>/dev/null && [[ -f "$FABRIC_HOME/config/core.yaml" && -f "$FABRIC_HOME/config/orderer.yaml" ]]
}

# 1. FABRIC_BIN
if [[ -n "${FABRIC_BIN:-}" ]]; then
  log "[1/4] using prebuilt binaries from FABRIC_BIN=$FABRIC_BIN"
  if ! check_bins "$FABRIC_BIN"; then
    log "ERROR: FABRIC_BIN must hold ${BINS[*]} of Fabric $FABRIC_VERSION"
    exit 1
  fi
  cfg="${FABRIC_CONFIG:-$FABRIC_BIN/../config}"
  if [[ ! -f "$cfg/core.yaml" || ! -f "$cfg/orderer.yaml" ]]; then
    log "ERROR: no core.yaml and orderer.yaml in $cfg (the release archive's config/ folder); set FABRIC_CONFIG to it"
    exit 1
  fi
  mkdir -p "$FABRIC_HOME/bin" "$FABRIC_HOME/config"
  for b in "${BINS[@]}"; do ln -sf "$(cd "$FABRIC_BIN" && pwd)/$b" "$FABRIC_HOME/bin/$b"; done
  cp "$cfg/core.yaml" "$cfg/orderer.yaml" "$FABRIC_HOME/config/"
  chmod -R u+w "$FABRIC_HOME/config"
  log "ready: $FABRIC_HOME"
  echo "$FABRIC_HOME"
  exit 0
fi

# 2. the cache
if complete_home; then
  log "[2/4] Fabric $FABRIC_VERSION already built in $FABRIC_HOME"
  echo "$FABRIC_HOME"
  exit 0
fi

ldflags="-X github.com/hyperledger/fabric/common/metadata.Version=$FABRIC_VERSION"
ldflags+=" -X github.com/hyperledger/fabric/common/metadata.CommitSHA=${FABRIC_COMMIT:0:7}"
need_go() {
  if ! command -v go >/dev/null 2>&1; then
    log "ERROR: the Go toolchain is not on PATH; building Fabric $FABRIC_VERSION needs Go 1.26.4 or newer"
    exit 1
  fi
}
export GOWORK=off CGO_ENABLED=0

# 3. FABRIC_SOURCE
if [[ -n "${FABRIC_SOURCE:-}" ]]; then
  need_go
  log "[3/4] building from FABRIC_SOURCE=$FABRIC_SOURCE"
  work=$(mktemp -d)
  trap 'chmod -R u+w "$work" 2>/dev/null; rm -rf "$work"' EXIT
  if [[ -d "$FABRIC_SOURCE" ]]; then
    src=$(cd "$FABRIC_SOURCE" && pwd)
  elif [[ -f "$FABRIC_SOURCE" ]]; then
    log "checking the archive's sha256"
    got=$(sha256sum "$FABRIC_SOURCE" | cut -d' ' -f1)
    if [[ "$got" != "$FABRIC_SOURCE_SHA256" ]]; then
      log "ERROR: $FABRIC_SOURCE has sha256 $got; Fabric $FABRIC_VERSION's source archive has $FABRIC_SOURCE_SHA256"
      exit 1
    fi
    log "unpacking"
    tar -xf "$FABRIC_SOURCE" -C "$work"
    src=$(dirname "$(find "$work" -maxdepth 3 -name go.mod -path '*/fabric*/go.mod' -print -quit)")
  else
    log "ERROR: FABRIC_SOURCE=$FABRIC_SOURCE is neither a file nor a folder"
    exit 1
  fi
  if ! grep -q '^module github.com/hyperledger/fabric$' "$src/go.mod" 2>/dev/null; then
    log "ERROR: $src is not Fabric's source tree (no go.mod for github.com/hyperledger/fabric)"
    exit 1
  fi
  if [[ -f "$src/Makefile" ]] && ! grep -q "^FABRIC_VER ?= $FABRIC_VERSION\$" "$src/Makefile"; then
    log "ERROR: $src is not Fabric $FABRIC_VERSION (its Makefile says $(grep '^FABRIC_VER' "$src/Makefile"))"
    exit 1
  fi
  mode=(-mod=mod)
  [[ -d "$src/vendor" ]] && mode=(-mod=vendor)
  start=$(date +%s)
  mkdir -p "$FABRIC_HOME/bin" "$FABRIC_HOME/config"
  for b in "${BINS[@]}"; do
    log "  go build ./cmd/$b (the first binary takes about 2 minutes on 2 cores; the others reuse its work)"
    (cd "$src" && GOPROXY=off GOFLAGS="${mode[*]} -buildvcs=false" go build -trimpath -ldflags "$ldflags" -o "$FABRIC_HOME/bin/$b" "./cmd/$b")
    log "  built $b after $(($(date +%s) - start)) s"
  done
  cp "$src/sampleconfig/core.yaml" "$src/sampleconfig/orderer.yaml" "$FABRIC_HOME/config/"
  chmod -R u+w "$FABRIC_HOME/config"
  check_bins "$FABRIC_HOME/bin" || { log "ERROR: the built binaries do not report version $FABRIC_VERSION"; exit 1; }
  log "done in $(($(date +%s) - start)) s: $FABRIC_HOME"
  echo "$FABRIC_HOME"
  exit 0
fi

# 4. go install from the module proxy (Fabric's module path has no /v3 suffix, so the tag is named by its commit)
if command -v go >/dev/null 2>&1; then
  log "[4/4] asking the Go module proxy ($(go env GOPROXY)) for github.com/hyperledger/fabric@${FABRIC_COMMIT:0:12}"
  probe_dir=$(mktemp -d)
  trap 'rm -rf "$probe_dir"' EXIT
  if probe=$(cd "$probe_dir" && go mod download -json "github.com/hyperledger/fabric@$FABRIC_COMMIT" 2>&1); then
    start=$(date +%s)
    mkdir -p "$FABRIC_HOME/bin" "$FABRIC_HOME/config"
    pkgs=()
    for b in "${BINS[@]}"; do pkgs+=("github.com/hyperledger/fabric/cmd/$b@$FABRIC_COMMIT"); done
    log "  go install ${BINS[*]} (several minutes on 2 cores)"
    GOBIN="$FABRIC_HOME/bin" GOFLAGS="-buildvcs=false" go install -ldflags "$ldflags" "${pkgs[@]}"
    dir=$(printf '%s\n' "$probe" | sed -n 's/^[[:space:]]*"Dir": "\(.*\)",$/\1/p')
    cp "$dir/sampleconfig/core.yaml" "$dir/sampleconfig/orderer.yaml" "$FABRIC_HOME/config/"
    chmod -R u+w "$FABRIC_HOME/config"
    log "done in $(($(date +%s) - start)) s: $FABRIC_HOME"
    echo "$FABRIC_HOME"
    exit 0
  fi
  log "  the proxy does not serve it: $(printf '%s\n' "$probe" | grep -Eo '(403|404|410)[^"]*' | head -1)"
fi

log "ERROR: no way to get Fabric $FABRIC_VERSION on this machine. Give one of:"
log "  FABRIC_BIN=DIR      the bin/ folder of Fabric's release archive hyperledger-fabric-linux-amd64-$FABRIC_VERSION.tar.gz"
log "  FABRIC_SOURCE=PATH  Fabric's source archive v$FABRIC_VERSION.tar.gz (or .tar.xz with vendor/) from its release page"
log "  a Go module proxy that serves github.com/hyperledger/fabric@${FABRIC_COMMIT:0:12} (GOPROXY)"
exit 3
