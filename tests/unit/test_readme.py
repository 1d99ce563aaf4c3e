"""The README's configuration table is the settings as they are: every BIRLIKTE_* variable that
Settings reads has its row there, showing the default Settings has, and the README names no
BIRLIKTE_* variable that Settings does not know (the tests' own BIRLIKTE_TEST_* aside)."""
from __future__ import annotations

import dataclasses
import re
from pathlib import Path

from services import SERVICES
from shared.config import PREFIX, Settings

README = Path(__file__).resolve().parents[2] / "README.md"
SERVICE_DSN = PREFIX + "<SERVICE>_DATABASE_URL"  # one per service, read by Settings from their names
ROW = re.compile(r"^\|\s*`(BIRLIKTE_[A-Z0-9_<>]+)`\s*\|\s*([^|]*?)\s*\|")
NAMED = re.compile(r"BIRLIKTE_[A-Z0-9_]*")


def _settings_defaults() -> dict[str, object]:
    """Every variable Settings reads → its default."""
    return {PREFIX + f.metadata["env"]: f.default for f in dataclasses.fields(Settings) if "env" in f.metadata}


def _shown(value: object) -> str:
    """A default as the table shows it: as one would set it in the environment, `—` for none."""
    if value is None:
        return "—"
    if isinstance(value, bool):
        return str(value).lower()
    if isinstance(value, float):
        return f"{value:g}"
    if isinstance(value, tuple):
        return ",".join(_shown(v) for v in value)
    return str(value)


def _configuration_rows() -> dict[str, str]:
    """The README's configuration table: variable → its default cell (backticks dropped)."""
    text = README.read_text(encoding="utf-8")
    section = text.split("\n## Configuration\n", 1)[1].split("\n## ", 1)[0]
    rows = {}
    for line in section.splitlines():
        found = ROW.match(line)
        if found:
            rows[found.group(1)] = found.group(2).strip("`")
    return rows


def test_every_variable_settings_reads_has_its_row_in_the_configuration_table():
    rows = _configuration_rows()
    missing = sorted(name for name in [*_settings_defaults(), SERVICE_DSN] if name not in rows)
    assert not missing, f"README.md's configuration table lacks: {', '.join(missing)}"


def test_each_row_shows_the_default_settings_has():
    rows = _configuration_rows()
    wrong = {name: (rows[name], _shown(default)) for name, default in _settings_defaults().items()
             if name in rows and rows[name] != _shown(default)}
    assert not wrong, "README.md shows other defaults (README, Settings): " + "; ".join(
        f"{name}: {shown!r} but {actual!r}" for name, (shown, actual) in sorted(wrong.items()))


def test_the_readme_names_no_variable_settings_does_not_know():
    known = {*_settings_defaults(), *(f"{PREFIX}{s.upper()}_DATABASE_URL" for s in SERVICES)}
    unknown = set()
    for name in NAMED.findall(README.read_text(encoding="utf-8")):
        if name.startswith(PREFIX + "TEST_") or name in known:
            continue
        if name.endswith("_") and any(k.startswith(name) for k in known):
            continue  # a family, `BIRLIKTE_SMTP_*` or `BIRLIKTE_<SERVICE>_DATABASE_URL`
        unknown.add(name)
    assert not unknown, f"README.md names variables Settings does not read: {', '.join(sorted(unknown))}"
