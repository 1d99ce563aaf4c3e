"""The public directory of the community: its active organizations, their focus areas and places,
and the partnerships between them — for anyone, without a token. Only what an organization shows
the public: never its contact addresses, its people, its memberships or its clients (those stay
behind /organizations, /people and /memberships, for the community's members)."""
from __future__ import annotations

from flask.views import MethodView

from shared import rows
from shared.auth.flask import optional_principal
from shared.errors import not_found
from shared.http.blueprint import Blueprint
from shared.http.db import cursor
from shared.http.pagination import cursor_of
from shared.http.resources import page_of, paginate
from services.registry import queries
from services.registry.schemas import DirectoryOrganizationOut, DirectoryQuery

blp = Blueprint("directory", __name__, url_prefix="/directory",
                description="The community's organizations and partnerships as anyone may see them (no token).")


def _with_partnerships(cur, organizations: list[dict]) -> list[dict]:
    partnerships = queries.public_partnerships(cur, [o["id"] for o in organizations])
    return [{**o, "partnerships": partnerships[str(o["id"])]} for o in organizations]


@blp.route("/organizations")
class DirectoryOrganizations(MethodView):
    @blp.arguments(DirectoryQuery, location="query")
    @blp.response(200, page_of(DirectoryOrganizationOut))
    def get(self, args):
        """Active organizations in name order, filtered, each with its partnerships (anyone)."""
        optional_principal()  # none is needed, but a token sent is checked: a bad one is a 401
        cur = cursor()
        found = queries.directory(cur, args, cursor_of(args), args["limit"])
        page, status, headers = paginate(found, args["limit"], queries.ORGANIZATION_ORDER)
        return {**page, "items": _with_partnerships(cur, page["items"])}, status, headers


@blp.route("/organizations/<uuid:organization_id>")
class DirectoryOrganization(MethodView):
    @blp.response(200, DirectoryOrganizationOut)
    def get(self, organization_id):
        """An active organization and its partnerships (anyone); an inactive one is not found."""
        optional_principal()
        cur = cursor()
        row = rows.get(cur, "organizations", organization_id)
        if row is None or row["status"] != "active":
            raise not_found("organization", organization_id)
        [shown] = _with_partnerships(cur, [row])
        return shown
