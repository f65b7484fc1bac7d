#!/usr/bin/env bash
# What `npm test` needs beyond npm packages, installed once and skipped when present (run by `pretest`):
# the Temporal CLI, the official Inkbox Python SDK for the compatibility test, Debian's Chromium for
# the Web UI test and openssl for the Temporal TLS tests' throwaway CA. A piece that cannot be
# installed is reported; its tests then fail and say why.
set -uo pipefail
cd "$(dirname "$0")/.."

bash temporal/install-cli.sh || { echo "could not install the Temporal CLI" >&2; exit 1; }

bash test/compat/setup-python-sdk.sh >/dev/null \
  || echo "could not install the Inkbox Python SDK: the compatibility test will fail and say so" >&2

as_root() { if [ "$(id -u)" -eq 0 ]; then "$@"; elif command -v sudo >/dev/null; then sudo -n "$@"; else return 1; fi; }
# Installs Debian package $1 (for the tests named by $2) when command $1 is missing.
install_debian_package() {
  command -v "$1" >/dev/null && return 0
  echo "installing Debian's $1 for $2" >&2
  { as_root apt-get install -y --no-install-recommends "$1" >&2 \
    || { as_root apt-get update >&2 && as_root apt-get install -y --no-install-recommends "$1" >&2; }; } \
    || echo "could not install $1: $2 will fail and say so" >&2
}
install_debian_package chromium "the Web UI test"
install_debian_package openssl "the Temporal TLS tests"
exit 0
