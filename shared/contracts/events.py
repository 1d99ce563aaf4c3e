"""What the events service publishes."""
from marshmallow import Schema, fields

from shared.contracts import register


def _ids(**kwargs):
    return fields.List(fields.UUID(), **kwargs)


class Event(Schema):
    id = fields.UUID(required=True)
    kind = fields.String(required=True)
    format = fields.String(required=True)
    title = fields.Dict(keys=fields.String(), values=fields.String(), required=True)
    starts_at = fields.AwareDateTime(required=True)
    ends_at = fields.AwareDateTime(required=True)
    time_zone = fields.String(required=True)
    status = fields.String(required=True)
    visibility = fields.String(required=True)
    organizer_ids = _ids(required=True)
    host_id = fields.UUID(allow_none=True)
    partner_ids = _ids(required=True)
    series_id = fields.UUID(allow_none=True)
    topics = fields.List(fields.String(), required=True)
    online_url = fields.String(allow_none=True)  # notifications gives it to registered people only
    capacity = fields.Integer(allow_none=True)
    sequence = fields.Integer(required=True)
    version = fields.Integer(required=True)
    # Set for a partner's event: its organization and its own id, so its system knows it again.
    external_source = fields.UUID(allow_none=True)
    external_id = fields.String(allow_none=True)


class EventRescheduled(Event):
    previous_starts_at = fields.AwareDateTime(required=True)
    previous_ends_at = fields.AwareDateTime(required=True)


class EventCancelled(Event):
    reason = fields.String(allow_none=True)


class Registration(Schema):
    id = fields.UUID(required=True)
    event_id = fields.UUID(required=True)
    person_id = fields.UUID(required=True)
    organization_id = fields.UUID(required=True)
    status = fields.String(required=True)
    waitlist_position = fields.Integer(allow_none=True)
    attendance = fields.String(allow_none=True)


class Topic(Schema):
    id = fields.UUID(required=True)
    title = fields.Dict(keys=fields.String(), values=fields.String(), required=True)
    tags = fields.List(fields.String(), required=True)
    organization_id = fields.UUID(required=True)
    status = fields.String(required=True)
    votes = fields.Integer(required=True)
    event_id = fields.UUID(allow_none=True)


class Placement(Schema):
    id = fields.UUID(required=True)
    participant_id = fields.UUID(required=True)
    home_organization_id = fields.UUID(required=True)
    host_organization_id = fields.UUID(required=True)
    starts_on = fields.Date(required=True)
    ends_on = fields.Date(required=True)
    status = fields.String(required=True)


for type_, schema in (
    ("events.event.scheduled", Event), ("events.event.updated", Event),
    ("events.event.rescheduled", EventRescheduled), ("events.event.cancelled", EventCancelled),
    ("events.event.completed", Event), ("events.event.reinstated", Event),
    *((f"events.registration.{a}", Registration) for a in ("created", "cancelled", "promoted", "attended")),
    *((f"events.topic.{a}", Topic) for a in ("proposed", "voted", "scheduled", "closed")),
    *((f"events.placement.{a}", Placement) for a in ("proposed", "confirmed", "in_progress", "completed",
                                                      "cancelled", "updated")),
):
    register(type_, schema)
