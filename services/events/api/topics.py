"""Topic proposals and votes: organizations ask for what they want to discuss.

One vote per organization per topic (the table's primary key is the rule); the ranking is the
list of the most requested topics; a topic becomes a discussion event in one call.
"""
from __future__ import annotations

from flask.views import MethodView
from shared.http.blueprint import Blueprint
from marshmallow import fields

from shared import rows
from shared.auth.flask import current_principal, require
from shared.http.db import cursor
from shared.http.idempotency import idempotent
from shared.http.pagination import decode_cursor
from shared.http.problems import abort_problem
from shared.http.resources import answer, answer_read, created, load, load_for_change, page_of, paginate
from services.events import access, directory
from services.events.api import shape
from services.events.api.events import create_event
from services.events.messages import emit
from services.events.schemas import (
    EventIn, EventOut, RankingQuery, TopicIn, TopicOut, TopicQuery, VoteIn, texts)

blp = Blueprint("topics", __name__, url_prefix="/topics", description="Topic proposals, votes and their ranking.")
ORDER = ["created_at", "id"]


class TopicEventIn(EventIn):
    """An event made from a topic: its title and tags default to the topic's."""
    title = texts(300)
    kind = fields.String(load_default="civil_space_discussion")
    status = fields.String(load_default="draft")


def _require_member(principal) -> None:
    require(access.is_community_member(principal) and not principal.is_partner_client,
            "Only members of the community can propose and vote on topics.")


def _voting_organization(principal, data: dict) -> str:
    organization = data.get("organization_id")
    if organization is None:
        mine = sorted(access.organizations_of(principal))
        if len(mine) != 1:
            abort_problem(422, "Organization missing", "Say for which organization you vote.",
                          errors={"organization_id": ["Required when you belong to several or none."]})
        return mine[0]
    require(principal.is_member_of(organization), "You can vote only for an organization you belong to.")
    return str(organization)


@blp.route("")
class Topics(MethodView):
    @blp.arguments(TopicQuery, location="query")
    @blp.response(200, page_of(TopicOut))
    def get(self, args):
        _require_member(current_principal())
        conditions = [("status = %s", (args["status"],))] if "status" in args else []
        cursor_values = decode_cursor(args["cursor"]) if args.get("cursor") else None
        found = rows.page(cursor(), "topics", conditions, ORDER, cursor_values, args["limit"])
        return paginate(found, args["limit"], ORDER)

    @blp.arguments(TopicIn)
    @blp.response(201, TopicOut)
    @idempotent
    def post(self, data):
        """Propose a topic on behalf of your organization."""
        principal = current_principal()
        _require_member(principal)
        require(principal.is_member_of(data["organization_id"]) or principal.is_coordinator,
                "You can propose a topic only for an organization you belong to.")
        cur = cursor()
        directory.require_active_organizations(cur, "organization_id", [data["organization_id"]])
        row = rows.insert(cur, "topics", shape.to_db({**data, "proposed_by": principal.subject}))
        emit(cur, "topic", "proposed", row)
        return created(row, "topics.Topic", topic_id=row["id"])


@blp.route("/ranking")
class Ranking(MethodView):
    @blp.arguments(RankingQuery, location="query")
    @blp.response(200, TopicOut(many=True))
    def get(self, args):
        """The most requested topics: most votes first, earlier proposals first on a tie."""
        _require_member(current_principal())
        status = "" if args["status"] == "all" else "WHERE status = %(status)s"
        cur = cursor()
        cur.execute(f"SELECT * FROM topics {status} ORDER BY votes DESC, created_at, id LIMIT %(limit)s", args)
        return cur.fetchall()


@blp.route("/<uuid:topic_id>")
class Topic(MethodView):
    @blp.response(200, TopicOut)
    def get(self, topic_id):
        _require_member(current_principal())
        return answer_read(load(cursor(), "topics", topic_id, "topic"))


@blp.route("/<uuid:topic_id>/votes")
class Votes(MethodView):
    @blp.arguments(VoteIn)
    @blp.response(201, TopicOut)
    def post(self, data, topic_id):
        """Vote for a topic on behalf of your organization (once per organization)."""
        principal = current_principal()
        _require_member(principal)
        organization = _voting_organization(principal, data)
        cur = cursor()
        topic = load(cur, "topics", topic_id, "topic")
        if topic["status"] != "open":
            abort_problem(409, "Topic is not open", f"This topic is {topic['status']}; it takes no more votes.")
        directory.require_active_organizations(cur, "organization_id", [organization])
        cur.execute("INSERT INTO topic_votes (topic_id, organization_id, voted_by) VALUES (%s, %s, %s) "
                    "ON CONFLICT DO NOTHING RETURNING 1", (topic_id, organization, principal.subject))
        if cur.fetchone() is None:
            abort_problem(409, "Already voted", "Your organization has already voted for this topic.",
                          organization_id=organization)
        cur.execute("UPDATE topics SET votes = votes + 1, version = version + 1, updated_at = now() "
                    "WHERE id = %s RETURNING *", (topic_id,))
        row = cur.fetchone()
        emit(cur, "topic", "voted", row)
        return answer(row, 201)


@blp.route("/<uuid:topic_id>/votes/<uuid:organization_id>")
class Vote(MethodView):
    @blp.response(204)
    def delete(self, topic_id, organization_id):
        """Withdraw your organization's vote."""
        principal = current_principal()
        require(principal.is_member_of(organization_id), "You can withdraw only your own organization's vote.")
        cur = cursor()
        cur.execute("DELETE FROM topic_votes WHERE topic_id = %s AND organization_id = %s RETURNING 1",
                    (topic_id, organization_id))
        if cur.fetchone() is None:
            abort_problem(404, "No such vote", "This organization has not voted for this topic.")
        cur.execute("UPDATE topics SET votes = votes - 1, version = version + 1, updated_at = now() "
                    "WHERE id = %s RETURNING *", (topic_id,))
        emit(cur, "topic", "voted", cur.fetchone())


@blp.route("/<uuid:topic_id>/event")
class TopicEvent(MethodView):
    @blp.arguments(TopicEventIn)
    @blp.response(201, EventOut)
    @idempotent
    def post(self, data, topic_id):
        """Turn a topic into a discussion event (If-Match on the topic required)."""
        principal = current_principal()
        cur = cursor()
        topic = load_for_change(cur, "topics", topic_id, "topic")
        if topic["event_id"] is not None:
            abort_problem(409, "Topic already scheduled", f"This topic became the event {topic['event_id']}.",
                          event_id=str(topic["event_id"]))
        data.setdefault("title", topic["title"])
        data["topics"] = sorted({*data.get("topics", []), *topic["tags"]})
        event = create_event(cur, principal, data, topic_id=topic_id)
        topic = rows.update(cur, "topics", topic_id, {"status": "scheduled", "event_id": event["id"]})
        emit(cur, "topic", "scheduled", topic)
        return created(shape.event(event, principal), "events.Event", event_id=event["id"])
