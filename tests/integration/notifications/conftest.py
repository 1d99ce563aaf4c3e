"""The notifications service's fixtures (tests/support/notifications.py)."""
from tests.support.notifications import *  # noqa: F401,F403
