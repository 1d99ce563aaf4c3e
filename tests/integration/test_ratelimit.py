"""The shared rate limit (shared/ratelimit.py) against the real database: a sliding window, so that
hits at the end of one window still count at the start of the next."""
from __future__ import annotations

import uuid
from datetime import datetime, timedelta, timezone

import pytest

from shared import ratelimit
from shared.db import open_pool
from shared.errors import TooManyRequests

WINDOW = 60


@pytest.fixture(scope="module")
def pool(settings):
    opened = open_pool(settings, "registry", min_size=1, max_size=2)
    yield opened
    opened.close()


def test_the_limit_holds_within_a_window_and_the_refusal_says_when_to_come_back(pool):
    key, start = f"test:{uuid.uuid4()}", datetime(2030, 1, 1, 12, 0, 10, tzinfo=timezone.utc)
    for _ in range(3):
        ratelimit.hit(pool, key, 3, WINDOW, now=start)
    with pytest.raises(TooManyRequests) as refused:
        ratelimit.hit(pool, key, 3, WINDOW, now=start)
    assert refused.value.retry_after == 50


def test_a_burst_at_the_end_of_a_window_still_counts_at_the_start_of_the_next(pool):
    key, end = f"test:{uuid.uuid4()}", datetime(2030, 1, 1, 12, 0, 59, tzinfo=timezone.utc)
    for _ in range(3):
        ratelimit.hit(pool, key, 3, WINDOW, now=end)
    with pytest.raises(TooManyRequests):
        ratelimit.hit(pool, key, 3, WINDOW, now=end + timedelta(seconds=2))  # a fixed window would let it pass
    ratelimit.hit(pool, key, 3, WINDOW, now=end + timedelta(seconds=61))  # the old burst has slid out of view


def test_check_counts_nothing(pool):
    key, now = f"test:{uuid.uuid4()}", datetime(2030, 1, 1, 12, 0, 0, tzinfo=timezone.utc)
    for _ in range(5):
        ratelimit.check(pool, key, 1, WINDOW, now=now)
    ratelimit.hit(pool, key, 1, WINDOW, now=now)
    with pytest.raises(TooManyRequests):
        ratelimit.check(pool, key, 1, WINDOW, now=now)
