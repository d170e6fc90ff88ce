#!/usr/bin/env bash
# Installs what `npm install` needs on Debian/Ubuntu to build the native modules when no prebuilt binary can
# be downloaded (keytar compiles against libsecret), as root; otherwise prints the command to run.
# The packages the tests themselves use are installed by `npm test` (test/support/system-packages.ts).
set -euo pipefail
PACKAGES=(libsecret-1-dev python3 make g++ pkg-config)
missing=()
for p in "${PACKAGES[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
done
[ ${#missing[@]} -eq 0 ] && exit 0
cmd="apt-get install -y --no-install-recommends ${missing[*]}"
if [ "$(id -u)" != 0 ]; then
  echo "Missing build packages: ${missing[*]}" >&2
  echo "Install them with: sudo apt-get update && sudo $cmd" >&2
  exit 1
fi
echo "Installing build packages: ${missing[*]}"
apt-get update -qq
DEBIAN_FRONTEND=noninteractive $cmd
