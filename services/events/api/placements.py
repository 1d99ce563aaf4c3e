"""Study-visit placements: a participant from a home organization spends 10–15 days at a host
organization (the on-the-job learning program)."""
from __future__ import annotations

from flask.views import MethodView
from shared.http.blueprint import Blueprint

from shared import rows
from shared.auth.flask import current_principal, require
from shared.http.db import cursor
from shared.http.idempotency import idempotent
from shared.http.pagination import decode_cursor
from shared.http.problems import abort_problem
from shared.http.resources import answer, answer_read, changed, created, load, load_for_change, page_of, paginate
from services.events import access, directory
from services.events.messages import emit
from services.events.schemas import PlacementIn, PlacementOut, PlacementPatch, PlacementQuery

blp = Blueprint("placements", __name__, url_prefix="/placements", description="Study-visit placements.")
ORDER = ["starts_on", "id"]
NEXT = {"proposed": {"confirmed", "cancelled"}, "confirmed": {"in_progress", "completed", "cancelled"},
        "in_progress": {"completed", "cancelled"}, "completed": set(), "cancelled": set()}


def _parties(row: dict) -> set[str]:
    return {str(row["home_organization_id"]), str(row["host_organization_id"])}


def _require_can_see(principal, row: dict) -> None:
    require(principal.is_coordinator or bool(access.organizations_of(principal) & _parties(row))
            or str(row["participant_id"]) == principal.subject, "This placement is not yours to see.")


def _require_can_change(principal, row: dict) -> None:
    require(any(principal.can_admin(o) for o in _parties(row)),
            "Only a coordinator or an admin of the home or host organization can change this placement.")


def _check(cur, data: dict) -> None:
    directory.require_active_organizations(cur, "host_organization_id", [data["host_organization_id"]])
    directory.require_active_organizations(cur, "home_organization_id", [data["home_organization_id"]])
    directory.require_active_person(cur, "participant_id", data["participant_id"])
    directory.require_member(cur, "participant_id", data["participant_id"], data["home_organization_id"])
    if data["home_organization_id"] == data["host_organization_id"]:
        abort_problem(422, "Host is the home organization", "A study visit is spent at another organization.",
                      errors={"host_organization_id": ["Must differ from home_organization_id."]})
    if data.get("event_id"):
        event = rows.get(cur, "events", data["event_id"])
        if event is None or event["kind"] != "study_visit":
            abort_problem(422, "Not a study visit", "event_id must name a study-visit event.",
                          errors={"event_id": ["Not a study-visit event."]})


@blp.route("")
class Placements(MethodView):
    @blp.arguments(PlacementQuery, location="query")
    @blp.response(200, page_of(PlacementOut))
    def get(self, args):
        """Placements of your organizations (as home or host) and your own; all for coordinators."""
        principal = current_principal()
        conditions = []
        if not principal.is_coordinator:
            mine = sorted(access.organizations_of(principal))
            conditions.append(("(home_organization_id = ANY(%s::uuid[]) OR host_organization_id = ANY(%s::uuid[]) "
                               "OR participant_id::text = %s)", (mine, mine, principal.subject)))
        if "organization_id" in args:
            conditions.append(("(home_organization_id = %s OR host_organization_id = %s)",
                               (args["organization_id"], args["organization_id"])))
        for name in ("participant_id", "status"):
            if name in args:
                conditions.append((f"{name} = %s", (args[name],)))
        cursor_values = decode_cursor(args["cursor"]) if args.get("cursor") else None
        found = rows.page(cursor(), "placements", conditions, ORDER, cursor_values, args["limit"])
        return paginate(found, args["limit"], ORDER)

    @blp.arguments(PlacementIn)
    @blp.response(201, PlacementOut)
    @idempotent
    def post(self, data):
        """Propose a placement (coordinators, or admins of the home organization)."""
        principal = current_principal()
        require(principal.can_admin(data["home_organization_id"]),
                "Only a coordinator or an admin of the home organization can propose a placement.")
        cur = cursor()
        _check(cur, data)
        row = rows.insert(cur, "placements", {**data, "created_by": principal.subject})
        emit(cur, "placement", "proposed", row)
        return created(row, "placements.Placement", placement_id=row["id"])


@blp.route("/<uuid:placement_id>")
class Placement(MethodView):
    @blp.response(200, PlacementOut)
    def get(self, placement_id):
        row = load(cursor(), "placements", placement_id, "placement")
        _require_can_see(current_principal(), row)
        return answer_read(row)

    @blp.arguments(PlacementPatch)
    @blp.response(200, PlacementOut)
    def patch(self, changes, placement_id):
        """Change dates or goals, or move the status on (If-Match required):
        proposed → confirmed → in_progress → completed, or cancelled."""
        principal = current_principal()
        cur = cursor()
        _require_can_change(principal, load(cur, "placements", placement_id, "placement"))
        current = load_for_change(cur, "placements", placement_id, "placement")
        changes = changed(current, changes)
        if not changes:
            return answer(current)
        if "status" in changes and changes["status"] not in NEXT[current["status"]]:
            abort_problem(409, "Status cannot change that way",
                          f"A {current['status']} placement cannot become {changes['status']}.",
                          errors={"status": [f"Allowed next: {', '.join(sorted(NEXT[current['status']])) or 'none'}."]})
        merged = {**current, **changes}
        if merged["ends_on"] < merged["starts_on"]:
            abort_problem(422, "End before start", "The visit cannot end before it starts.",
                          errors={"ends_on": ["Must not be before starts_on."]})
        row = rows.update(cur, "placements", placement_id, changes)
        emit(cur, "placement", changes.get("status", "updated"), row)
        return answer(row)
