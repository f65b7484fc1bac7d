#!/usr/bin/env bash
# Runs `node "$@"` on Node 22 or newer. The machine's node when it is current; otherwise Node 24 from
# .tools/node (tools/install-node.sh), with one line saying so and how to get a current Node for good.
# That node's folder goes first on PATH, so what the command spawns (npm, npx, tsx) runs on it too.
# `npm start` and `npm test` go through here; without a registry to install from, it stops with exit 1.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
minimum=22

major="$(node -p 'process.versions.node.split(".")[0]' 2>/dev/null || echo 0)"
if [ "$major" -ge "$minimum" ]; then exec node "$@"; fi

system="$(node --version 2>/dev/null || echo 'none')"
how="For a current Node everywhere: 'nvm install' in this folder (reads .nvmrc), or https://nodejs.org."
if ! bin="$(bash "$root/tools/install-node.sh")"; then
  echo "Node $system on this machine is end-of-life and this project needs Node $minimum+; installing Node ${NODE_BIN_VERSION:-24} into .tools/node failed (above). $how" >&2
  exit 1
fi
export PATH="$bin:$PATH"
echo "Node $system on this machine is end-of-life (this project needs $minimum+): running on Node $(node --version) from .tools/node. $how" >&2
exec node "$@"
