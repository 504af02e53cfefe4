#!/usr/bin/env bash
# `pnpm test`: everything CI runs — lint (Biome), build, the packed packages' checks (publint,
# attw, LICENSE), the public API reports (api/), typecheck, unit + integration tests of every package, the dashboard's
# end-to-end tests in Chromium, the package tests again on Node 24, then the bounded reliability
# suite.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/env.sh
bash scripts/ensure-chromium.sh
bash scripts/ensure-services.sh
pnpm run lint
pnpm exec turbo run build --output-logs=errors-only
pnpm run lint:packages
pnpm run api:check
pnpm exec turbo run typecheck --output-logs=errors-only
pnpm exec turbo run test --concurrency=1
bash scripts/test-node24.sh
pnpm run test:reliability
