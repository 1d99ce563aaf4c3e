"""Archive items: create, read, change, publish, withdraw; list and search in Turkish and English."""
from __future__ import annotations

from flask.views import MethodView

from shared.auth.flask import current_principal, optional_principal
from shared.http.blueprint import Blueprint
from shared.http.db import cursor
from shared.http.etag import if_match
from shared.http.idempotency import idempotent
from shared.http.pagination import cursor_of
from shared.http.resources import answer, answer_read, created, page_of, paginate
from services.archive import access, queries
from services.archive.api import managed, readable
from services.archive.operations import items
from services.archive.schemas import ItemIn, ItemOut, ItemPatch, ItemQuery

blp = Blueprint("items", __name__, url_prefix="/items", description="Recordings, publications, materials and links.")


@blp.route("")
class Items(MethodView):
    @blp.arguments(ItemQuery, location="query")
    @blp.response(200, page_of(ItemOut))
    def get(self, args):
        """Items the caller may see, newest first — or, with `q`, ranked by relevance. Turkish words
        are matched by their stem ("örgütlerin" finds "örgüt"), English ones too."""
        found = queries.items(cursor(), access.findable(optional_principal()), args,
                              cursor_of(args, queries.cursor_shape(args)), args["limit"])
        return paginate(found, args["limit"], queries.order_of(args))

    @blp.arguments(ItemIn)
    @blp.response(201, ItemOut)
    @idempotent
    def post(self, data):
        """Add an item as a draft; its file comes next (`PUT /items/{id}/file`)."""
        principal = current_principal()
        access.require_can_create(principal, data["organization_ids"])
        cur = cursor()
        row = items.create(cur, principal, data)
        return created(queries.with_captions(cur, row), "items.Item", item_id=row["id"])


@blp.route("/<uuid:item_id>")
class Item(MethodView):
    @blp.response(200, ItemOut)
    def get(self, item_id):
        cur = cursor()
        return answer_read(queries.with_captions(cur, readable(cur, item_id)))

    @blp.arguments(ItemPatch)
    @blp.response(200, ItemOut)
    def patch(self, changes, item_id):
        """Change an item (If-Match required)."""
        principal = current_principal()
        cur = cursor()
        access.require_manager(principal, queries.owners(cur, readable(cur, item_id)))
        return answer(queries.with_captions(cur, items.change(cur, principal, item_id, changes, if_match())))


@blp.route("/<uuid:item_id>/publish")
class Publish(MethodView):
    @blp.response(200, ItemOut)
    def post(self, item_id):
        """Publish (If-Match required): a coordinator or an admin of the organizing organization."""
        principal = current_principal()
        cur = cursor()
        managed(cur, principal, item_id)
        return answer(queries.with_captions(cur, items.publish(cur, principal, item_id, if_match())))


@blp.route("/<uuid:item_id>/withdraw")
class Withdraw(MethodView):
    @blp.response(200, ItemOut)
    def post(self, item_id):
        """Withdraw a published item (If-Match required): it disappears from every read path."""
        principal = current_principal()
        cur = cursor()
        managed(cur, principal, item_id)
        return answer(queries.with_captions(cur, items.withdraw(cur, principal, item_id, if_match())))
