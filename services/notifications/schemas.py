"""Request and response schemas of the notifications API."""
from __future__ import annotations

from marshmallow import Schema, fields, validate

from shared.paging import PageArgsSchema
from shared.schemas import Patch, Pattern
from services.notifications.render import KINDS

TAG = Pattern(r"^[a-z0-9][a-z0-9_-]{1,59}$",
              error="A topic is 2 to 60 lowercase letters, digits, _ or -, e.g. workers_rights.")
CHANNELS = ("email", "in_app")
# Partners subscribe to what the events service says about events and registrations.
PATTERN = Pattern(r"^events\.(event|registration|\*|#)(\.([a-z_]+|\*|#))*$",
                  error="An events.event or events.registration message type or pattern, "
                        "e.g. events.event.* or events.registration.created.")


# --- The inbox --------------------------------------------------------------------------------

class InboxQuery(PageArgsSchema):
    unread = fields.Boolean(load_default=None, metadata={
        "description": "true: only what is not read yet; false: only what is read; left out: all"})


class InboxItem(Schema):
    id = fields.UUID()
    kind = fields.String()
    subject = fields.String()
    body_text = fields.String(data_key="body")
    language = fields.String()
    event_id = fields.UUID(allow_none=True)
    link = fields.String(allow_none=True, metadata={"description": "the web app's page it is about"})
    created_at = fields.DateTime()
    read_at = fields.DateTime(allow_none=True)


class UnreadCount(Schema):
    unread = fields.Integer()


class ReadAll(Schema):
    before = fields.AwareDateTime(metadata={"description": "only notifications created before this instant"})


# --- Preferences ------------------------------------------------------------------------------

def _channel():
    return fields.String(validate=validate.OneOf(CHANNELS))


class Preferences(Schema):
    """What a person wants to be told, and how."""

    channels = fields.List(_channel())
    kind_channels = fields.Dict(
        keys=fields.String(validate=validate.OneOf(KINDS)), values=fields.List(_channel()),
        metadata={"description": "the channels for one kind, where they differ from `channels`: "
                                 '{"reminder": ["in_app"]}; [] for none'})
    digest = fields.String(validate=validate.OneOf(("immediate", "daily")),
                           metadata={"description": "daily: news by one email a day at 08:00 your time"})
    followed_topics = fields.List(fields.String(validate=TAG))
    followed_series = fields.List(fields.UUID())
    muted_kinds = fields.List(fields.String(validate=validate.OneOf(KINDS)))
    language = fields.String(dump_only=True)
    time_zone = fields.String(dump_only=True)
    consent_contact = fields.Boolean(dump_only=True, metadata={
        "description": "whether the person agreed to be contacted (registry profile): without it, no email at all"})


class PreferencesPatch(Patch, Preferences):
    pass


# --- Webhook subscriptions and their deliveries -----------------------------------------------

def _url(**kwargs):
    return fields.URL(schemes={"https", "http"}, require_tld=False, validate=validate.Length(max=2000), **kwargs)


def _event_types(**kwargs):
    return fields.List(fields.String(validate=PATTERN), validate=validate.Length(min=1, max=20), **kwargs)


class SubscriptionIn(Schema):
    organization_id = fields.UUID(required=True)
    url = _url(required=True)
    event_types = _event_types(required=True)


class SubscriptionQuery(PageArgsSchema):
    organization_id = fields.UUID(metadata={"description": "only this organization's subscriptions"})


class SubscriptionPatch(Schema):
    url = _url()
    event_types = _event_types()
    status = fields.String(validate=validate.OneOf(("active", "disabled")))


class SubscriptionOut(SubscriptionIn):
    id = fields.UUID()
    status = fields.String()
    consecutive_failures = fields.Integer()
    disabled_reason = fields.String(allow_none=True)
    disabled_at = fields.DateTime(allow_none=True)
    version = fields.Integer()
    created_at = fields.DateTime()
    updated_at = fields.DateTime()


class SubscriptionCreated(SubscriptionOut):
    secret = fields.String(metadata={"description": "whsec_…: verify signatures with it; shown only now"})


class DeliveryQuery(PageArgsSchema):
    status = fields.String(validate=validate.OneOf(("pending", "sending", "delivered", "failed")))
    order = fields.String(load_default="oldest", validate=validate.OneOf(("oldest", "newest")),
                          metadata={"description": "newest: the latest deliveries first"})


class Attempt(Schema):
    attempted_at = fields.DateTime()
    status_code = fields.Integer(allow_none=True)
    error = fields.String(allow_none=True)
    duration_ms = fields.Integer()


class DeliveryOut(Schema):
    id = fields.UUID()
    webhook_id = fields.String()
    event_type = fields.String()
    status = fields.String()
    attempts = fields.Integer(metadata={"description": "attempts since the delivery was made or last redelivered"})
    next_attempt_at = fields.DateTime()
    last_status_code = fields.Integer(allow_none=True)
    last_error = fields.String(allow_none=True)
    created_at = fields.DateTime()
    delivered_at = fields.DateTime(allow_none=True)
    payload = fields.Dict()
    attempt_log = fields.List(fields.Nested(Attempt))
