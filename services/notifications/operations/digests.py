"""The daily digest: notifications held for people who asked for one email a day, sent at eight
in the morning on their own clock."""
from __future__ import annotations

import zoneinfo
from datetime import date, datetime, time

from shared.config import Settings
from services.notifications import links, queries
from services.notifications.operations import notifications

SEND_AT = time(8, 0)


def digest_day(person: dict, now: datetime) -> date | None:
    """The day on the person's clock whose digest is due at `now`: their morning has come and
    that day's digest has not gone out yet. None when none is due."""
    local = now.astimezone(zoneinfo.ZoneInfo(person["time_zone"]))
    if local.time() < SEND_AT or person["last_digest_on"] == local.date():
        return None
    return local.date()


def send_digests(pool, settings: Settings, now: datetime | None = None) -> int:
    """Compose today's digest for everyone whose morning has come and who has something held."""
    now = now or datetime.now(zoneinfo.ZoneInfo("UTC"))
    composed = 0
    with pool.connection() as conn, conn.transaction(), conn.cursor() as cur:
        for person in queries.awaiting_digest(cur):
            day = digest_day(person, now)
            if day:
                _compose(cur, settings, person, day)
                composed += 1
    return composed


def _compose(cur, settings: Settings, person: dict, day: date) -> None:
    """One email of everything held for the person, oldest first; what it holds is digested."""
    cur.execute("UPDATE notifications SET status = 'digested' WHERE recipient_id = %s AND status = 'held' "
                "RETURNING subject, link, created_at", (person["id"],))
    items = sorted(cur.fetchall(), key=lambda item: item["created_at"])
    notifications.notify(cur, settings, person, "digest", day.isoformat(), {"items": items}, link=links.inbox(settings))
    cur.execute("UPDATE recipients SET last_digest_on = %s WHERE id = %s", (day, person["id"]))
