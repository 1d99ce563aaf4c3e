"""One instant, two clocks: Istanbul (UTC+3 all year) and Dublin (GMT in winter, IST in summer)."""
from datetime import datetime, timezone

import pytest

from services.events import times

UTC = timezone.utc


def test_a_wall_clock_time_the_spring_change_skips_is_refused():
    # Dublin's clocks go from 01:00 to 02:00 on 28 March 2027: 01:30 never happens.
    with pytest.raises(times.NonexistentLocalTime, match="does not exist in Europe/Dublin"):
        times.from_local(datetime(2027, 3, 28, 1, 30), "Europe/Dublin")


def test_a_wall_clock_time_the_autumn_change_repeats_is_its_first_occurrence():
    # 01:30 happens twice on 31 October 2027: first in IST (00:30 UTC), then in GMT (01:30 UTC).
    assert times.from_local(datetime(2027, 10, 31, 1, 30), "Europe/Dublin") == datetime(2027, 10, 31, 0, 30, tzinfo=UTC)


def test_ten_oclock_in_dublin_is_a_different_instant_in_summer_and_in_winter():
    assert times.from_local(datetime(2027, 7, 1, 10), "Europe/Dublin") == datetime(2027, 7, 1, 9, tzinfo=UTC)
    assert times.from_local(datetime(2027, 12, 1, 10), "Europe/Dublin") == datetime(2027, 12, 1, 10, tzinfo=UTC)
    assert times.from_local(datetime(2027, 7, 1, 10), "Europe/Istanbul") == datetime(2027, 7, 1, 7, tzinfo=UTC)


@pytest.mark.parametrize("month, dublin_start, dublin_end, abbreviation", [
    (7, "2027-07-01T08:00:00+01:00", "2027-07-01T10:00:00+01:00", "IST"),  # two hours behind Istanbul
    (12, "2027-12-01T07:00:00+00:00", "2027-12-01T09:00:00+00:00", "GMT"),  # three hours behind
])
def test_an_istanbul_dublin_meeting_reads_on_both_clocks(month, dublin_start, dublin_end, abbreviation):
    starts, ends = datetime(2027, month, 1, 7, tzinfo=UTC), datetime(2027, month, 1, 9, tzinfo=UTC)
    istanbul = times.local_view(starts, ends, "Europe/Istanbul")
    dublin = times.local_view(starts, ends, "Europe/Dublin")
    assert (istanbul["starts_at"], istanbul["utc_offset"]) == (f"2027-{month:02d}-01T10:00:00+03:00", "+03:00")
    assert (dublin["starts_at"], dublin["ends_at"]) == (dublin_start, dublin_end)
    assert (dublin["utc_offset"], dublin["abbreviation"]) == (dublin_start[-6:], abbreviation)


def test_only_iana_zones_are_zones():
    assert times.is_zone("Europe/Dublin") and not times.is_zone("Mars/Olympus") and not times.is_zone("../etc")
