"""A bustest consumer process that dies (SIGKILL) right after its first commit, before the ack."""
import os
import signal
import threading

from shared.bus.consumer import Consumer
from shared.config import load_settings
from shared.db import open_pool
from tests.e2e.bus.conftest import SERVICE, SUBSCRIPTIONS


def main() -> None:
    settings = load_settings()
    pool = open_pool(settings, SERVICE, min_size=1, max_size=2)
    die = lambda envelope: os.kill(os.getpid(), signal.SIGKILL)  # noqa: E731
    Consumer(settings, SERVICE, pool, SUBSCRIPTIONS, after_commit=die).run(threading.Event())


if __name__ == "__main__":
    main()
