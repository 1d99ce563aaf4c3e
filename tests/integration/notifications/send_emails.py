"""A notifications sender in a process of its own: one pass (the test kills it mid-send), or, given
a number of seconds, the worker's send loop for that long (two of them race for one backlog)."""
import sys
import time

from shared.config import load_settings
from shared.db import open_pool
from services.notifications import worker
from services.notifications.operations import emails


def main(seconds: float | None) -> None:
    settings = load_settings()
    with open_pool(settings, "notifications", min_size=1, max_size=2) as pool:
        emails.send_due(pool, settings)
        deadline = time.monotonic() + (seconds or 0)
        while time.monotonic() < deadline:
            time.sleep(worker.SEND_SECONDS)
            emails.send_due(pool, settings)


if __name__ == "__main__":
    main(float(sys.argv[1]) if len(sys.argv) > 1 else None)
