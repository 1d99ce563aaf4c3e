"""Topic proposals and votes: organizations ask for what they want to discuss. The ranking is the
list of the most requested topics; a topic becomes a discussion event in one call."""
from __future__ import annotations

from flask.views import MethodView

from shared import rows
from shared.auth.flask import current_principal
from shared.auth.principal import Principal
from shared.errors import Invalid
from shared.http.blueprint import Blueprint
from shared.http.db import cursor
from shared.http.etag import if_match
from shared.http.idempotency import idempotent
from shared.http.pagination import cursor_of
from shared.http.resources import answer, answer_read, created, page_of, paginate
from services.events import access, queries
from services.events.api import shape
from services.events.operations import topics
from services.events.schemas import EventOut, RankingQuery, TopicEventIn, TopicIn, TopicOut, TopicQuery, VoteIn

blp = Blueprint("topics", __name__, url_prefix="/topics", description="Topic proposals, votes and their ranking.")


def _member() -> Principal:
    principal = current_principal()
    access.require_topic_member(principal)
    return principal


def _shaped(cur, principal: Principal, found: list[dict]) -> list[dict]:
    """Topics as answered: the proposer's name and which of the caller's organizations voted
    (two queries for the whole list)."""
    names = queries.organization_names(cur, {str(t["organization_id"]) for t in found})
    votes = queries.votes_of(cur, [t["id"] for t in found], access.organizations_of(principal))
    return [{**t, "organization_name": names.get(str(t["organization_id"])), "voted_by": votes.get(t["id"], [])}
            for t in found]


def _one(cur, principal: Principal, topic: dict) -> dict:
    return _shaped(cur, principal, [topic])[0]


def _voting_organization(principal: Principal, data: dict) -> str:
    """The organization named, if the caller belongs to it; else the caller's one organization."""
    if data.get("organization_id") is not None:
        access.require_can_vote_for(principal, data["organization_id"])
        return str(data["organization_id"])
    organization = access.only_organization(principal)
    if organization is None:
        raise Invalid("Organization missing", "Say for which organization you vote.",
                      errors={"organization_id": ["Required when you belong to several or none."]})
    return organization


@blp.route("")
class Topics(MethodView):
    @blp.arguments(TopicQuery, location="query")
    @blp.response(200, page_of(TopicOut))
    def get(self, args):
        principal = _member()
        found = queries.topics(cursor(), args, cursor_of(args), args["limit"])
        return paginate(_shaped(cursor(), principal, found), args["limit"], queries.CREATED_ORDER)

    @blp.arguments(TopicIn)
    @blp.response(201, TopicOut)
    @idempotent
    def post(self, data):
        """Propose a topic on behalf of your organization."""
        principal = _member()
        access.require_can_propose_for(principal, data["organization_id"])
        row = topics.propose(cursor(), principal, data)
        return created(_one(cursor(), principal, row), "topics.Topic", topic_id=row["id"])


@blp.route("/ranking")
class Ranking(MethodView):
    @blp.arguments(RankingQuery, location="query")
    @blp.response(200, TopicOut(many=True))
    def get(self, args):
        """The most requested topics: most votes first, earlier proposals first on a tie."""
        principal = _member()
        return _shaped(cursor(), principal, queries.ranking(cursor(), args["status"], args["limit"]))


@blp.route("/<uuid:topic_id>")
class Topic(MethodView):
    @blp.response(200, TopicOut)
    def get(self, topic_id):
        principal = _member()
        return answer_read(_one(cursor(), principal, rows.load(cursor(), "topics", topic_id, "topic")))


@blp.route("/<uuid:topic_id>/votes")
class Votes(MethodView):
    @blp.arguments(VoteIn)
    @blp.response(201, TopicOut)
    def post(self, data, topic_id):
        """Vote for a topic on behalf of your organization (once per organization)."""
        principal = _member()
        organization = _voting_organization(principal, data)
        return answer(_one(cursor(), principal, topics.vote(cursor(), principal, topic_id, organization)), 201)


@blp.route("/<uuid:topic_id>/votes/<uuid:organization_id>")
class Vote(MethodView):
    @blp.response(204)
    def delete(self, topic_id, organization_id):
        """Withdraw your organization's vote: the person who cast it, an admin of the organization
        or a coordinator."""
        principal = current_principal()
        access.require_can_withdraw_vote(principal, organization_id)
        access.require_can_withdraw_this_vote(principal, queries.vote(cursor(), topic_id, organization_id))
        topics.withdraw_vote(cursor(), principal, topic_id, organization_id)


@blp.route("/<uuid:topic_id>/event")
class TopicEvent(MethodView):
    @blp.arguments(TopicEventIn)
    @blp.response(201, EventOut)
    @idempotent
    def post(self, data, topic_id):
        """Turn a topic into a discussion event (If-Match on the topic required)."""
        principal = current_principal()
        access.require_can_schedule_for(principal, data["organizer_ids"])
        event = topics.make_event(cursor(), principal, topic_id, data, if_match())
        return created(shape.event(cursor(), event, principal), "events.Event", event_id=event["id"])
