#!/usr/bin/env bash
# Makes a headless Chromium available for the web-page tests (Debian's package; browsers that test tools
# download themselves cannot be fetched here). Prints the executable's path.
set -euo pipefail
log() { printf '[install-browser] %s\n' "$*" >&2; }

for candidate in "${CHROMIUM_PATH:-}" /usr/bin/chromium /usr/bin/chromium-browser; do
  if [[ -n "$candidate" && -x "$candidate" ]]; then echo "$candidate"; exit 0; fi
done

if [[ $(id -u) != 0 ]] && ! command -v sudo >/dev/null; then
  log "ERROR: Chromium is not installed and this user cannot install packages; install Debian's 'chromium' package."
  exit 1
fi
SUDO=""; [[ $(id -u) != 0 ]] && SUDO=sudo
log "installing Debian's chromium package (one time, about a minute)"
$SUDO env DEBIAN_FRONTEND=noninteractive apt-get update -qq >&2
$SUDO env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends chromium >&2
echo /usr/bin/chromium
