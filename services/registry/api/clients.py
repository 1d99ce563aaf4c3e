"""API clients of partner organizations (OAuth2 client credentials)."""
from __future__ import annotations

import hashlib
import secrets

from flask.views import MethodView
from shared.http.blueprint import Blueprint

from shared.auth.flask import current_principal
from shared.http.db import cursor
from shared.http.idempotency import idempotent
from shared.http.pagination import PageArgsSchema, decode_cursor
from shared.http.problems import abort_problem
from services.registry import access
from shared.http.resources import (
    answer, answer_read, created, load, load_for_change, now, page_of, paginate, require_active)
from services.registry.messages import emit
from services.registry.schemas import ClientCreated, ClientIn, ClientOut
from shared import rows

blp = Blueprint("clients", __name__, url_prefix="/organizations/<uuid:organization_id>/clients",
                description="A partner organization's systems (e.g. The Wheel's) get API clients here; "
                            "the secret is shown once, at creation.")
ORDER = ["created_at", "id"]


def hash_secret(secret: str) -> str:
    # The secret is 256 random bits, so a fast hash cannot be brute-forced; no salt needed.
    return hashlib.sha256(secret.encode()).hexdigest()


@blp.route("")
class Clients(MethodView):
    @blp.arguments(PageArgsSchema, location="query")
    @blp.response(200, page_of(ClientOut))
    def get(self, args, organization_id):
        access.require_admin_of(current_principal(), organization_id)
        cursor_values = decode_cursor(args["cursor"]) if args.get("cursor") else None
        found = rows.page(cursor(), "api_clients", [("organization_id = %s", (organization_id,))],
                          ORDER, cursor_values, args["limit"])
        return paginate(found, args["limit"], ORDER)

    @blp.arguments(ClientIn)
    @blp.response(201, ClientCreated)
    @idempotent
    def post(self, data, organization_id):
        """Register a client for this organization (its admins and coordinators)."""
        principal = current_principal()
        access.require_admin_of(principal, organization_id)
        cur = cursor()
        require_active(load(cur, "organizations", organization_id, "organization"), "organization")
        secret = secrets.token_urlsafe(32)
        row = rows.insert(cur, "api_clients", {
            **data, "organization_id": organization_id, "created_by": principal.subject,
            "client_id": "bk_" + secrets.token_urlsafe(12), "secret_hash": hash_secret(secret)})
        emit(cur, "client", "created", row)
        return created({**row, "client_secret": secret}, "clients.Client",
                       organization_id=organization_id, client_id=row["id"])


@blp.route("/<uuid:client_id>")
class Client(MethodView):
    @blp.response(200, ClientOut)
    def get(self, organization_id, client_id):
        access.require_admin_of(current_principal(), organization_id)
        return answer_read(_load(organization_id, client_id))


@blp.route("/<uuid:client_id>/revoke")
class ClientRevocation(MethodView):
    @blp.response(200, ClientOut)
    def post(self, organization_id, client_id):
        """Revoke a client (If-Match required): it gets no new tokens from now on."""
        access.require_admin_of(current_principal(), organization_id)
        _load(organization_id, client_id)
        cur = cursor()
        current = load_for_change(cur, "api_clients", client_id, "client")
        if current["status"] == "revoked":
            return answer(current)
        row = rows.update(cur, "api_clients", client_id, {"status": "revoked", "revoked_at": now()})
        emit(cur, "client", "revoked", row)
        return answer(row)


def _load(organization_id, client_id) -> dict:
    row = load(cursor(), "api_clients", client_id, "client")
    if row["organization_id"] != organization_id:  # another organization's client: say nothing of it
        abort_problem(404, "Client not found", f"No client has the id {client_id}.")
    return row
