"""A partner's own iCalendar feeds, registered for the events worker to import (services/events/imports.py)."""
from __future__ import annotations

from flask import current_app
from flask.views import MethodView

from shared.auth.flask import current_principal
from shared.auth.principal import Principal
from shared.http.blueprint import Blueprint
from shared.http.db import cursor
from shared.http.etag import if_match
from shared.http.resources import answer, answer_read, created
from services.events import access, queries
from services.events.operations import calendar_imports
from services.events.schemas import ImportIn, ImportList, ImportOut, ImportPatch

blp = Blueprint("imports", __name__, description="Partners' iCalendar feeds, imported by UID.")


def _owner(organization_id) -> Principal:
    principal = current_principal()
    access.require_partner_writer(principal, organization_id, "feeds")
    return principal


def _allow_private() -> bool:
    return current_app.extensions["birlikte"]["settings"].calendar_import_allow_private


@blp.route("/partners/<uuid:organization_id>/calendar-imports")
class Imports(MethodView):
    @blp.response(200, ImportList)
    def get(self, organization_id):
        """The organization's registered feeds, each with the outcome of its last fetch."""
        _owner(organization_id)
        return {"items": queries.calendar_imports(cursor(), organization_id)}

    @blp.arguments(ImportIn)
    @blp.response(201, ImportOut)
    def post(self, data, organization_id):
        """Register a feed: the events worker fetches it within a minute, then every
        BIRLIKTE_CALENDAR_IMPORT_INTERVAL_SECONDS, and upserts its events by UID."""
        principal = _owner(organization_id)
        row = calendar_imports.register(cursor(), principal, organization_id, data, allow_private=_allow_private())
        return created(row, "imports.Import", organization_id=organization_id, import_id=row["id"])


@blp.route("/partners/<uuid:organization_id>/calendar-imports/<uuid:import_id>")
class Import(MethodView):
    @blp.response(200, ImportOut)
    def get(self, organization_id, import_id):
        """One feed and the outcome of its last fetch (problems name the VEVENT's UID and field)."""
        _owner(organization_id)
        return answer_read(queries.calendar_import(cursor(), organization_id, import_id))

    @blp.arguments(ImportPatch)
    @blp.response(200, ImportOut)
    def patch(self, data, organization_id, import_id):
        """Change the feed's URL (e.g. a rotated private link), its defaults, or pause it
        (`active: false`); If-Match required. A new URL or resuming fetches at once."""
        principal = _owner(organization_id)
        return answer(calendar_imports.change(cursor(), principal, organization_id, import_id, data, if_match(),
                                              allow_private=_allow_private()))

    @blp.response(204)
    def delete(self, organization_id, import_id):
        """Stop importing the feed. Its events stay as they are; a feed registered again that lists
        their UIDs takes them over."""
        principal = _owner(organization_id)
        calendar_imports.remove(cursor(), principal, organization_id, import_id)


@blp.route("/partners/<uuid:organization_id>/calendar-imports/<uuid:import_id>/fetch")
class ImportNow(MethodView):
    @blp.response(202, ImportOut)
    def post(self, organization_id, import_id):
        """Fetch the feed at the worker's next look (within a minute) instead of waiting its turn."""
        principal = _owner(organization_id)
        return answer(calendar_imports.fetch_now(cursor(), principal, organization_id, import_id), 202)
