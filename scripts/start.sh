#!/usr/bin/env bash
# start.sh - build Postern and start a development instance.
# The mail path (master and the daemons) is not built yet; for now this
# builds everything into build/bin/ and says so.
set -euo pipefail
cd "$(dirname "$0")/.."
./scripts/deps.sh
cmake -S . -B build -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
cmake --build build -j"$(nproc 2>/dev/null || echo 2)"
echo "start.sh: built into build/bin/; the master and mail daemons are not implemented yet, so no instance was started."
