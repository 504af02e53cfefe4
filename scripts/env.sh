# Sourced by the other scripts: settings every command here needs on a fresh machine.
export npm_config_nodedir="${npm_config_nodedir:-/usr}"   # native addons build against Debian's Node headers (no download)
export NEXT_TELEMETRY_DISABLED=1
export TURBO_TELEMETRY_DISABLED=1
export CHROMIUM_PATH="${CHROMIUM_PATH:-/usr/bin/chromium}"
