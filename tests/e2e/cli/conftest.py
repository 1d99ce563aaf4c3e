"""Running the real `birlikte` command as a subprocess, configured like the test run."""
from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from shared.config import Settings
from tests.support.environment import as_environment

ROOT = Path(__file__).resolve().parents[3]


def birlikte_command() -> list[str]:
    """The installed console script (proving the entry point), else the module."""
    script = Path(sys.executable).with_name("birlikte")
    return [str(script)] if script.exists() else [sys.executable, "-m", "shared.cli"]


def env_for(settings: Settings, **overrides: str) -> dict[str, str]:
    """Our environment without any BIRLIKTE_* of the caller's, plus this run's settings."""
    return {**as_environment(settings), **overrides}


@pytest.fixture
def run_cli(tmp_path):
    """run_cli(args, env) -> CompletedProcess, from an empty directory (no .birlikte/ around)."""
    def run(args: list[str], env: dict[str, str], timeout: float = 60) -> subprocess.CompletedProcess:
        return subprocess.run([*birlikte_command(), *args], env=env, cwd=tmp_path, capture_output=True,
                              text=True, timeout=timeout)
    return run


@pytest.fixture
def cli_env(settings) -> dict[str, str]:
    return env_for(settings)


def bash() -> str:
    found = shutil.which("bash")
    assert found, "bash is needed to check the scripts"
    return found
