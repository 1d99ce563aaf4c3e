"""Study-visit placements: a participant from a home organization spends 10–15 days at a host
organization (the on-the-job learning program)."""
from __future__ import annotations

from flask.views import MethodView

from shared import rows
from shared.auth.flask import current_principal
from shared.http.blueprint import Blueprint
from shared.http.db import cursor
from shared.http.etag import if_match
from shared.http.idempotency import idempotent
from shared.http.pagination import cursor_of
from shared.http.resources import answer, answer_read, created, page_of, paginate
from services.events import access, queries
from services.events.operations import placements
from services.events.schemas import PlacementIn, PlacementOut, PlacementPatch, PlacementQuery

blp = Blueprint("placements", __name__, url_prefix="/placements", description="Study-visit placements.")


def named(cur, found: list[dict]) -> list[dict]:
    """Placements with the names of their participants and organizations (one query each)."""
    people = queries.people_names(cur, [p["participant_id"] for p in found])
    organizations = queries.organization_names(
        cur, {str(p[k]) for p in found for k in ("home_organization_id", "host_organization_id")})
    return [{**p, "participant_name": people.get(str(p["participant_id"]), ""),
             "organization_names": {str(p[k]): organizations.get(str(p[k]), "")
                                    for k in ("home_organization_id", "host_organization_id")}} for p in found]


@blp.route("")
class Placements(MethodView):
    @blp.arguments(PlacementQuery, location="query")
    @blp.response(200, page_of(PlacementOut))
    def get(self, args):
        """Placements of your organizations (as home or host) and your own; all for coordinators."""
        principal = current_principal()
        cur = cursor()
        found = queries.placements(cur, args, access.visible_placements(principal), principal.subject,
                                   cursor_of(args), args["limit"])
        return paginate(named(cur, found), args["limit"], queries.PLACEMENT_ORDER)

    @blp.arguments(PlacementIn)
    @blp.response(201, PlacementOut)
    @idempotent
    def post(self, data):
        """Propose a placement (coordinators, or admins of the home organization)."""
        principal = current_principal()
        access.require_can_propose_placement(principal, data["home_organization_id"])
        row = placements.propose(cursor(), principal, data)
        return created(row, "placements.Placement", placement_id=row["id"])


@blp.route("/<uuid:placement_id>")
class Placement(MethodView):
    @blp.response(200, PlacementOut)
    def get(self, placement_id):
        cur = cursor()
        row = rows.load(cur, "placements", placement_id, "placement")
        access.require_can_see_placement(current_principal(), row)
        return answer_read(named(cur, [row])[0])

    @blp.arguments(PlacementPatch)
    @blp.response(200, PlacementOut)
    def patch(self, changes, placement_id):
        """Change dates or goals, or move the status on (If-Match required):
        proposed → confirmed → in_progress → completed, or cancelled."""
        principal = current_principal()
        cur = cursor()
        access.require_can_change_placement(principal, rows.load(cur, "placements", placement_id, "placement"))
        return answer(placements.change(cur, principal, placement_id, changes, if_match()))
