#!/usr/bin/env bash
# `make bench`: runs every benchmark (bench/*/run.sh) in turn. Each prints
# its figures; bench/README.md records them with the commands. Pass names
# to run only some: bash bench/run.sh foundation linkage
set -euo pipefail
cd "$(dirname "$0")"
names=("$@")
if [ ${#names[@]} -eq 0 ]; then
  for script in */run.sh; do names+=("$(dirname "$script")"); done
fi
for name in "${names[@]}"; do
  echo "=== bench/$name"
  bash "$name/run.sh"
done
