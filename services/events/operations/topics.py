"""Topic proposals and votes: organizations ask for what they want to discuss, one vote per
organization per topic, and a topic becomes a discussion event."""
from __future__ import annotations

from shared import rows
from shared.auth.principal import Principal
from shared.errors import Conflict, NotFound
from shared.versions import Precondition
from services.events import store
from services.events.messages import emit
from services.events.operations import community, events


def propose(cur, actor: Principal, data: dict) -> dict:
    """A topic proposed on behalf of `data["organization_id"]`."""
    community.require_active_organizations(cur, "organization_id", [data["organization_id"]])
    row = rows.insert(cur, "topics", store.to_db({**data, "proposed_by": actor.subject}))
    emit(cur, "topic", "proposed", row)
    return row


def vote(cur, actor: Principal, topic_id, organization_id) -> dict:
    """The organization's vote for an open topic, counted once."""
    topic = rows.load(cur, "topics", topic_id, "topic")
    if topic["status"] != "open":
        raise Conflict("Topic is not open", f"This topic is {topic['status']}; it takes no more votes.")
    community.require_active_organizations(cur, "organization_id", [organization_id])
    row = store.add_vote(cur, topic_id, organization_id, actor.subject)
    if row is None:
        raise Conflict("Already voted", "Your organization has already voted for this topic.",
                       organization_id=organization_id)
    emit(cur, "topic", "voted", row)
    return row


def withdraw_vote(cur, actor: Principal, topic_id, organization_id) -> dict:
    row = store.remove_vote(cur, topic_id, organization_id)
    if row is None:
        raise NotFound("No such vote", "This organization has not voted for this topic.")
    emit(cur, "topic", "voted", row)
    return row


def make_event(cur, actor: Principal, topic_id, data: dict, precondition: Precondition) -> dict:
    """The discussion event a topic becomes (its title and tags by default), once."""
    topic = rows.load_for_change(cur, "topics", topic_id, "topic", precondition)
    if topic["event_id"] is not None:
        raise Conflict("Topic already scheduled", f"This topic became the event {topic['event_id']}.",
                       event_id=str(topic["event_id"]))
    data = {"title": topic["title"], **data, "topics": sorted({*data.get("topics", []), *topic["tags"]})}
    event = events.create(cur, actor, data, topic_id=topic_id)
    emit(cur, "topic", "scheduled", rows.update(cur, "topics", topic_id, {"status": "scheduled", "event_id": event["id"]}))
    return event
