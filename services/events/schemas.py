"""Request and response schemas of the events API."""
from __future__ import annotations

from marshmallow import Schema, ValidationError, fields, post_load, validate, validates_schema

from shared import schemas
from shared.paging import PageArgsSchema
from shared.schemas import Patch, Pattern, Stripped
from services.events import times

KINDS = ("organizational_meeting", "civil_space_discussion", "information_session", "thematic_meeting",
         "study_visit")
FORMATS = ("in_person", "online", "hybrid")
VISIBILITIES = ("public", "members", "invitation")
STATUSES = ("draft", "scheduled", "rescheduled", "completed", "cancelled")
SPEAKER_ROLES = ("speaker", "expert", "moderator", "facilitator")
TEXT_LANGUAGES = ("tr", "en")
PLACEMENT_STATUSES = ("proposed", "confirmed", "in_progress", "completed", "cancelled")
TAG = Pattern(r"^[a-z0-9][a-z0-9_-]{1,59}$", error="Use lower-case words joined by _ or -, e.g. workers_rights.")
zone_name = schemas.time_zone


def texts(max_length: int, **kwargs):
    """Text in one or more languages: {"tr": "...", "en": "..."}."""
    def check(value: dict) -> None:
        if not value and kwargs.get("required"):
            raise ValidationError("Give the text in at least one language (tr or en).")
    return fields.Dict(keys=fields.String(validate=validate.OneOf(TEXT_LANGUAGES)),
                       values=Stripped(validate=validate.Length(min=1, max=max_length)),
                       validate=check, **kwargs)


class Venue(Schema):
    name = Stripped(required=True, validate=validate.Length(min=1, max=200))
    address = fields.String(validate=validate.Length(max=300), allow_none=True)
    city = fields.String(validate=validate.Length(max=120), allow_none=True)
    country = fields.String(validate=schemas.country, allow_none=True)


class Speaker(Schema):
    name = Stripped(required=True, validate=validate.Length(min=1, max=200))
    role = fields.String(load_default="speaker", validate=validate.OneOf(SPEAKER_ROLES))
    organization_id = fields.UUID(allow_none=True)
    person_id = fields.UUID(allow_none=True)
    organization_name = fields.String(validate=validate.Length(max=200), allow_none=True)


class EventFields(Schema):
    """Every writable field of an event; times either as instants or as wall-clock times."""
    series_id = fields.UUID(allow_none=True)
    kind = fields.String(required=True, validate=validate.OneOf(KINDS))
    format = fields.String(required=True, validate=validate.OneOf(FORMATS))
    title = texts(300, required=True)
    description = texts(20000, load_default=dict)
    languages = fields.List(fields.String(validate=validate.Length(equal=2)), load_default=list)
    starts_at = fields.AwareDateTime(metadata={"description": "an instant with its offset (RFC 3339)"})
    ends_at = fields.AwareDateTime()
    starts_local = fields.NaiveDateTime(metadata={"description": "wall-clock start in time_zone, instead of starts_at"})
    ends_local = fields.NaiveDateTime()
    time_zone = fields.String(required=True, validate=zone_name)
    display_time_zones = fields.List(fields.String(validate=zone_name), load_default=list,
                                     metadata={"description": "other zones to show the times in, e.g. a partner's"})
    venue = fields.Nested(Venue, allow_none=True)
    online_url = fields.URL(schemes={"https", "http"}, allow_none=True)
    organizer_ids = fields.List(fields.UUID(), required=True, validate=validate.Length(min=1, max=20))
    host_id = fields.UUID(allow_none=True)
    partner_ids = fields.List(fields.UUID(), load_default=list)
    invited_ids = fields.List(fields.UUID(), load_default=list)
    speakers = fields.List(fields.Nested(Speaker), load_default=list)
    topics = fields.List(fields.String(validate=TAG), load_default=list)
    capacity = fields.Integer(strict=True, validate=validate.Range(min=1, max=100000), allow_none=True)
    registration_opens_at = fields.AwareDateTime(allow_none=True)
    registration_closes_at = fields.AwareDateTime(allow_none=True)
    visibility = fields.String(load_default="members", validate=validate.OneOf(VISIBILITIES))

    @validates_schema
    def _one_form_of_time(self, data, partial=None, **_):
        errors = {}
        for name in ("starts", "ends"):
            if f"{name}_at" in data and f"{name}_local" in data:
                errors[f"{name}_local"] = [f"Give {name}_at or {name}_local, not both."]
            elif not partial and f"{name}_at" not in data and f"{name}_local" not in data:
                errors[f"{name}_at"] = [f"Give {name}_at (an instant) or {name}_local (a wall-clock time)."]
        if errors:
            raise ValidationError(errors)

    @post_load
    def _to_instants(self, data, **_):
        """Wall-clock times become instants in the event's zone (the view does it for a PATCH
        that changes only one of them, since it needs the stored zone)."""
        if "time_zone" in data and times.is_zone(data["time_zone"]):
            for name in ("starts", "ends"):
                wall = data.pop(f"{name}_local", None)
                if wall is not None:
                    try:
                        data[f"{name}_at"] = times.from_local(wall, data["time_zone"])
                    except times.NonexistentLocalTime as exc:
                        raise ValidationError({f"{name}_local": [str(exc)]})
        return data


class EventIn(EventFields):
    status = fields.String(load_default="draft", validate=validate.OneOf(("draft", "scheduled")),
                           metadata={"description": "draft (default) or scheduled at once"})


class EventPatch(Patch, EventFields):
    pass


class LocalTime(Schema):
    time_zone = fields.String()
    starts_at = fields.String()
    ends_at = fields.String()
    utc_offset = fields.String()
    abbreviation = fields.String()


class EventOut(EventFields):
    id = fields.UUID()
    pending_organizer_ids = fields.List(fields.UUID(), metadata={
        "description": "organizations named as co-organizers that have not accepted yet (they count once they do)"})
    topic_id = fields.UUID(allow_none=True)
    status = fields.String()
    sequence = fields.Integer()
    capacity = fields.Integer(allow_none=True)
    registered_count = fields.Integer()
    waitlist_count = fields.Integer()
    seats_left = fields.Integer(allow_none=True)
    cancel_reason = fields.String(allow_none=True)
    local_times = fields.List(fields.Nested(LocalTime))
    organization_names = fields.Dict(keys=fields.String(), values=fields.String(),
                                     metadata={"description": "id → name of the organizations the event names "
                                                              "(organizers, host, partners, invited, the speakers')"})
    online_url = fields.String(allow_none=True, metadata={"description": "shown to registered people and organizers"})
    version = fields.Integer()
    created_at = fields.DateTime()
    updated_at = fields.DateTime()
    cancelled_at = fields.DateTime(allow_none=True)
    completed_at = fields.DateTime(allow_none=True)


class EventQuery(PageArgsSchema):
    kind = fields.String(validate=validate.OneOf(KINDS))
    format = fields.String(validate=validate.OneOf(FORMATS))
    status = fields.String(validate=validate.OneOf(STATUSES))
    starts_from = fields.AwareDateTime(data_key="from", metadata={"description": "events starting at or after"})
    starts_before = fields.AwareDateTime(data_key="to", metadata={"description": "events starting before"})
    organization_id = fields.UUID(metadata={"description": "organizing, hosting or partner organization"})
    topic = fields.String(validate=TAG)
    series_id = fields.UUID()
    ids = fields.List(fields.UUID(), data_key="id", validate=validate.Length(max=100),
                      metadata={"description": "only these events (repeat the parameter: ?id=…&id=…)"})
    tz = fields.String(validate=zone_name, metadata={"description": "also show the times in this zone"})
    q = fields.String(validate=validate.Length(min=1, max=200),
                      metadata={"description": "words of the title or description (every word must appear; "
                                               "case and Turkish letters do not matter)"})


class ManagedEventQuery(PageArgsSchema):
    status = fields.String(validate=validate.OneOf(STATUSES))


class EventCancel(Schema):
    reason = fields.String(validate=validate.Length(max=2000), allow_none=True)


class ReadArgs(Schema):
    tz = fields.String(validate=zone_name)


class SeriesIn(Schema):
    title = texts(300, required=True)
    description = texts(5000, load_default=dict)
    kind = fields.String(validate=validate.OneOf(KINDS), allow_none=True)


class SeriesPatch(Patch, SeriesIn):
    pass


class SeriesOut(SeriesIn):
    id = fields.UUID()
    version = fields.Integer()
    created_at = fields.DateTime()


class RegistrationIn(Schema):
    organization_id = fields.UUID(metadata={"description": "on whose behalf; may be left out by a member of one"})
    person_id = fields.UUID(metadata={"description": "who; left out, the caller"})


class Warning(Schema):
    code = fields.String()
    detail = fields.String()
    event_id = fields.UUID()


class RegistrationOut(Schema):
    id = fields.UUID()
    event_id = fields.UUID()
    person_id = fields.UUID()
    organization_id = fields.UUID()
    person_name = fields.String(metadata={"description": "in lists: the person's name"})
    organization_name = fields.String(metadata={"description": "in lists: the organization's name"})
    status = fields.String()
    waitlist_position = fields.Integer(allow_none=True)
    attendance = fields.String(allow_none=True)
    version = fields.Integer()
    created_at = fields.DateTime()
    promoted_at = fields.DateTime(allow_none=True)
    cancelled_at = fields.DateTime(allow_none=True)
    warnings = fields.List(fields.Nested(Warning))


class RegistrationQuery(PageArgsSchema):
    status = fields.String(validate=validate.OneOf(("registered", "waitlisted", "cancelled")))


class MyRegistrationQuery(RegistrationQuery):
    event_id = fields.UUID(metadata={"description": "only your registrations for this event"})


class AttendanceItem(Schema):
    person_id = fields.UUID(required=True)
    attended = fields.Boolean(required=True)


class AttendanceIn(Schema):
    records = fields.List(fields.Nested(AttendanceItem), required=True, validate=validate.Length(min=1, max=5000))


class FeedbackIn(Schema):
    rating = fields.Integer(required=True, strict=True, validate=validate.Range(min=1, max=5))
    comment = fields.String(validate=validate.Length(max=5000), allow_none=True)
    consent_to_quote = fields.Boolean(load_default=False)


class FeedbackOut(FeedbackIn):
    id = fields.UUID()
    event_id = fields.UUID()
    person_id = fields.UUID()
    person_name = fields.String(metadata={"description": "for organizers: who gave it"})
    created_at = fields.DateTime()


class FeedbackSummary(Schema):
    count = fields.Integer()
    average_rating = fields.Float(allow_none=True)
    quotes = fields.List(fields.Dict(), metadata={"description": "comments their authors agreed to have quoted"})
    items = fields.List(fields.Nested(FeedbackOut), metadata={"description": "every answer, for organizers only"})
    mine = fields.Nested(FeedbackOut, allow_none=True, metadata={"description": "the caller's own answer, if any"})


class TopicIn(Schema):
    title = texts(300, required=True)
    description = texts(5000, load_default=dict)
    tags = fields.List(fields.String(validate=TAG), load_default=list)
    organization_id = fields.UUID(required=True, metadata={"description": "the proposing organization"})


class TopicOut(TopicIn):
    id = fields.UUID()
    status = fields.String()
    votes = fields.Integer()
    organization_name = fields.String(allow_none=True, metadata={"description": "the proposing organization's name"})
    voted_by = fields.List(fields.UUID(), metadata={"description": "the caller's organizations that voted for it"})
    event_id = fields.UUID(allow_none=True)
    proposed_by = fields.String()
    version = fields.Integer()
    created_at = fields.DateTime()


class TopicEventIn(EventIn):
    """An event made from a topic: its title and tags default to the topic's."""
    title = texts(300)
    kind = fields.String(load_default="civil_space_discussion")
    status = fields.String(load_default="draft")


class TopicQuery(PageArgsSchema):
    status = fields.String(validate=validate.OneOf(("open", "scheduled", "closed")))


class RankingQuery(Schema):
    limit = fields.Integer(load_default=10, validate=validate.Range(min=1, max=100))
    status = fields.String(load_default="open", validate=validate.OneOf(("open", "scheduled", "closed", "all")))


class VoteIn(Schema):
    organization_id = fields.UUID(metadata={"description": "the voting organization; may be left out by a member of one"})


class PlacementIn(Schema):
    participant_id = fields.UUID(required=True)
    home_organization_id = fields.UUID(required=True)
    host_organization_id = fields.UUID(required=True)
    event_id = fields.UUID(allow_none=True)
    starts_on = fields.Date(required=True)
    ends_on = fields.Date(required=True)
    goals = Stripped(required=True, validate=validate.Length(min=1, max=5000))

    @validates_schema
    def _dates(self, data, **_):
        if "starts_on" in data and "ends_on" in data and data["ends_on"] < data["starts_on"]:
            raise ValidationError({"ends_on": ["The visit cannot end before it starts."]})


class PlacementPatch(Schema):
    starts_on = fields.Date()
    ends_on = fields.Date()
    goals = Stripped(validate=validate.Length(min=1, max=5000))
    status = fields.String(validate=validate.OneOf(PLACEMENT_STATUSES))


class PlacementOut(PlacementIn):
    id = fields.UUID()
    participant_name = fields.String()
    organization_names = fields.Dict(keys=fields.String(), values=fields.String(),
                                     metadata={"description": "id → name of the home and host organizations"})
    status = fields.String()
    version = fields.Integer()
    created_at = fields.DateTime()


class PlacementQuery(PageArgsSchema):
    organization_id = fields.UUID(metadata={"description": "home or host organization"})
    participant_id = fields.UUID()
    status = fields.String(validate=validate.OneOf(PLACEMENT_STATUSES))


class ImportIn(Schema):
    url = fields.URL(required=True, schemes={"https", "http"}, require_tld=False, validate=validate.Length(max=2000),
                     metadata={"description": "the feed's address (kept private: it may carry a token)"})
    time_zone = fields.String(required=True, validate=zone_name,
                              metadata={"description": "for all-day events, floating and UTC times"})
    kind = fields.String(load_default="thematic_meeting", validate=validate.OneOf(KINDS),
                         metadata={"description": "the kind every imported event gets"})
    visibility = fields.String(load_default="members", validate=validate.OneOf(VISIBILITIES))
    language = fields.String(load_default="en", validate=validate.OneOf(TEXT_LANGUAGES),
                             metadata={"description": "the language the feed's titles are written in"})


class ImportPatch(Patch, ImportIn):
    active = fields.Boolean(metadata={"description": "false pauses the import; true resumes it"})


class ImportOut(ImportIn):
    id = fields.UUID()
    organization_id = fields.UUID()
    active = fields.Boolean()
    last_fetched_at = fields.DateTime(allow_none=True)
    next_fetch_at = fields.DateTime()
    last_outcome = fields.String(allow_none=True, metadata={"description": "imported, not_modified or failed"})
    last_error = fields.String(allow_none=True)
    last_report = fields.Dict(metadata={"description": "created, updated, unchanged, cancelled, failed and the "
                                                       "problems of the VEVENTs that failed, by UID"})
    version = fields.Integer()
    created_at = fields.DateTime()
    updated_at = fields.DateTime()


class ImportList(Schema):
    items = fields.List(fields.Nested(ImportOut))


class FeedArgs(Schema):
    cursor = fields.String(validate=validate.Length(max=200), metadata={"description": "the `cursor` of the last page"})
    limit = fields.Integer(load_default=500, validate=validate.Range(min=1, max=1000))


class Change(Schema):
    type = fields.String()
    event_id = fields.UUID()
    occurred_at = fields.DateTime(attribute="created_at")
    data = fields.Dict(attribute="payload")


class FeedPage(Schema):
    items = fields.List(fields.Nested(Change))
    cursor = fields.String(metadata={"description": "where the next pull starts (also when this page was empty)"})
    more = fields.Boolean(metadata={"description": "true when the next pull has changes waiting already"})


class CalendarLink(Schema):
    url = fields.String(metadata={"description": "private: anyone with it sees your events; shown once"})
