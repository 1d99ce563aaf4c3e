"""The daily digest: notifications held for people who asked for one email a day, sent at eight
in the morning on their own clock."""
from __future__ import annotations

import zoneinfo
from datetime import datetime, time

from shared.config import Settings
from services.notifications import notify

SEND_AT = time(8, 0)


def send_digests(pool, settings: Settings, now: datetime | None = None) -> int:
    """Compose today's digest for everyone whose morning has come and who has something held."""
    now = now or datetime.now(zoneinfo.ZoneInfo("UTC"))
    composed = 0
    with pool.connection() as conn, conn.transaction(), conn.cursor() as cur:
        cur.execute("""SELECT r.* FROM recipients r WHERE r.digest = 'daily'
                         AND EXISTS (SELECT 1 FROM notifications n WHERE n.recipient_id = r.id AND n.status = 'held')
                       FOR UPDATE OF r SKIP LOCKED""")
        for person in cur.fetchall():
            local = now.astimezone(zoneinfo.ZoneInfo(person["time_zone"]))
            if local.time() < SEND_AT or person["last_digest_on"] == local.date():
                continue
            cur.execute("UPDATE notifications SET status = 'digested' WHERE recipient_id = %s AND status = 'held' "
                        "RETURNING subject, created_at", (person["id"],))
            items = sorted(cur.fetchall(), key=lambda item: item["created_at"])
            notify.notify(cur, settings, {**person, "digest": "immediate"}, "digest",
                          f"{local.date().isoformat()}", lambda _r: {"items": items})
            cur.execute("UPDATE recipients SET last_digest_on = %s WHERE id = %s", (local.date(), person["id"]))
            composed += 1
    return composed
