# Sourced by scripts/up and scripts/test: a .venv with the project installed, made with this
# machine's python3 the first time and re-installed whenever pyproject.toml changes (a content
# stamp, not a timestamp: checkouts and copies change mtimes). $1 is the extra: "" or "test".
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
VENV="$ROOT/.venv"
PYTHON="${PYTHON:-python3}"
extra="${1:-}"

if ! command -v "$PYTHON" >/dev/null 2>&1; then
    echo "birlikte: $PYTHON not found; install Python 3.11 or newer (or set PYTHON=/path/to/python3)" >&2
    exit 1
fi
if [ ! -x "$VENV/bin/python" ]; then
    if ! "$PYTHON" -c 'import sys; sys.exit(sys.version_info < (3, 11))'; then
        echo "birlikte: $("$PYTHON" --version 2>&1) is too old; Birlikte needs Python 3.11 or newer (set PYTHON=...)" >&2
        exit 1
    fi
    echo "birlikte: creating $VENV with $("$PYTHON" --version 2>&1)" >&2
    "$PYTHON" -m venv "$VENV"
fi

stamp="$VENV/.birlikte-installed-${extra:-base}"
want="$("$VENV/bin/python" -c 'import hashlib, sys; print(hashlib.sha256(open(sys.argv[1], "rb").read()).hexdigest())' "$ROOT/pyproject.toml")"
if [ "$(cat "$stamp" 2>/dev/null || true)" != "$want" ]; then
    target="$ROOT"; [ -n "$extra" ] && target="$ROOT[$extra]"
    echo "birlikte: installing birlikte${extra:+[$extra]} into $VENV (first run or pyproject.toml changed)" >&2
    "$VENV/bin/python" -m pip install --quiet -e "$target" >&2
    echo "$want" > "$stamp"
fi
