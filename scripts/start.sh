#!/usr/bin/env bash
# `pnpm start`: build the dashboard and what it uses, then serve it (gateway + UI) on $PORT (3000).
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/env.sh
pnpm exec turbo run build --filter=@hookgate/dashboard... --filter=@hookgate/cli... --output-logs=errors-only
exec pnpm --filter @hookgate/dashboard start
