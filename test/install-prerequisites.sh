#!/usr/bin/env bash
# What `npm test` needs beyond npm packages, installed once and skipped when present (run by `pretest`):
# the Temporal CLI, the official Inkbox Python SDK for the compatibility test, and Debian's Chromium
# for the Web UI test. A piece that cannot be installed is reported; its tests then fail and say why.
set -uo pipefail
cd "$(dirname "$0")/.."

bash temporal/install-cli.sh || { echo "could not install the Temporal CLI" >&2; exit 1; }

bash test/compat/setup-python-sdk.sh >/dev/null \
  || echo "could not install the Inkbox Python SDK: the compatibility test will fail and say so" >&2

if ! command -v chromium >/dev/null; then
  as_root() { if [ "$(id -u)" -eq 0 ]; then "$@"; elif command -v sudo >/dev/null; then sudo -n "$@"; else return 1; fi; }
  echo "installing Debian's chromium for the Web UI test" >&2
  { as_root apt-get install -y --no-install-recommends chromium >&2 \
    || { as_root apt-get update >&2 && as_root apt-get install -y --no-install-recommends chromium >&2; }; } \
    || echo "could not install chromium: the Web UI test will fail and say so" >&2
fi
exit 0
