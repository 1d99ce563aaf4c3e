"""The events service's fixtures (tests/support/events.py)."""
from tests.support.events import *  # noqa: F401,F403
