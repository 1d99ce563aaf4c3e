"""The registry's fixtures (tests/support/registry.py)."""
from tests.support.registry import *  # noqa: F401,F403
