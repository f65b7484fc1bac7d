#!/usr/bin/env bash
# Installs Node $NODE_BIN_VERSION (24 unless set) from the npm registry into .tools/node, where the
# `node-<os>-<arch>` package carries the official binary; skips when present. Prints the folder that
# holds `node` on stdout (so a caller can put it first on PATH); progress goes to stderr.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
version="${NODE_BIN_VERSION:-24}"

case "$(uname -s)" in Linux) os=linux ;; Darwin) os=darwin ;; *) os="" ;; esac
case "$(uname -m)" in x86_64 | amd64) arch=x64 ;; aarch64 | arm64) arch=arm64 ;; *) arch="" ;; esac
if [ -z "$os" ] || [ -z "$arch" ]; then
  echo "no Node package for $(uname -s) $(uname -m) on the npm registry: install Node 22+ from https://nodejs.org" >&2
  exit 1
fi

package="node-$os-$arch"
bin="$root/.tools/node/node_modules/$package/bin"
if [ ! -x "$bin/node" ] || [ "$("$bin/node" -p 'process.versions.node.split(".")[0]')" != "${version%%.*}" ]; then
  echo "installing Node $version ($package@$version from the npm registry) into .tools/node" >&2
  npm install --loglevel=error --no-audit --no-fund --no-package-lock --prefix "$root/.tools/node" "$package@$version" >&2
fi
echo "$bin"
