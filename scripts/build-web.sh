#!/usr/bin/env bash
# Builds the browser application (web/) into web/dist, which the C++ build
# embeds in the kuzot binary. Installs the npm packages from the lock file.
set -euo pipefail
cd "$(dirname "$0")/.."
[ -f web/package.json ] || exit 0
cd web
# Reinstall only when the lock file changed since the last install.
if [ ! -f node_modules/.package-lock.json ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  npm ci --no-audit --no-fund
fi
npm run build
