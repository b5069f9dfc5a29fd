#!/usr/bin/env bash
# Security figures (issue 3): a hidden record against a missing one, the
# cost of secret records in sorted lists, the cost of sealing on writes.
#   bash bench/security/run.sh            # 2,000 events, 2,000 rounds
#   RECORDS=20000 ROUNDS=5000 bash bench/security/run.sh
set -euo pipefail
cd "$(dirname "$0")/../.."
BUILD=${BUILD:-build}
"$BUILD/bench/security_timing" --records "${RECORDS:-2000}" --rounds "${ROUNDS:-2000}"
