# Sourced by scripts/up and scripts/test: a .venv with the project installed, refreshed when
# pyproject.toml changes. $1 is the extra to install ("" or "test").
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
VENV="$ROOT/.venv"
PYTHON="${PYTHON:-python3}"
extra="${1:-}"
stamp="$VENV/.installed-${extra:-base}"
if [ ! -x "$VENV/bin/python" ]; then
    echo "birlikte: creating $VENV" >&2
    "$PYTHON" -m venv "$VENV"
fi
if [ ! -f "$stamp" ] || [ "$ROOT/pyproject.toml" -nt "$stamp" ]; then
    echo "birlikte: installing dependencies into $VENV" >&2
    target="$ROOT"; [ -n "$extra" ] && target="$ROOT[$extra]"
    "$VENV/bin/python" -m pip install --quiet --upgrade pip >&2
    "$VENV/bin/python" -m pip install --quiet -e "$target" >&2
    touch "$stamp"
fi
