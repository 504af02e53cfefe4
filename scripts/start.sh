#!/usr/bin/env bash
# `pnpm start`: build the dashboard and what it uses, then serve it (gateway + UI) on $PORT (3000)
# with the embedded SQLite store in ./data (secrets generated there on first start).
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/env.sh
export HOOKGATE_DATA_DIR="${HOOKGATE_DATA_DIR:-$PWD/data}"
export HOOKGATE_STORE="${HOOKGATE_STORE:-sqlite:$HOOKGATE_DATA_DIR/hookgate.db}"
pnpm exec turbo run build --filter=@hookgate/dashboard... --filter=@hookgate/cli... --output-logs=errors-only
exec pnpm --filter @hookgate/dashboard start
