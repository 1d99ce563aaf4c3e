"""Archive items: create, read, change, publish, withdraw; list and search in Turkish and English."""
from __future__ import annotations

from flask.views import MethodView
from shared.http.blueprint import Blueprint
from psycopg.types.json import Jsonb

from shared import rows
from shared.auth.flask import current_principal, optional_principal, require
from shared.http.db import cursor
from shared.http.idempotency import idempotent
from shared.http.pagination import decode_cursor, encode_cursor, link_header
from shared.http.problems import abort_problem
from shared.http.resources import answer, answer_read, changed, created, load, load_for_change, now, page_of
from services.archive import access
from services.archive.messages import emit
from services.archive.schemas import ItemIn, ItemOut, ItemPatch, ItemQuery

blp = Blueprint("items", __name__, url_prefix="/items", description="Recordings, publications, materials and links.")
JSON = ("title", "description", "speakers")
SEARCH = ("(websearch_to_tsquery('turkish', %(q)s) || websearch_to_tsquery('english', %(q)s)"
          " || websearch_to_tsquery('simple', %(q)s))")


def to_db(values: dict) -> dict:
    out = dict(values)
    for name in JSON:
        if name in out:
            out[name] = Jsonb(_plain(out[name]))
    return out


def _plain(value):
    if isinstance(value, list):
        return [{k: str(v) if v is not None and k.endswith("_id") else v for k, v in s.items()} for s in value]
    return value


def with_captions(cur, item: dict) -> dict:
    cur.execute("SELECT language FROM captions WHERE item_id = %s ORDER BY language", (item["id"],))
    return {**item, "captions": [row["language"] for row in cur.fetchall()]}


def load_readable(cur, item_id) -> dict:
    """The item, if the caller may see it: 401 for anonymous callers, 404 for others (no hint it exists)."""
    item = load(cur, "items", item_id, "item")
    principal = optional_principal()
    if not access.can_read(cur, principal, item):
        if principal is None:
            current_principal()
        abort_problem(404, "Item not found", f"No item has the id {item_id}.")
    return item


def _require_can_create(principal, data: dict) -> None:
    require(principal.is_coordinator or bool(set(principal.admin_of) & {str(o) for o in data["organization_ids"]}),
            "Only a coordinator, or an admin of one of the item's organizations, can add to the archive.")


@blp.route("")
class Items(MethodView):
    @blp.arguments(ItemQuery, location="query")
    @blp.response(200, page_of(ItemOut))
    def get(self, args):
        """Items the caller may see, newest first — or, with `q`, ranked by relevance. Turkish words
        are matched by their stem ("örgütlerin" finds "örgüt"), English ones too."""
        principal = optional_principal()
        visibility, named = access.visibility_condition(principal)
        clauses = [visibility]
        filters = {"type": "type = %(type)s", "language": "language = %(language)s", "status": "status = %(status)s",
                   "topic": "topics @> ARRAY[%(topic)s]::text[]", "event_id": "event_ids @> ARRAY[%(event_id)s]::uuid[]",
                   "organization_id": "organization_ids @> ARRAY[%(organization_id)s]::uuid[]",
                   "date_from": "published_on >= %(date_from)s", "date_to": "published_on <= %(date_to)s"}
        clauses += [sql for name, sql in filters.items() if name in args]
        named.update(args)
        rank = f"ts_rank(search, {SEARCH})::float8" if args.get("q") else "NULL::float8"
        if args.get("q"):
            clauses.append(f"search @@ {SEARCH}")
        order, keyset = self._ordering(args, rank, named)
        if keyset:
            clauses.append(keyset)
        cur = cursor()
        cur.execute(f"SELECT *, {rank} AS rank FROM items WHERE {' AND '.join(clauses)} "  # noqa: S608 (fixed pieces)
                    f"ORDER BY {order} LIMIT %(fetch)s", {**named, "fetch": args["limit"] + 1})
        found = cur.fetchall()
        items = [with_captions(cur, item) for item in found[:args["limit"]]]
        last = items[-1] if items and len(found) > args["limit"] else None
        key = None if last is None else (
            encode_cursor((last["rank"], str(last["id"]))) if args.get("q") else
            encode_cursor((last["created_at"].isoformat(), str(last["id"]))))
        return {"items": items, "next_cursor": key}, 200, link_header(key)

    @staticmethod
    def _ordering(args, rank: str, named: dict) -> tuple[str, str | None]:
        position = decode_cursor(args["cursor"]) if args.get("cursor") else None
        if args.get("q"):
            if position:
                named.update(after_rank=float(position[0]), after_id=position[1])
                return "rank DESC, id", f"({rank} < %(after_rank)s OR ({rank} = %(after_rank)s AND id > %(after_id)s::uuid))"
            return "rank DESC, id", None
        if position:
            named.update(after_time=position[0], after_id=position[1])
            return "created_at DESC, id DESC", "(created_at, id) < (%(after_time)s::timestamptz, %(after_id)s::uuid)"
        return "created_at DESC, id DESC", None

    @blp.arguments(ItemIn)
    @blp.response(201, ItemOut)
    @idempotent
    def post(self, data):
        """Add an item as a draft; its file comes next (`PUT /items/{id}/file`)."""
        principal = current_principal()
        _require_can_create(principal, data)
        row = rows.insert(cursor(), "items", to_db({**data, "created_by": principal.subject}))
        emit(cursor(), "created", row)
        return created(with_captions(cursor(), row), "items.Item", item_id=row["id"])


@blp.route("/<uuid:item_id>")
class Item(MethodView):
    @blp.response(200, ItemOut)
    def get(self, item_id):
        cur = cursor()
        return answer_read(with_captions(cur, load_readable(cur, item_id)))

    @blp.arguments(ItemPatch)
    @blp.response(200, ItemOut)
    def patch(self, changes, item_id):
        """Change an item (If-Match required)."""
        principal = current_principal()
        cur = cursor()
        access.require_manager(cur, principal, load_readable(cur, item_id))
        current = load_for_change(cur, "items", item_id, "item")
        changes = changed(current, {k: _plain(v) for k, v in changes.items()})
        if not changes:
            return answer(with_captions(cur, current))
        row = rows.update(cur, "items", item_id, to_db(changes))
        return answer(with_captions(cur, row))


def _require_consent(cur, item: dict) -> None:
    """A recording goes out only when every speaker on it agreed to be recorded."""
    people = [s.get("person_id") for s in item["speakers"]]
    unnamed = [s["name"] for s in item["speakers"] if not s.get("person_id")]
    cur.execute("SELECT id::text AS id FROM people WHERE id = ANY(%s::uuid[]) AND consent_recording AND status = 'active'",
                ([p for p in people if p],))
    consented = {row["id"] for row in cur.fetchall()}
    missing = unnamed + [s["name"] for s in item["speakers"] if s.get("person_id") and s["person_id"] not in consented]
    if missing:
        abort_problem(409, "Consent missing", "Every speaker on a recording must have consented to being recorded: "
                      + ", ".join(missing) + ".", errors={"speakers": [f"No consent from {name}." for name in missing]})


@blp.route("/<uuid:item_id>/publish")
class Publish(MethodView):
    @blp.response(200, ItemOut)
    def post(self, item_id):
        """Publish (If-Match required): a coordinator or an admin of the organizing organization."""
        principal = current_principal()
        cur = cursor()
        access.require_manager(cur, principal, load(cur, "items", item_id, "item"))
        item = load_for_change(cur, "items", item_id, "item")
        if item["status"] == "published":
            return answer(with_captions(cur, item))
        if item["type"] != "link" and not item["file_key"]:
            abort_problem(409, "No file yet", "Upload the item's file before publishing it.")
        if item["type"] == "recording":
            _require_consent(cur, item)
        row = rows.update(cur, "items", item_id, {"status": "published", "published_at": now(), "withdrawn_at": None})
        emit(cur, "published", row)
        return answer(with_captions(cur, row))


@blp.route("/<uuid:item_id>/withdraw")
class Withdraw(MethodView):
    @blp.response(200, ItemOut)
    def post(self, item_id):
        """Withdraw a published item (If-Match required): it disappears from every read path."""
        principal = current_principal()
        cur = cursor()
        access.require_manager(cur, principal, load(cur, "items", item_id, "item"))
        item = load_for_change(cur, "items", item_id, "item")
        if item["status"] != "published":
            return answer(with_captions(cur, item))
        row = rows.update(cur, "items", item_id, {"status": "withdrawn", "withdrawn_at": now()})
        emit(cur, "withdrawn", row)
        return answer(with_captions(cur, row))
