"""Archive items: added as drafts, changed, published (a recording only with every speaker's
consent), withdrawn; and the draft recording an online event leaves behind when it completes."""
from __future__ import annotations

from datetime import timezone

from shared import rows
from shared.auth.principal import Principal
from shared.errors import Conflict
from shared.versions import Precondition
from services.archive import queries, store
from services.archive.errors import ConsentMissing, MediaMismatch, UnknownEvents
from services.archive.messages import emit


def create(cur, actor: Principal, data: dict) -> dict:
    """A draft; its file comes next (operations.files.attach)."""
    _require_fits(cur, actor, data, data.get("event_ids", []))
    row = rows.insert(cur, "items", store.to_db({**data, "created_by": actor.subject}))
    emit(cur, "created", row)
    return row


def change(cur, actor: Principal, item_id, changes: dict, precondition: Precondition) -> dict:
    current = rows.load_for_change(cur, "items", item_id, "item", precondition)
    changes = rows.changed(current, store.as_stored(changes))
    if not changes:
        return current
    added = [e for e in changes.get("event_ids", []) if e not in current["event_ids"]]
    _require_fits(cur, actor, {**current, **changes}, added)
    return rows.update(cur, "items", item_id, store.to_db(changes))


def _require_fits(cur, actor: Principal, item: dict, linked: list) -> None:
    """Only a recording is video or audio; the events a person links it to (`linked`) are events
    the archive has heard of. A system actor's ids come from the events service or the shared
    community itself (the demo), and may be ahead of the archive's copy."""
    if item.get("media") and item["type"] != "recording":
        raise MediaMismatch(item["type"])
    if linked and not actor.is_system:
        unknown = sorted({str(e) for e in linked} - queries.known_events(cur, linked))
        if unknown:
            raise UnknownEvents(unknown)


def publish(cur, actor: Principal, item_id, precondition: Precondition) -> dict:
    item = rows.load_for_change(cur, "items", item_id, "item", precondition)
    if item["status"] == "published":
        return item
    if item["type"] != "link" and not item["file_key"]:
        raise Conflict("No file yet", "Upload the item's file before publishing it.")
    if item["type"] == "recording":
        _require_consent(cur, item["speakers"])
    row = rows.update(cur, "items", item_id, {"status": "published", "published_at": rows.now(), "withdrawn_at": None})
    emit(cur, "published", row)
    return row


def _require_consent(cur, speakers: list[dict]) -> None:
    """A recording goes out only when every speaker on it agreed to be recorded."""
    consented = queries.consenting(cur, [s["person_id"] for s in speakers if s.get("person_id")])
    unnamed = [s["name"] for s in speakers if not s.get("person_id")]
    refused = [s["name"] for s in speakers if s.get("person_id") and s["person_id"] not in consented]
    if unnamed or refused:
        raise ConsentMissing(unnamed + refused)


def withdraw(cur, actor: Principal, item_id, precondition: Precondition) -> dict:
    """A published item disappears from every read path."""
    item = rows.load_for_change(cur, "items", item_id, "item", precondition)
    if item["status"] != "published":
        return item
    row = rows.update(cur, "items", item_id, {"status": "withdrawn", "withdrawn_at": rows.now()})
    emit(cur, "withdrawn", row)
    return row


def draft_recording(cur, actor: Principal, event: dict) -> dict | None:
    """The draft an online or hybrid event leaves when it completes, waiting for its file; a
    safe-space (invitation-only) meeting's stays with its participants. None when the event was
    not online, or it has a recording already (its draft, or one someone added)."""
    if event["format"] not in ("online", "hybrid"):
        return None
    store.lock_event_recordings(cur, event["id"])
    if queries.event_recording(cur, event["id"]) is not None:
        return None
    row = rows.insert(cur, "items", store.to_db({
        "type": "recording", "media": "video", "title": event["title"],
        "language": "tr" if "tr" in event["title"] else "en",
        "published_on": event["starts_at"].astimezone(timezone.utc).date(), "topics": event["topics"],
        "event_ids": [event["id"]], "organization_ids": event["organizer_ids"],
        "visibility": "participants" if event["visibility"] == "invitation" else "members",
        "created_by": store.FROM_EVENTS}), skip_existing=True)
    if row is not None:
        emit(cur, "created", row)
    return row


def drop_draft_recording(cur, actor: Principal, event_id) -> None:
    """A cancelled event's draft goes, unless someone has started on it (a file, a publication)."""
    store.delete_event_draft(cur, event_id)
