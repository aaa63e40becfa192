#!/usr/bin/env bash
# stop.sh - stop the development instance that scripts/start.sh started
# (./run/ in this checkout). Says so and exits 0 when it is not running;
# exit 1 when "postern stop" fails.
set -euo pipefail
cd "$(dirname "$0")/.."
conf="$(pwd)/run/conf"
postern="$(pwd)/build/bin/postern"

if [ ! -f "$conf/main.cf" ] || [ ! -x "$postern" ]; then
  echo "stop.sh: no development instance here (run ./scripts/start.sh first)"
  exit 0
fi
if ! MAIL_CONFIG="$conf" "$postern" -c "$conf" status >/dev/null 2>&1; then
  echo "stop.sh: the development instance is not running"
  exit 0
fi
MAIL_CONFIG="$conf" "$postern" -c "$conf" stop
