"""Every service reads the same way (issue 11): the same files with the same meaning, views only
in api/, no HTTP below the views, and no service reaching into another."""
from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

import pytest

from services import ALL

ROOT = Path(__file__).resolve().parents[2]
FILES = ("__init__.py", "app.py", "worker.py", "demo.py", "errors.py", "access.py", "queries.py", "store.py",
         "messages.py", "subscriptions.py", "schemas.py")
FOLDERS = ("operations", "api", "migrations")
HTTP = ("flask", "flask_smorest", "werkzeug", "shared.http")
HTTP_ALLOWED = ("app.py", "schemas.py")  # besides api/: the app factory, and the HTTP schemas (webargs, pagination)


def _modules(package: Path):
    for path in sorted(package.rglob("*.py")):
        yield path, ast.parse(path.read_text(encoding="utf-8"))


def _imported(tree: ast.AST) -> set[str]:
    names = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.add(node.module)
            names.update(f"{node.module}.{alias.name}" for alias in node.names)
    return names


def _is(name: str, prefix: str) -> bool:
    return name == prefix or name.startswith(prefix + ".")


@pytest.mark.parametrize("described", ALL, ids=[s.name for s in ALL])
def test_every_service_has_the_same_files(described):
    package = ROOT / described.package.replace(".", "/")
    missing = [f for f in FILES if not (package / f).is_file()] + [d for d in FOLDERS if not (package / d).is_dir()]
    assert missing == []
    assert list((package / "migrations").glob("*.sql")), "a service owns a schema"


@pytest.mark.parametrize("described", ALL, ids=[s.name for s in ALL])
def test_only_views_import_views_and_nothing_below_them_imports_http(described):
    package = ROOT / described.package.replace(".", "/")
    api = f"{described.package}.api"
    wrong = []
    for path, tree in _modules(package):
        relative = path.relative_to(package)
        in_api = relative.parts[0] == "api"
        for name in _imported(tree):
            if _is(name, api) and not in_api and str(relative) != "app.py":  # the app factory mounts the views
                wrong.append(f"{relative} imports {name}")
            if not in_api and str(relative) not in HTTP_ALLOWED and any(_is(name, h) for h in HTTP):
                wrong.append(f"{relative} imports {name}")
    assert wrong == []


@pytest.mark.parametrize("described", ALL, ids=[s.name for s in ALL])
def test_no_service_imports_another(described):
    package = ROOT / described.package.replace(".", "/")
    others = [s.package for s in ALL if s is not described]
    wrong = [f"{path.relative_to(ROOT)} imports {name}" for path, tree in _modules(package)
             for name in _imported(tree) if any(_is(name, other) for other in others)]
    assert wrong == []


def test_shared_code_knows_no_service():
    wrong = [f"{path.relative_to(ROOT)} imports {name}" for path, tree in _modules(ROOT / "shared")
             for name in _imported(tree)
             if _is(name, "services") and path.relative_to(ROOT).parts[1] != "cli"]  # the CLI drives them all
    assert wrong == []


def test_shared_rows_and_workers_do_not_depend_on_http():
    for module in ("rows.py", "worker.py", "leases.py", "errors.py", "versions.py", "outbound.py"):
        imported = _imported(ast.parse((ROOT / "shared" / module).read_text(encoding="utf-8")))
        assert not [n for n in imported if any(_is(n, h) for h in HTTP)], module
    for path, tree in _modules(ROOT / "shared" / "bus"):
        assert not [n for n in _imported(tree) if any(_is(n, h) for h in HTTP)], path.name


def test_workers_act_as_named_system_actors_not_borrowed_identities():
    borrowed = []
    for described in ALL:
        package = ROOT / described.package.replace(".", "/")
        for path, tree in _modules(package):
            if path.relative_to(package).parts[0] == "api":
                continue
            for node in ast.walk(tree):
                if isinstance(node, ast.Call) and getattr(node.func, "id", getattr(node.func, "attr", None)) == "Principal":
                    borrowed.append(f"{path.relative_to(ROOT)}:{node.lineno}")
    assert borrowed == []


@pytest.mark.parametrize("described", ALL, ids=[s.name for s in ALL])
def test_a_worker_runs_without_flask_or_the_http_layer(described):
    """Not only the modules' own imports: everything a worker pulls in (its subscriptions, timers,
    demo) is free of the HTTP layer, so a worker process carries none of it."""
    probe = (f"import sys; import {described.package}.worker, {described.package}.subscriptions, {described.package}.demo; "
             "print(sorted(m for m in sys.modules if m.split('.')[0] in ('flask', 'werkzeug', 'flask_smorest') "
             "or m.startswith('shared.http')))")
    found = subprocess.run([sys.executable, "-c", probe], cwd=ROOT, capture_output=True, text=True, timeout=60)
    assert found.returncode == 0, found.stderr
    assert found.stdout.strip() == "[]"
