// pnpm hooks for this workspace.
//
// Native addons (better-sqlite3) fall back to node-gyp when no prebuilt binary can be
// downloaded. node-gyp then downloads Node's headers, which fails on machines that reach only
// the npm registry. pnpm passes install scripts a filtered environment and ignores `nodedir`
// in .npmrc, so we point node-gyp at headers installed on this machine — only when they belong
// to the exact Node version that runs the install, so a normal machine is left untouched.
'use strict';
const fs = require('node:fs');
const path = require('node:path');

/** The directory whose include/node holds headers for the running Node, or undefined. */
function localNodeHeaders() {
  const candidates = [
    path.resolve(path.dirname(process.execPath), '..'), // e.g. /usr/local for /usr/local/bin/node
    '/usr',
    '/usr/local',
  ];
  for (const dir of candidates) {
    try {
      const header = fs.readFileSync(path.join(dir, 'include/node/node_version.h'), 'utf8');
      const part = (name) => (header.match(new RegExp(`#define NODE_${name}_VERSION (\\d+)`)) || [])[1];
      if (`${part('MAJOR')}.${part('MINOR')}.${part('PATCH')}` === process.versions.node) return dir;
    } catch {
      // no headers there
    }
  }
  return undefined;
}

module.exports = {
  hooks: {
    updateConfig(config) {
      if (process.env.npm_config_nodedir) return config;
      const nodedir = localNodeHeaders();
      if (!nodedir) return config;
      return { ...config, extraEnv: { ...config.extraEnv, npm_config_nodedir: nodedir } };
    },
  },
};
