"""The archive's fixtures (tests/support/archive.py)."""
from tests.support.archive import *  # noqa: F401,F403
