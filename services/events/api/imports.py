"""A partner's own iCalendar feeds, registered for the events worker to import (services/events/imports.py)."""
from __future__ import annotations

from flask import current_app
from flask.views import MethodView
from marshmallow import Schema, fields, validate

from shared import rows
from shared.auth.flask import current_principal, require
from shared.http.blueprint import Blueprint
from shared.http.db import cursor
from shared.http.etag import require_if_match
from shared.outbound import require_safe_url
from shared.http.problems import abort_problem
from shared.http.resources import answer, answer_read, changed, conflicts, created, now
from services.events.schemas import KINDS, TEXT_LANGUAGES, VISIBILITIES, zone_name

blp = Blueprint("imports", __name__, description="Partners' iCalendar feeds, imported by UID.")
MAX_PER_ORGANIZATION = 20
COLUMNS = ("url", "kind", "visibility", "language", "time_zone")


class ImportIn(Schema):
    url = fields.URL(required=True, schemes={"https", "http"}, require_tld=False, validate=validate.Length(max=2000),
                     metadata={"description": "the feed's address (kept private: it may carry a token)"})
    time_zone = fields.String(required=True, validate=zone_name,
                              metadata={"description": "for all-day events, floating and UTC times"})
    kind = fields.String(load_default="thematic_meeting", validate=validate.OneOf(KINDS),
                         metadata={"description": "the kind every imported event gets"})
    visibility = fields.String(load_default="members", validate=validate.OneOf(VISIBILITIES))
    language = fields.String(load_default="en", validate=validate.OneOf(TEXT_LANGUAGES),
                             metadata={"description": "the language the feed's titles are written in"})


class ImportPatch(ImportIn):
    active = fields.Boolean(metadata={"description": "false pauses the import; true resumes it"})

    def __init__(self, **kwargs):
        super().__init__(partial=True, **kwargs)


class ImportOut(ImportIn):
    id = fields.UUID()
    organization_id = fields.UUID()
    active = fields.Boolean()
    last_fetched_at = fields.DateTime(allow_none=True)
    next_fetch_at = fields.DateTime()
    last_outcome = fields.String(allow_none=True, metadata={"description": "imported, not_modified or failed"})
    last_error = fields.String(allow_none=True)
    last_report = fields.Dict(metadata={"description": "created, updated, unchanged, cancelled, failed and the "
                                                       "problems of the VEVENTs that failed, by UID"})
    version = fields.Integer()
    created_at = fields.DateTime()
    updated_at = fields.DateTime()


class ImportList(Schema):
    items = fields.List(fields.Nested(ImportOut))


def _require_owner(organization_id) -> None:
    """The organization's partner client with events:write (a feed's URL may carry its token, so
    reading needs it too), its admins, or a coordinator."""
    principal = current_principal()
    if principal.is_partner_client:
        require(principal.organization == str(organization_id) and principal.has_scope("events:write"),
                "This client manages only its own organization's feeds, with the events:write scope.")
    else:
        require(principal.can_admin(str(organization_id)),
                "Only a coordinator, an admin of this organization or its partner client can do this.")


def _load(cur, organization_id, import_id, *, for_update: bool = False) -> dict:
    cur.execute("SELECT * FROM calendar_imports WHERE id = %s AND organization_id = %s"
                + (" FOR UPDATE" if for_update else ""), (import_id, organization_id))
    row = cur.fetchone()
    if row is None:
        abort_problem(404, "Feed not found", f"Your organization has no calendar feed with the id {import_id}.")
    return row


@blp.route("/partners/<uuid:organization_id>/calendar-imports")
class Imports(MethodView):
    @blp.response(200, ImportList)
    def get(self, organization_id):
        """The organization's registered feeds, each with the outcome of its last fetch."""
        _require_owner(organization_id)
        cur = cursor()
        cur.execute("SELECT * FROM calendar_imports WHERE organization_id = %s ORDER BY created_at, id", (organization_id,))
        return {"items": cur.fetchall()}

    @blp.arguments(ImportIn)
    @blp.response(201, ImportOut)
    def post(self, data, organization_id):
        """Register a feed: the events worker fetches it within a minute, then every
        BIRLIKTE_CALENDAR_IMPORT_INTERVAL_SECONDS, and upserts its events by UID."""
        _require_owner(organization_id)
        require_safe_url(data["url"], current_app.extensions["birlikte"]["settings"].calendar_import_allow_private)
        cur = cursor()
        # Two registrations at once must not both find room under the limit.
        cur.execute("SELECT pg_advisory_xact_lock(hashtextextended(%s, 0))", (f"calendar-imports:{organization_id}",))
        cur.execute("SELECT count(*) AS n FROM calendar_imports WHERE organization_id = %s", (organization_id,))
        if cur.fetchone()["n"] >= MAX_PER_ORGANIZATION:
            abort_problem(409, "Too many feeds", f"An organization may register up to {MAX_PER_ORGANIZATION} feeds; "
                          "remove one first.")
        with conflicts("Your organization already imports this feed.", errors={"url": ["Already registered."]}):
            cur.execute(f"""INSERT INTO calendar_imports (organization_id, created_by, {', '.join(COLUMNS)})
                            VALUES (%s, %s, {', '.join(['%s'] * len(COLUMNS))}) RETURNING *""",  # noqa: S608 (fixed names)
                        (organization_id, current_principal().subject, *(data[c] for c in COLUMNS)))
            row = cur.fetchone()
        return created(row, "imports.Import", organization_id=organization_id, import_id=row["id"])


@blp.route("/partners/<uuid:organization_id>/calendar-imports/<uuid:import_id>")
class Import(MethodView):
    @blp.response(200, ImportOut)
    def get(self, organization_id, import_id):
        """One feed and the outcome of its last fetch (problems name the VEVENT's UID and field)."""
        _require_owner(organization_id)
        return answer_read(_load(cursor(), organization_id, import_id))

    @blp.arguments(ImportPatch)
    @blp.response(200, ImportOut)
    def patch(self, data, organization_id, import_id):
        """Change the feed's URL (e.g. a rotated private link), its defaults, or pause it
        (`active: false`); If-Match required. A new URL or resuming fetches at once."""
        _require_owner(organization_id)
        cur = cursor()
        current = _load(cur, organization_id, import_id, for_update=True)
        require_if_match(current["version"])
        data = changed(current, data)
        if not data:
            return answer(current)
        if "url" in data:
            require_safe_url(data["url"], current_app.extensions["birlikte"]["settings"].calendar_import_allow_private)
        # A new URL, or new defaults for its events: fetch and apply it in full now. A fetch in
        # hand loses its claim, so what it brings is not applied over the change.
        if set(data) & set(COLUMNS):
            data.update(etag=None, last_modified=None, next_fetch_at=now(), claimed_at=None)
        elif data.get("active"):
            data.update(next_fetch_at=now(), claimed_at=None)
        with conflicts("Your organization already imports this feed.", errors={"url": ["Already registered."]}):
            return answer(rows.update(cur, "calendar_imports", import_id, data))

    @blp.response(204)
    def delete(self, organization_id, import_id):
        """Stop importing the feed. Its events stay as they are; a feed registered again that lists
        their UIDs takes them over."""
        _require_owner(organization_id)
        cur = cursor()
        _load(cur, organization_id, import_id, for_update=True)
        cur.execute("DELETE FROM calendar_imports WHERE id = %s", (import_id,))


@blp.route("/partners/<uuid:organization_id>/calendar-imports/<uuid:import_id>/fetch")
class ImportNow(MethodView):
    @blp.response(202, ImportOut)
    def post(self, organization_id, import_id):
        """Fetch the feed at the worker's next look (within a minute) instead of waiting its turn."""
        _require_owner(organization_id)
        cur = cursor()
        _load(cur, organization_id, import_id, for_update=True)
        cur.execute("UPDATE calendar_imports SET next_fetch_at = now(), claimed_at = NULL, version = version + 1, "
                    "updated_at = now() "
                    "WHERE id = %s RETURNING *", (import_id,))
        return answer(cur.fetchone(), 202)
