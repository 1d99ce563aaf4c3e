"""A partner's own iCalendar feed, imported by the events worker: written here with the icalendar
library as a partner's calendar program would, served by a local HTTP server with ETags, and
read back through Birlikte's own organization feed — the round trip, across Dublin's
daylight-saving change, recurring events, re-fetches that change nothing, edits, cancellations
and events that vanish from the feed."""
from __future__ import annotations

import hashlib
import threading
import time
import uuid
from datetime import date, datetime, timedelta, timezone
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from zoneinfo import ZoneInfo

import icalendar
import psycopg
import pytest

from services.events import imports
from services.events.app import create_app

DUBLIN = ZoneInfo("Europe/Dublin")


class FeedServer:
    """A partner's web server: one .ics body, an ETag over it, 304 for a matching If-None-Match."""

    def __init__(self):
        self.body, self.status, self.requests, self.not_modified = b"", 200, 0, 0
        self.trickle = 0.0  # seconds between bytes: a server that sends its body a byte at a time
        self.conditional = []  # whether each request carried If-None-Match
        server = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self):  # noqa: N802 (http.server's name)
                server.requests += 1
                server.conditional.append("If-None-Match" in self.headers)
                tag = '"' + hashlib.sha256(server.body).hexdigest()[:16] + '"'
                if server.status != 200:
                    self.send_response(server.status)
                    self.end_headers()
                elif self.headers.get("If-None-Match") == tag:
                    server.not_modified += 1
                    self.send_response(304)
                    self.send_header("ETag", tag)
                    self.end_headers()
                else:
                    self.send_response(200)
                    self.send_header("Content-Type", "text/calendar")
                    self.send_header("ETag", tag)
                    self.send_header("Content-Length", str(len(server.body)))
                    self.end_headers()
                    if not server.trickle:
                        self.wfile.write(server.body)
                        return
                    for byte in server.body:
                        time.sleep(server.trickle)
                        self.wfile.write(bytes([byte]))
                        self.wfile.flush()

            def log_message(self, *args):
                pass

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.httpd.server_port}/calendar-{uuid.uuid4().hex[:6]}.ics"
        threading.Thread(target=self.httpd.serve_forever, daemon=True).start()

    def stop(self):  # closed, so that a later test's fetch of this URL is refused at once
        self.httpd.shutdown()
        self.httpd.server_close()


@pytest.fixture
def feed_server():
    server = FeedServer()
    yield server
    server.stop()


@pytest.fixture(scope="module")
def import_settings(settings):
    # Local test servers are on loopback; the dates below may lie up to ~14 months ahead.
    return settings.replace(calendar_import_allow_private=True, calendar_import_horizon_days=800)


@pytest.fixture(scope="module")
def import_client(import_settings, events_pool):
    app = create_app(import_settings, pool=events_pool)
    app.config["TESTING"] = True
    return app.test_client()


def spring() -> int:
    """A year whose late March lies ahead, so that Dublin's clock change is in the future."""
    today = datetime.now(timezone.utc).date()
    return today.year if today < date(today.year, 2, 15) else today.year + 1


def dublin(year: int, month: int, day: int, hour: int) -> datetime:
    return datetime(year, month, day, hour, 0, tzinfo=DUBLIN)


def vevent(uid: str, start, end, summary: str | None = None, **properties) -> icalendar.Event:
    event = icalendar.Event()
    event.add("uid", uid)
    event.add("dtstamp", datetime.now(timezone.utc))
    event.add("dtstart", start)
    event.add("dtend", end)
    if summary:
        event.add("summary", summary)
    for name, value in properties.items():
        event.add(name.replace("_", "-"), value)
    return event


def calendar(*events: icalendar.Event) -> bytes:
    cal = icalendar.Calendar()
    cal.add("prodid", "-//The Wheel//Events//EN")
    cal.add("version", "2.0")
    for event in events:
        cal.add_component(event)
    cal.add_missing_timezones()
    return cal.to_ical()


def wheel_calendar(year: int, **changes) -> dict[str, icalendar.Event]:
    """The Wheel's calendar: before and after the clock change, a weekly meeting across it, an
    all-day visit, a tentative date and one VEVENT without a title."""
    events = {
        "gov-1": vevent("gov-1@thewheel.ie", dublin(year, 3, 20, 11), dublin(year, 3, 20, 13),
                        "Good governance: Irish practice", location="The Wheel, 48 Fleet Street, Dublin"),
        "gov-2": vevent("gov-2@thewheel.ie", dublin(year, 4, 3, 11), dublin(year, 4, 3, 13),
                        "Good governance: Turkish practice", url="https://meet.example.org/governance",
                        categories=["Good Governance"]),
        "weekly": vevent("weekly@thewheel.ie", dublin(year, 3, 17, 10), dublin(year, 3, 17, 11),
                         "Weekly peer exchange", location="Online and at The Wheel",
                         url="https://meet.example.org/weekly", rrule={"freq": "weekly", "count": 3}),
        "visit": vevent("visit@thewheel.ie", date(year, 5, 10), date(year, 5, 11), "Study visit to Cork",
                        location="Cork"),
        "maybe": vevent("maybe@thewheel.ie", dublin(year, 6, 1, 10), dublin(year, 6, 1, 12), "Perhaps a summer school",
                        location="Galway", status="TENTATIVE"),
        "untitled": vevent("untitled@thewheel.ie", dublin(year, 6, 2, 10), dublin(year, 6, 2, 12), location="Dublin"),
    }
    events.update(changes)
    return {k: v for k, v in events.items() if v is not None}


def organization_feed(client, org) -> dict[str, icalendar.Event]:
    response = client.get(f"/calendars/organizations/{org}.ics")
    assert response.status_code == 200
    return {str(e["UID"]): e for e in icalendar.Calendar.from_ical(response.data).walk("VEVENT")}


def count(settings, table: str) -> int:
    with psycopg.connect(settings.database_url) as conn:
        return conn.execute(f"SELECT count(*) FROM events.{table}").fetchone()[0]  # noqa: S608 (fixed names)


def by_external_id(settings, org) -> dict[str, dict]:
    with psycopg.connect(settings.database_url, row_factory=psycopg.rows.dict_row) as conn:
        rows = conn.execute("SELECT * FROM events.events WHERE external_source = %s", (org,)).fetchall()
    return {r["external_id"]: r for r in rows}


def register(client, headers, org, url, **fields):
    return client.post(f"/partners/{org}/calendar-imports", headers=headers,
                       json={"url": url, "time_zone": "Europe/Dublin", "visibility": "public", **fields})


def fetch(import_client, events_pool, import_settings, org, headers, feed_id) -> dict:
    """Ask for a fetch now (as a partner may), run the worker's timer once, read the outcome."""
    asked = import_client.post(f"/partners/{org}/calendar-imports/{feed_id}/fetch", headers=headers)
    assert asked.status_code == 202
    imports.fetch_due(events_pool, import_settings)
    return import_client.get(f"/partners/{org}/calendar-imports/{feed_id}", headers=headers).get_json()


def imported_wheel_feed(import_client, events_pool, import_settings, org, headers, feed_server) -> str:
    """The Wheel's calendar served, registered and imported once; the import's id."""
    feed_server.body = calendar(*wheel_calendar(spring()).values())
    feed_id = register(import_client, headers, org, feed_server.url).get_json()["id"]
    fetch(import_client, events_pool, import_settings, org, headers, feed_id)
    return feed_id


@pytest.fixture
def wheel(community, tokens):
    org = community.organization(country="IE", roles=("partner_umbrella",))
    return org, tokens.partner(org, "events:read", "events:write")


def test_an_imported_feed_round_trips_and_follows_the_partners_changes(
        wheel, feed_server, import_client, events_pool, import_settings, settings):
    org, headers = wheel
    year = spring()
    feed_server.body = calendar(*wheel_calendar(year).values())
    registered = register(import_client, headers, org, feed_server.url)
    assert registered.status_code == 201, registered.get_json()
    feed_id = registered.get_json()["id"]

    path = f"/partners/{org}/calendar-imports/{feed_id}"
    before = import_client.get(path, headers=headers)
    imports.fetch_due(events_pool, import_settings)  # registered feeds are due at once
    state = import_client.get(path, headers={**headers, "If-None-Match": before.headers["ETag"]})
    assert state.status_code == 200  # a client polling the import with its ETag sees the outcome
    state = state.get_json()
    report = state["last_report"]
    assert state["last_outcome"] == "imported", state
    assert (report["created"], report["failed"]) == (7, 1), report  # 4 single events + 3 weekly occurrences
    assert report["problems"][0]["uid"] == "untitled@thewheel.ie" and "title" in report["problems"][0]["errors"]

    stored = by_external_id(settings, org)
    exported = organization_feed(import_client, org)
    expected = {  # the partner's UIDs (a weekly occurrence: UID/start in UTC) → local start in Dublin
        "gov-1@thewheel.ie": dublin(year, 3, 20, 11), "gov-2@thewheel.ie": dublin(year, 4, 3, 11),
        f"weekly@thewheel.ie/{year}0317T100000Z": dublin(year, 3, 17, 10),
        f"weekly@thewheel.ie/{year}0324T100000Z": dublin(year, 3, 24, 10),
        f"weekly@thewheel.ie/{year}0331T090000Z": dublin(year, 3, 31, 10),  # summer time: 09:00 UTC
        "visit@thewheel.ie": dublin(year, 5, 10, 0)}
    for uid, start in expected.items():
        ours = exported[f"{stored[uid]['id']}@birlikte"]
        assert ours["DTSTART"].dt == start and ours["DTSTART"].params["TZID"] == "Europe/Dublin", uid
        assert ours["DTSTART"].dt.utcoffset() == start.utcoffset()
    gov1, gov2 = (exported[f"{stored[u]['id']}@birlikte"] for u in ("gov-1@thewheel.ie", "gov-2@thewheel.ie"))
    assert str(gov1["SUMMARY"]) == "Good governance: Irish practice"
    assert str(gov1["LOCATION"]).startswith("The Wheel, 48 Fleet Street")
    assert (stored["gov-1@thewheel.ie"]["format"], stored["gov-2@thewheel.ie"]["format"]) == ("in_person", "online")
    assert stored["gov-2@thewheel.ie"]["topics"] == ["good_governance"]
    assert stored[f"weekly@thewheel.ie/{year}0317T100000Z"]["format"] == "hybrid"
    assert exported[f"{stored['visit@thewheel.ie']['id']}@birlikte"]["DTEND"].dt == dublin(year, 5, 11, 0)
    assert stored["maybe@thewheel.ie"]["status"] == "draft"  # tentative: kept, not announced
    assert f"{stored['maybe@thewheel.ie']['id']}@birlikte" not in exported

    # The same feed again: the server answers 304; then the same body under a new ETag: no change.
    changes, outbox = count(settings, "changes"), count(settings, "outbox")
    assert fetch(import_client, events_pool, import_settings, org, headers, feed_id)["last_outcome"] == "not_modified"
    assert feed_server.not_modified == 1
    feed_server.body += b"\r\n"
    again = fetch(import_client, events_pool, import_settings, org, headers, feed_id)["last_report"]
    assert (again["created"], again["updated"], again["unchanged"]) == (0, 0, 7), again
    assert (count(settings, "changes"), count(settings, "outbox")) == (changes, outbox)

    # The partner moves one, cancels one and deletes another: each becomes one change here.
    moved = wheel_calendar(year, **{
        "gov-1": vevent("gov-1@thewheel.ie", dublin(year, 3, 21, 11), dublin(year, 3, 21, 13),
                        "Good governance: Irish practice", location="The Wheel, 48 Fleet Street, Dublin"),
        "gov-2": vevent("gov-2@thewheel.ie", dublin(year, 4, 3, 11), dublin(year, 4, 3, 13),
                        "Good governance: Turkish practice", url="https://meet.example.org/governance",
                        status="CANCELLED"),
        "visit": None})
    feed_server.body = calendar(*moved.values())
    report = fetch(import_client, events_pool, import_settings, org, headers, feed_id)["last_report"]
    assert (report["updated"], report["cancelled"], report["unchanged"]) == (1, 2, 4), report
    assert count(settings, "changes") == changes + 3
    exported = organization_feed(import_client, org)
    gov1 = exported[f"{stored['gov-1@thewheel.ie']['id']}@birlikte"]
    assert gov1["DTSTART"].dt == dublin(year, 3, 21, 11) and int(gov1["SEQUENCE"]) == 1
    for uid in ("gov-2@thewheel.ie", "visit@thewheel.ie"):
        assert str(exported[f"{stored[uid]['id']}@birlikte"]["STATUS"]) == "CANCELLED", uid


def test_a_feed_that_fails_or_grows_too_large_is_reported_and_keeps_what_was_imported(
        wheel, feed_server, import_client, events_pool, import_settings, settings):
    org, headers = wheel
    feed_id = imported_wheel_feed(import_client, events_pool, import_settings, org, headers, feed_server)
    events_before = len(by_external_id(settings, org))

    feed_server.status = 500
    state = fetch(import_client, events_pool, import_settings, org, headers, feed_id)
    assert state["last_outcome"] == "failed" and "500" in state["last_error"]
    assert state["last_report"]["created"] == 7  # the last good import's report stays

    feed_server.status = 200
    feed_server.body = b"this is not a calendar"
    state = fetch(import_client, events_pool, import_settings, org, headers, feed_id)
    assert state["last_outcome"] == "failed" and "iCalendar" in state["last_error"]

    feed_server.body = calendar(*wheel_calendar(spring()).values()) * 2
    import_client.post(f"/partners/{org}/calendar-imports/{feed_id}/fetch", headers=headers)
    imports.fetch_due(events_pool, import_settings.replace(calendar_import_max_bytes=len(feed_server.body) - 1))
    state = import_client.get(f"/partners/{org}/calendar-imports/{feed_id}", headers=headers).get_json()
    assert state["last_outcome"] == "failed" and "larger than" in state["last_error"]
    assert len(by_external_id(settings, org)) == events_before
    assert all(e["status"] != "cancelled" for e in by_external_id(settings, org).values())  # a failure deletes nothing


def test_two_workers_fetch_a_due_feed_once(wheel, feed_server, import_client, events_pool, import_settings):
    org, headers = wheel
    feed_server.body = calendar(*wheel_calendar(spring()).values())
    feed_id = register(import_client, headers, org, feed_server.url).get_json()["id"]
    workers = [threading.Thread(target=imports.fetch_due, args=(events_pool, import_settings)) for _ in range(2)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join()
    assert feed_server.requests == 1
    state = import_client.get(f"/partners/{org}/calendar-imports/{feed_id}", headers=headers).get_json()
    assert state["last_report"]["created"] == 7


def test_who_may_register_feeds_and_which_urls(wheel, client, import_client, tokens, community):
    org, headers = wheel
    internal = register(client, headers, org, "http://127.0.0.1:9/feed.ics")  # the real settings: no loopback
    assert internal.status_code == 422 and "url" in internal.get_json()["errors"]
    assert register(client, headers, org, "ftp://example.org/feed.ics").status_code == 422
    assert register(client, headers, org, "http://localhost/x.ics", time_zone="Mars/Olympus").status_code == 422

    other = community.organization()
    assert register(import_client, headers, other, "http://127.0.0.1:9/a.ics").status_code == 403
    reader = tokens.partner(org, "events:read")
    assert register(import_client, reader, org, "http://127.0.0.1:9/b.ics").status_code == 403
    first = register(import_client, headers, org, "http://127.0.0.1:9/c.ics")
    assert first.status_code == 201
    assert register(import_client, headers, org, "http://127.0.0.1:9/c.ics").status_code == 409
    listed = import_client.get(f"/partners/{org}/calendar-imports", headers=headers).get_json()["items"]
    assert [i["url"] for i in listed] == ["http://127.0.0.1:9/c.ics"]
    # A feed's URL may carry its token: a reading client sees none of it, nor does another organization's.
    assert import_client.get(f"/partners/{org}/calendar-imports", headers=reader).status_code == 403
    assert import_client.get(f"/partners/{org}/calendar-imports", headers=tokens.partner(other, "events:write")
                             ).status_code == 403
    path = f"/partners/{org}/calendar-imports/{first.get_json()['id']}"
    assert import_client.delete(path, headers=reader).status_code == 403
    assert import_client.delete(path, headers=headers).status_code == 204
    assert import_client.get(path, headers=headers).status_code == 404


def test_a_feed_can_move_pause_and_be_registered_anew_without_duplicating_its_events(
        wheel, import_client, events_pool, import_settings, settings):
    org, headers = wheel
    first, second = FeedServer(), FeedServer()
    try:
        year = spring()
        for server in (first, second):
            server.body = calendar(*wheel_calendar(year).values())
        feed_id = register(import_client, headers, org, first.url).get_json()["id"]
        assert fetch(import_client, events_pool, import_settings, org, headers, feed_id)["last_report"]["created"] == 7
        path = f"/partners/{org}/calendar-imports/{feed_id}"

        assert import_client.patch(path, json={"url": second.url}, headers=headers).status_code == 428
        current = import_client.get(path, headers=headers)
        moved = import_client.patch(path, json={"url": second.url},
                                    headers={**headers, "If-Match": current.headers["ETag"]})
        assert moved.status_code == 200 and moved.get_json()["url"] == second.url
        imports.fetch_due(events_pool, import_settings)  # a new URL is fetched at once
        state = import_client.get(path, headers=headers).get_json()
        assert second.requests == 1 and (state["last_report"]["created"], state["last_report"]["unchanged"]) == (0, 7)

        paused = import_client.patch(path, json={"active": False},
                                     headers={**headers, "If-Match": import_client.get(path, headers=headers).headers["ETag"]})
        assert paused.get_json()["active"] is False
        import_client.post(f"{path}/fetch", headers=headers)
        imports.fetch_due(events_pool, import_settings)
        assert second.requests == 1  # paused: not fetched

        # Removed and registered again: the same events, now followed by the new registration.
        assert import_client.delete(path, headers=headers).status_code == 204
        again = register(import_client, headers, org, second.url).get_json()["id"]
        assert fetch(import_client, events_pool, import_settings, org, headers, again)["last_report"]["unchanged"] == 7
        second.body = calendar(*wheel_calendar(year, visit=None).values())
        report = fetch(import_client, events_pool, import_settings, org, headers, again)["last_report"]
        assert report["cancelled"] == 1, report
        assert by_external_id(settings, org)["visit@thewheel.ie"]["status"] == "cancelled"
        assert len(by_external_id(settings, org)) == 7  # nothing imported twice
    finally:
        first.stop()
        second.stop()


# --- Hostile, broken and awkward feeds ----------------------------------------------------------

def state_of(import_client, org, headers, feed_id) -> dict:
    return import_client.get(f"/partners/{org}/calendar-imports/{feed_id}", headers=headers).get_json()


def test_a_trickling_server_or_an_endless_rule_fails_the_fetch_instead_of_holding_the_worker(
        wheel, feed_server, import_client, events_pool, import_settings, settings):
    org, headers = wheel
    feed_server.body = calendar(*wheel_calendar(spring()).values())
    feed_server.trickle = 0.05  # ~2 minutes for the whole body
    feed_id = register(import_client, headers, org, feed_server.url).get_json()["id"]
    began = time.monotonic()
    imports.fetch_due(events_pool, import_settings.replace(calendar_import_timeout_seconds=1.0))
    assert time.monotonic() - began < 5
    state = state_of(import_client, org, headers, feed_id)
    assert state["last_outcome"] == "failed" and "longer than 1 s" in state["last_error"]

    feed_server.trickle = 0
    feed_server.body = calendar(vevent("minutely@thewheel.ie", dublin(spring(), 3, 1, 9), dublin(spring(), 3, 1, 10),
                                       "Every minute", location="Dublin", rrule={"freq": "minutely"}))
    state = fetch(import_client, events_pool, import_settings.replace(calendar_import_max_events=50), org, headers,
                  feed_id)
    assert state["last_outcome"] == "failed" and "more than 50 events" in state["last_error"]
    assert by_external_id(settings, org) == {}  # nothing of it was written


def test_floating_all_day_and_skipped_midnight_times_are_the_partners_wall_clock(
        community, tokens, feed_server, import_client, events_pool, import_settings, settings):
    """A floating meeting two hours ahead in Los Angeles (read as UTC it would be over already),
    and an all-day event on the day Chile's clocks skip midnight (it starts at 01:00)."""
    org = community.organization(country="CL")
    headers = tokens.partner(org, "events:write")
    santiago = ZoneInfo("America/Santiago")
    la_now = datetime.now(ZoneInfo("America/Los_Angeles")).replace(tzinfo=None, second=0, microsecond=0)
    skipped = next(day for day in (date.today() + timedelta(days=n) for n in range(1, 400))
                   if datetime.combine(day, datetime.min.time(), santiago).astimezone(timezone.utc)
                   .astimezone(santiago).hour == 1)  # midnight does not exist that day
    feed_server.body = calendar(
        vevent("floating@partner.cl", la_now + timedelta(hours=2), la_now + timedelta(hours=4), "Floating",
               location="Los Angeles"),
        vevent("allday@partner.cl", skipped, skipped + timedelta(days=1), "All day", location="Santiago"))
    la = register(import_client, headers, org, feed_server.url, time_zone="America/Los_Angeles").get_json()["id"]
    assert fetch(import_client, events_pool, import_settings, org, headers, la)["last_report"]["created"] == 2
    stored = by_external_id(settings, org)
    assert stored["floating@partner.cl"]["starts_at"] == (la_now + timedelta(hours=2)).replace(
        tzinfo=ZoneInfo("America/Los_Angeles"))
    # The same feed read in Santiago's zone: the all-day event from the first moment of its day.
    import_client.delete(f"/partners/{org}/calendar-imports/{la}", headers=headers)
    cl = register(import_client, headers, org, feed_server.url, time_zone="America/Santiago").get_json()["id"]
    report = fetch(import_client, events_pool, import_settings, org, headers, cl)["last_report"]
    assert report["failed"] == 0, report
    allday = by_external_id(settings, org)["allday@partner.cl"]
    # (compared as timestamps: Python never calls a time in a gap equal to one in another zone)
    assert allday["starts_at"].timestamp() == datetime.combine(skipped, datetime.min.time(), santiago).timestamp()
    assert allday["starts_at"].astimezone(santiago).hour == 1


def test_broken_vevents_are_reported_and_the_rest_still_land(
        wheel, feed_server, import_client, events_pool, import_settings, settings):
    org, headers = wheel
    year = spring()
    no_start = icalendar.Event()
    no_start.add("uid", "nostart@thewheel.ie")
    no_start.add("summary", "Someday")
    nul = vevent("nul@thewheel.ie", dublin(year, 3, 5, 10), dublin(year, 3, 5, 11), "Null\x00byte", location="Cork")
    broken_series = vevent("broken@thewheel.ie", dublin(year, 3, 6, 10), dublin(year, 3, 6, 11), "Broken series",
                           location="Cork", rrule={"freq": "weekly"})
    feed_server.body = calendar(no_start, nul, broken_series, *list(wheel_calendar(year).values())[:2]).replace(
        b"RRULE:FREQ=WEEKLY\r\n", b"RRULE:FREQ=FORTNIGHTLY\r\n")  # no such frequency
    feed_id = register(import_client, headers, org, feed_server.url).get_json()["id"]
    state = fetch(import_client, events_pool, import_settings, org, headers, feed_id)
    assert state["last_outcome"] == "imported", state
    assert state["last_report"]["created"] == 3  # the two good ones and the one with a NUL in its title
    assert {p["uid"] for p in state["last_report"]["problems"]} == {"nostart@thewheel.ie", "broken@thewheel.ie"}
    assert by_external_id(settings, org)["nul@thewheel.ie"]["title"] == {"en": "Nullbyte"}


def test_postponed_beyond_the_horizon_is_moved_not_cancelled_and_a_withdrawn_event_can_return(
        wheel, feed_server, import_client, events_pool, settings, import_settings):
    org, headers = wheel
    short = import_settings.replace(calendar_import_horizon_days=30)
    soon_start = datetime.now(DUBLIN).replace(minute=0, second=0, microsecond=0) + timedelta(days=10)

    def meeting(start):
        return vevent("talk@thewheel.ie", start, start + timedelta(hours=1), "Talk", location="Dublin")

    feed_server.body = calendar(meeting(soon_start))
    feed_id = register(import_client, headers, org, feed_server.url).get_json()["id"]
    assert fetch(import_client, events_pool, short, org, headers, feed_id)["last_report"]["created"] == 1
    feed_server.body = calendar(meeting(soon_start + timedelta(days=35)))  # beyond the 30-day horizon
    assert fetch(import_client, events_pool, short, org, headers, feed_id)["last_report"]["updated"] == 1
    assert by_external_id(settings, org)["talk@thewheel.ie"]["status"] == "rescheduled"

    feed_server.body = calendar()  # the partner removes it …
    assert fetch(import_client, events_pool, short, org, headers, feed_id)["last_report"]["cancelled"] == 1
    feed_server.body = calendar(meeting(soon_start + timedelta(days=35)))  # … and lists it again
    assert fetch(import_client, events_pool, short, org, headers, feed_id)["last_report"]["updated"] == 1
    back = by_external_id(settings, org)["talk@thewheel.ie"]
    assert back["status"] == "scheduled" and back["cancelled_at"] is None and back["sequence"] == 2


def test_a_change_made_while_a_fetch_runs_wins_and_new_defaults_are_applied_in_full(
        wheel, feed_server, import_client, events_pool, import_settings, settings):
    org, headers = wheel
    feed_server.body = calendar(*wheel_calendar(spring()).values())
    feed_id = register(import_client, headers, org, feed_server.url).get_json()["id"]
    path = f"/partners/{org}/calendar-imports/{feed_id}"
    fetch(import_client, events_pool, import_settings, org, headers, feed_id)

    def claimed() -> dict:  # what the worker's claim returns, for this import
        import_client.post(f"{path}/fetch", headers=headers)
        with events_pool.connection() as conn:
            return conn.execute("UPDATE calendar_imports SET next_fetch_at = now() + %s WHERE id = %s RETURNING *",
                                (imports.LEASE, feed_id)).fetchone()

    # "Fetch now" pressed while a fetch runs: another fetch stays due.
    running = claimed()
    import_client.post(f"{path}/fetch", headers=headers)
    imports.run(events_pool, import_settings, running)
    assert datetime.fromisoformat(state_of(import_client, org, headers, feed_id)["next_fetch_at"]) <= \
        datetime.now(timezone.utc)

    # A new URL set while a fetch of the old one runs: the old URL's body is not applied.
    running = claimed()
    moved = FeedServer()
    try:
        moved.body, feed_server.body = feed_server.body, calendar()  # applied, the old URL's would cancel all
        etag = import_client.get(path, headers=headers).headers["ETag"]
        import_client.patch(path, json={"url": moved.url}, headers={**headers, "If-Match": etag})
        assert imports.run(events_pool, import_settings, running) == {}
        assert feed_server.requests == 3 and all(e["status"] != "cancelled" for e in by_external_id(settings, org).values())
        imports.fetch_due(events_pool, import_settings)  # the new URL is due at once
        assert moved.requests == 1 and state_of(import_client, org, headers, feed_id)["last_report"]["unchanged"] == 7

        # New defaults: applied to every event at the next fetch, although the feed is unchanged.
        etag = import_client.get(path, headers=headers).headers["ETag"]
        import_client.patch(path, json={"visibility": "members", "kind": "study_visit"},
                            headers={**headers, "If-Match": etag})
        imports.fetch_due(events_pool, import_settings)
        assert moved.conditional[-1] is False
        assert state_of(import_client, org, headers, feed_id)["last_report"]["updated"] == 7
        assert {(e["visibility"], e["kind"]) for e in by_external_id(settings, org).values()} == {("members", "study_visit")}
    finally:
        moved.stop()


def test_an_unchanged_feed_is_still_applied_in_full_once_a_day(
        wheel, feed_server, import_client, events_pool, import_settings, settings):
    org, headers = wheel
    feed_id = imported_wheel_feed(import_client, events_pool, import_settings, org, headers, feed_server)
    assert fetch(import_client, events_pool, import_settings, org, headers, feed_id)["last_outcome"] == "not_modified"
    with events_pool.connection() as conn:
        conn.execute("UPDATE calendar_imports SET last_applied_at = now() - interval '25 hours' WHERE id = %s",
                     (feed_id,))
    state = fetch(import_client, events_pool, import_settings, org, headers, feed_id)
    assert feed_server.conditional == [False, True, False]
    assert state["last_outcome"] == "imported" and state["last_report"]["unchanged"] == 7


def test_a_confirmed_tentative_event_must_be_complete_and_two_feeds_cannot_share_a_uid(
        wheel, feed_server, import_client, events_pool, import_settings, settings):
    org, headers = wheel
    year = spring()
    bare = {"uid": "bare@thewheel.ie", "start": dublin(year, 6, 3, 10), "end": dublin(year, 6, 3, 12)}
    feed_server.body = calendar(vevent(bare["uid"], bare["start"], bare["end"], "Maybe", status="TENTATIVE"))
    feed_id = register(import_client, headers, org, feed_server.url).get_json()["id"]
    assert fetch(import_client, events_pool, import_settings, org, headers, feed_id)["last_report"]["created"] == 1
    feed_server.body = calendar(vevent(bare["uid"], bare["start"], bare["end"], "Maybe"))  # confirmed, nowhere
    report = fetch(import_client, events_pool, import_settings, org, headers, feed_id)["last_report"]
    assert report["failed"] == 1 and "venue" in report["problems"][0]["errors"], report
    assert by_external_id(settings, org)[bare["uid"]]["status"] == "draft"

    other = FeedServer()
    try:
        other.body = calendar(vevent(bare["uid"], bare["start"], bare["end"], "Maybe", location="Dublin"))
        second = register(import_client, headers, org, other.url).get_json()["id"]
        report = fetch(import_client, events_pool, import_settings, org, headers, second)["last_report"]
        assert report["failed"] == 1 and report["problems"][0]["title"] == "Imported by another feed", report
        assert by_external_id(settings, org)[bare["uid"]]["calendar_import_id"] == uuid.UUID(feed_id)
    finally:
        other.stop()


def test_a_server_that_stops_sending_mid_body_is_a_failed_fetch(
        wheel, feed_server, import_client, events_pool, import_settings):
    org, headers = wheel
    feed_server.body = calendar(*wheel_calendar(spring()).values())
    feed_server.trickle = 2.0  # the first byte after 2 s: longer than the per-read timeout below
    feed_id = register(import_client, headers, org, feed_server.url).get_json()["id"]
    imports.fetch_due(events_pool, import_settings.replace(calendar_import_timeout_seconds=0.5))
    state = state_of(import_client, org, headers, feed_id)
    assert state["last_outcome"] == "failed" and "Not a readable" not in state["last_error"], state
    assert "timed out" in state["last_error"].lower(), state["last_error"]
