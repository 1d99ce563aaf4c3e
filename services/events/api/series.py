"""Series that group events, e.g. "Civil Space Discussions" or "Online Information Sessions"."""
from __future__ import annotations

from flask.views import MethodView

from shared import rows
from shared.auth.flask import current_principal, optional_principal
from shared.http.blueprint import Blueprint
from shared.http.db import cursor
from shared.http.etag import if_match
from shared.http.idempotency import idempotent
from shared.http.pagination import cursor_of
from shared.paging import PageArgsSchema
from shared.http.resources import answer, answer_read, created, page_of, paginate
from services.events import access, queries
from services.events.operations import series
from services.events.schemas import SeriesIn, SeriesOut, SeriesPatch

blp = Blueprint("series", __name__, url_prefix="/series", description="Series of events.")


@blp.route("")
class SeriesList(MethodView):
    @blp.arguments(PageArgsSchema, location="query")
    @blp.response(200, page_of(SeriesOut))
    def get(self, args):
        """Every series (open to anyone: a series says what the program is, not who is in it)."""
        optional_principal()  # none is needed, but a token sent is checked: a bad one is a 401
        found = queries.series(cursor(), cursor_of(args), args["limit"])
        return paginate(found, args["limit"], queries.CREATED_ORDER)

    @blp.arguments(SeriesIn)
    @blp.response(201, SeriesOut)
    @idempotent
    def post(self, data):
        principal = current_principal()
        access.require_series_editor(principal)
        row = series.create(cursor(), principal, data)
        return created(row, "series.Series", series_id=row["id"])


@blp.route("/<uuid:series_id>")
class Series(MethodView):
    @blp.response(200, SeriesOut)
    def get(self, series_id):
        optional_principal()
        return answer_read(rows.load(cursor(), "series", series_id, "series"))

    @blp.arguments(SeriesPatch)
    @blp.response(200, SeriesOut)
    def patch(self, changes, series_id):
        """Change a series (coordinators; If-Match required)."""
        principal = current_principal()
        access.require_series_editor(principal)
        return answer(series.change(cursor(), principal, series_id, changes, if_match()))
