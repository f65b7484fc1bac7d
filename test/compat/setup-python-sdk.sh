#!/usr/bin/env bash
# Idempotent: a virtual environment with the official Inkbox Python SDK (0.7.x) for the
# compatibility tests, in the git-ignored .tools/inkbox-venv. Prints the venv's python path.
# Fails (non-zero) when the venv or the package cannot be installed: the compat test then fails loudly.
set -euo pipefail
cd "$(dirname "$0")/../.."

VENV=.tools/inkbox-venv
SPEC='inkbox==0.7.*'

if [ -x "$VENV/bin/python" ] && "$VENV/bin/python" -c 'import inkbox, importlib.metadata as m, sys; sys.exit(0 if m.version("inkbox").startswith("0.7.") else 1)' 2>/dev/null; then
  echo "$VENV/bin/python"
  exit 0
fi

mkdir -p .tools
python3 -m venv "$VENV" >&2
"$VENV/bin/python" -m pip install --quiet --disable-pip-version-check "$SPEC" >&2
"$VENV/bin/python" -c 'import inkbox, importlib.metadata as m; print("inkbox", m.version("inkbox"))' >&2
echo "$VENV/bin/python"
