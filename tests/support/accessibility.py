"""The accessibility check a browser test runs on the page it has open: axe-core, as the
axe-playwright-python package ships it (pinned in pyproject.toml), with every rule axe runs by
default — WCAG 2.0, 2.1 and 2.2 A and AA, and its best practices. Playwright evaluates the script
itself, so the pages' strict Content-Security-Policy need not be loosened for it."""
from __future__ import annotations

from axe_playwright_python.sync_playwright import Axe

_AXE = Axe()


def violations(page) -> list[dict]:
    """What axe finds wrong on the page as it is shown now (its size, its language)."""
    return _AXE.run(page).response["violations"]


def described(found: list[dict], where: str) -> list[str]:
    """One line per violation: where, the rule, its impact, what it asks, and the elements at fault."""
    return [f"{where}: {v['id']} ({v['impact']}) {v['help']}: "
            + "; ".join(" ".join(map(str, node["target"])) for node in v["nodes"][:5])
            + (f" (and {len(v['nodes']) - 5} more)" if len(v["nodes"]) > 5 else "")
            for v in found]
