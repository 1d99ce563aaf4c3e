"""API clients of partner organizations (OAuth2 client credentials)."""
from __future__ import annotations

from flask.views import MethodView

from shared.auth.flask import current_principal
from shared.http.blueprint import Blueprint
from shared.http.db import cursor
from shared.http.etag import if_match
from shared.http.idempotency import idempotent, not_replayed
from shared.http.pagination import cursor_of
from shared.paging import PageArgsSchema
from shared.http.resources import answer, answer_read, created, page_of, paginate
from services.registry import access, queries
from services.registry.operations import clients
from services.registry.schemas import ClientCreated, ClientIn, ClientOut

blp = Blueprint("clients", __name__, url_prefix="/organizations/<uuid:organization_id>/clients",
                description="A partner organization's systems (e.g. The Wheel's) get API clients here; "
                            "the secret is shown once, at creation.")


@blp.route("")
class Clients(MethodView):
    @blp.arguments(PageArgsSchema, location="query")
    @blp.response(200, page_of(ClientOut))
    def get(self, args, organization_id):
        access.require_admin_of(current_principal(), organization_id)
        found = queries.clients(cursor(), organization_id, cursor_of(args),
                                args["limit"])
        return paginate(found, args["limit"], queries.CREATED_ORDER)

    @blp.arguments(ClientIn)
    @blp.response(201, ClientCreated)
    @idempotent
    def post(self, data, organization_id):
        """Register a client for this organization (its admins and coordinators). Its `client_secret` is
        in this answer only: a retry with the same Idempotency-Key answers without it."""
        principal = current_principal()
        access.require_admin_of(principal, organization_id)
        row = clients.register(cursor(), principal, organization_id, data)
        not_replayed("client_secret")
        return created(row, "clients.Client", organization_id=organization_id, client_id=row["id"])


@blp.route("/<uuid:client_id>")
class Client(MethodView):
    @blp.response(200, ClientOut)
    def get(self, organization_id, client_id):
        access.require_admin_of(current_principal(), organization_id)
        return answer_read(queries.client(cursor(), organization_id, client_id))


@blp.route("/<uuid:client_id>/revoke")
class ClientRevocation(MethodView):
    @blp.response(200, ClientOut)
    def post(self, organization_id, client_id):
        """Revoke a client (If-Match required): it gets no new tokens from now on."""
        principal = current_principal()
        access.require_admin_of(principal, organization_id)
        return answer(clients.revoke(cursor(), principal, organization_id, client_id, if_match()))
