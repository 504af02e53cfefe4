// Preloaded (NODE_OPTIONS=--require) by scripts/test-node24.sh only. The workspace's native
// addons are compiled for the system Node (20); the Node 24 run loads copies compiled for its
// own ABI from node_modules/.cache/node24 instead, so both runs share one install and neither
// touches the other's binaries. Every native addon load goes through process.dlopen, whether it
// comes from require(), the `bindings` helper or a child process started by a test.
//
// HOOKGATE_ADDON_OVERRIDES: lines of `<original .node path>=<replacement .node path>`.
// HOOKGATE_ADDON_ABI: the process.versions.modules the replacements were built for; in any other
// Node the preload does nothing, so a stray system-Node child keeps its own binaries.
'use strict';
const fs = require('node:fs');

if (process.versions.modules === process.env.HOOKGATE_ADDON_ABI) {
  const overrides = new Map();
  for (const line of (process.env.HOOKGATE_ADDON_OVERRIDES || '').split('\n')) {
    const at = line.indexOf('=');
    if (at > 0) overrides.set(line.slice(0, at), line.slice(at + 1));
  }
  const dlopen = process.dlopen;
  process.dlopen = function redirectedDlopen(module, filename, ...rest) {
    let replacement = overrides.get(filename);
    if (replacement === undefined) {
      try {
        replacement = overrides.get(fs.realpathSync(filename));
      } catch {
        // not a file we know; load it as asked
      }
    }
    return dlopen.call(this, module, replacement ?? filename, ...rest);
  };
}
