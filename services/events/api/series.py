"""Series that group events, e.g. "Civil Space Discussions" or "Online Information Sessions"."""
from __future__ import annotations

from flask.views import MethodView
from shared.http.blueprint import Blueprint

from shared import rows
from shared.auth.flask import current_principal, require
from shared.http.db import cursor
from shared.http.idempotency import idempotent
from shared.http.pagination import PageArgsSchema, decode_cursor
from shared.http.resources import answer, answer_read, changed, created, load, load_for_change, page_of, paginate
from services.events.api import shape
from services.events.schemas import SeriesIn, SeriesOut

blp = Blueprint("series", __name__, url_prefix="/series", description="Series of events.")
ORDER = ["created_at", "id"]


class SeriesPatch(SeriesIn):
    def __init__(self, **kwargs):
        super().__init__(partial=True, **kwargs)


def _require_coordinator(principal) -> None:
    require(principal.is_coordinator, "Only a coordinator can shape the program's series.")


@blp.route("")
class SeriesList(MethodView):
    @blp.arguments(PageArgsSchema, location="query")
    @blp.response(200, page_of(SeriesOut))
    def get(self, args):
        """Every series (open to anyone: a series says what the program is, not who is in it)."""
        cursor_values = decode_cursor(args["cursor"]) if args.get("cursor") else None
        found = rows.page(cursor(), "series", [], ORDER, cursor_values, args["limit"])
        return paginate(found, args["limit"], ORDER)

    @blp.arguments(SeriesIn)
    @blp.response(201, SeriesOut)
    @idempotent
    def post(self, data):
        _require_coordinator(current_principal())
        row = rows.insert(cursor(), "series", shape.to_db(data))
        return created(row, "series.Series", series_id=row["id"])


@blp.route("/<uuid:series_id>")
class Series(MethodView):
    @blp.response(200, SeriesOut)
    def get(self, series_id):
        return answer_read(load(cursor(), "series", series_id, "series"))

    @blp.arguments(SeriesPatch)
    @blp.response(200, SeriesOut)
    def patch(self, changes, series_id):
        """Change a series (coordinators; If-Match required)."""
        _require_coordinator(current_principal())
        cur = cursor()
        current = load_for_change(cur, "series", series_id, "series")
        changes = changed(shape.normalize(current), shape.normalize(changes))
        if not changes:
            return answer(current)
        return answer(rows.update(cur, "series", series_id, shape.to_db(changes)))
