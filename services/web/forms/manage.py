"""The organizers' forms: an event (its texts in Turkish and English, its wall-clock times in its
own zone), its new times, its cancellation, attendance, feedback, a series, a placement — and how
each turns into the body the events API takes, or is filled from what the API answered."""
from __future__ import annotations

import uuid
from datetime import datetime, timezone
from zoneinfo import ZoneInfo

from babel.dates import get_timezone_location
from flask_babel import get_locale
from flask_babel import lazy_gettext as _
from flask_wtf import FlaskForm
from wtforms import (BooleanField, DateField, DateTimeLocalField, FieldList, Form, FormField, HiddenField, IntegerField, RadioField,
                     SelectField, SelectMultipleField, StringField, SubmitField, TextAreaField, URLField)
from wtforms.validators import InputRequired, Length, NumberRange, Optional
from wtforms.widgets import CheckboxInput, ListWidget

from services.web import labels, times

WALL_CLOCK = "%Y-%m-%dT%H:%M"  # what <input type=datetime-local> sends
# The zones the community's events happen in (an event stored in another keeps it as an option)
ZONES = ("Europe/Istanbul", "Europe/Dublin", "Europe/London", "Europe/Berlin", "Europe/Amsterdam", "Europe/Brussels",
         "UTC")
BLANK_SPEAKERS = 2  # empty rows for more speakers (without JavaScript a form cannot grow)
# The events API's own words for what a person may get wrong here: msgids of the web's catalog
API_MESSAGES = [
    _("The end must be after the start."), _("Registration must close after it opens."),
    _("Registration must close by the end of the event."), _("An event in person needs a venue."),
    _("An online event needs its link."), _("Must be in the future to schedule the event."),
    _("Give the text in at least one language (tr or en)."), _("Unknown series."),
    _("A completed or cancelled event cannot be changed."), _("Only a draft can be scheduled."),
    _("A completed event cannot be cancelled."), _("Attendance is recorded once the event has started."),
    _("Attendance is recorded for registered people only."), _("Only people who attended can give feedback."),
    _("You have already given feedback on this event."), _("A cancelled event takes no feedback."),
    _("Only a coordinator, or an admin of one of the organizing organizations, can do this."),
    _("Only a coordinator or an admin of an organizing organization can change this event."),
    _("Only a coordinator can shape the program's series."),
    _("Only a coordinator or an admin of the home organization can propose a placement."),
    _("Only a coordinator or an admin of the home or host organization can change this placement."),
    _("The person must belong to this organization."), _("Must differ from home_organization_id."),
    _("The visit cannot end before it starts."), _("Not a study-visit event."),
    _("Use an ISO 3166 alpha-2 code."), _("Use an IANA time zone, e.g. Europe/Istanbul or Europe/Dublin."),
]
# The events API's names of an event's fields → the form's, where they differ
EVENT_FIELDS = {"title": "title_tr", "description": "description_tr", "starts_at": "starts_local",
                "ends_at": "ends_local", "venue": "venue_name", "registration_opens_at": "registration_opens",
                "registration_closes_at": "registration_closes"}


class MultiCheckboxField(SelectMultipleField):
    """Several choices as checkboxes (the `field` macro shows them in a fieldset)."""
    widget = ListWidget(prefix_label=False)
    option_widget = CheckboxInput()


def zone_choices(current: str | None = None) -> list[tuple[str, str]]:
    """The zones offered, named in the reader's language ("Ireland Time — Europe/Dublin")."""
    locale = times.LOCALES.get(str(get_locale()), "en_IE")
    zones = [*ZONES, *([current] if current and current not in ZONES else [])]
    return [(z, z if z == "UTC" else f"{get_timezone_location(ZoneInfo(z), locale=locale)} — {z}") for z in zones]


def wall_clock(value: str | None, zone: str) -> datetime | None:
    """An instant the API gave, as a wall-clock time on the event's own clock."""
    return times.instant(value).astimezone(ZoneInfo(zone)).replace(tzinfo=None) if value else None


def unmoved_times_left_out(body: dict, current: dict) -> dict:
    """The edit as sent: a start or end the person did not move is left out. The form shows minutes,
    and an event made through the API may start at seconds past one; sent back, it would move by
    them, and everyone registered would be told the event was rescheduled."""
    zone = current["time_zone"]
    if body["time_zone"] != zone:
        return body
    return {name: value for name, value in body.items()
            if not (name in ("starts_local", "ends_local")
                    and value == wall_clock(current[name.replace("_local", "_at")], zone).strftime(WALL_CLOCK))}


def instant(field, zone: str) -> str | None:
    """A wall-clock field's time in `zone` as an instant for the API; a time the clocks skip
    (a daylight-saving jump) is an error on the field rather than silently another time."""
    if field.data is None:
        return None
    local = field.data.replace(tzinfo=ZoneInfo(zone))
    there = local.astimezone(timezone.utc).astimezone(ZoneInfo(zone)).replace(tzinfo=None)
    if there != field.data:
        field.errors = [*field.errors, _("This time does not exist in %(zone)s: the clocks skip it.", zone=zone)]
        return None
    return local.isoformat()


def texts(tr: str | None, en: str | None) -> dict:
    return {lang: text.strip() for lang, text in (("tr", tr), ("en", en)) if text and text.strip()}


class Speaker(Form):
    name = StringField(_("Name"), validators=[Optional(), Length(max=200)])
    role = SelectField(_("Role"), choices=list(labels.SPEAKER_ROLE_NAMES.items()), default="speaker")
    organization_name = StringField(_("Organization"), validators=[Optional(), Length(max=200)])
    organization_id = HiddenField()  # kept as the event had it (the API names the organization)
    person_id = HiddenField()

    def body(self) -> dict | None:
        if not (self.name.data or "").strip():
            return None  # an empty row
        found = {"name": self.name.data.strip(), "role": self.role.data,
                 "organization_name": (self.organization_name.data or "").strip() or None,
                 "organization_id": self.organization_id.data or None, "person_id": self.person_id.data or None}
        return {k: v for k, v in found.items() if v is not None}


class EventForm(FlaskForm):
    """An event as its organizers write it. `etag` is the version being edited; `key` makes a
    second press of "Create" the same request as the first (Idempotency-Key)."""
    etag = HiddenField()
    key = HiddenField()
    title_tr = StringField(_("Title in Turkish"), validators=[Optional(), Length(max=300)])
    title_en = StringField(_("Title in English"), validators=[Optional(), Length(max=300)])
    description_tr = TextAreaField(_("Description in Turkish"), validators=[Optional(), Length(max=20000)])
    description_en = TextAreaField(_("Description in English"), validators=[Optional(), Length(max=20000)])
    kind = SelectField(_("Kind"), choices=list(labels.KIND_NAMES.items()))
    format = RadioField(_("Format"), choices=list(labels.FORMAT_NAMES.items()), default="online")
    venue_name = StringField(_("Venue"), validators=[Optional(), Length(max=200)])
    venue_address = StringField(_("Address"), validators=[Optional(), Length(max=300)])
    venue_city = StringField(_("City"), validators=[Optional(), Length(max=120)])
    venue_country = StringField(_("Country code"), validators=[Optional(), Length(max=2)])
    online_url = URLField(_("Online link"), validators=[Optional(), Length(max=2000)])
    time_zone = SelectField(_("Time zone of the event"), default="Europe/Istanbul")
    starts_local = DateTimeLocalField(_("Starts"), format=WALL_CLOCK, validators=[InputRequired()])
    ends_local = DateTimeLocalField(_("Ends"), format=WALL_CLOCK, validators=[InputRequired()])
    display_time_zones = MultiCheckboxField(_("Also show the times in"))
    capacity = IntegerField(_("Seats"), validators=[Optional(), NumberRange(min=1, max=100000)])
    registration_opens = DateTimeLocalField(_("Registration opens"), format=WALL_CLOCK, validators=[Optional()])
    registration_closes = DateTimeLocalField(_("Registration closes"), format=WALL_CLOCK, validators=[Optional()])
    visibility = RadioField(_("Who sees it"), choices=list(labels.VISIBILITY_NAMES.items()), default="members")
    organizer_ids = MultiCheckboxField(_("Organized by"))
    invited_ids = MultiCheckboxField(_("Invited organizations"))
    speakers = FieldList(FormField(Speaker), label=_("Speakers"))
    series_id = SelectField(_("Series"))
    topics = MultiCheckboxField(_("Topics"))
    save = SubmitField(_("Save"))
    publish = SubmitField(_("Save and schedule"))

    def offer(self, organizations: list[tuple[str, str]], series: list[tuple[str, str]],
              event: dict | None = None) -> "EventForm":
        """The choices that come from the services, and those the event holds already."""
        self.time_zone.choices = zone_choices(event and event["time_zone"])
        self.display_time_zones.choices = zone_choices()
        self.organizer_ids.choices = self.invited_ids.choices = organizations
        self.series_id.choices = [("", _("No series")), *series]
        tags = {**labels.TOPIC_NAMES, **{t: labels.topic_name(t) for t in (event or {}).get("topics", [])}}
        self.topics.choices = list(tags.items())
        while len(self.speakers.entries) < len([e for e in self.speakers.entries if e.form.name.data]) + BLANK_SPEAKERS:
            self.speakers.append_entry()
        return self

    @classmethod
    def of(cls, event: dict, etag: str) -> "EventForm":
        """The form filled with an event as the API answered it."""
        zone, venue = event["time_zone"], event.get("venue") or {}
        return cls(formdata=None, data={
            "etag": etag, "title_tr": event["title"].get("tr"), "title_en": event["title"].get("en"),
            "description_tr": event["description"].get("tr"), "description_en": event["description"].get("en"),
            "kind": event["kind"], "format": event["format"], "venue_name": venue.get("name"),
            "venue_address": venue.get("address"), "venue_city": venue.get("city"),
            "venue_country": venue.get("country"), "online_url": event.get("online_url"), "time_zone": zone,
            "starts_local": wall_clock(event["starts_at"], zone), "ends_local": wall_clock(event["ends_at"], zone),
            "display_time_zones": event["display_time_zones"], "capacity": event.get("capacity"),
            "registration_opens": wall_clock(event.get("registration_opens_at"), zone),
            "registration_closes": wall_clock(event.get("registration_closes_at"), zone),
            "visibility": event["visibility"], "organizer_ids": event["organizer_ids"],
            "invited_ids": event["invited_ids"], "speakers": event["speakers"], "series_id": event.get("series_id") or "",
            "topics": event["topics"]})

    @classmethod
    def new(cls, organizer_ids) -> "EventForm":
        return cls(formdata=None, data={"key": str(uuid.uuid4()), "organizer_ids": list(organizer_ids)})

    def body(self) -> dict | None:
        """The event as the API takes it; None when a time could not be read (the field says why)."""
        zone = self.time_zone.data
        opens, closes = instant(self.registration_opens, zone), instant(self.registration_closes, zone)
        if self.registration_opens.errors or self.registration_closes.errors:
            return None
        venue = {k: (getattr(self, f"venue_{k}").data or "").strip() for k in ("name", "address", "city", "country")}
        venue = {k: (v.upper() if k == "country" else v) for k, v in venue.items() if v}
        return {
            "title": texts(self.title_tr.data, self.title_en.data),
            "description": texts(self.description_tr.data, self.description_en.data),
            "kind": self.kind.data, "format": self.format.data, "venue": venue or None,
            "online_url": (self.online_url.data or "").strip() or None, "time_zone": zone,
            "starts_local": self.starts_local.data.strftime(WALL_CLOCK),
            "ends_local": self.ends_local.data.strftime(WALL_CLOCK),
            "display_time_zones": [z for z in self.display_time_zones.data if z != zone],
            "capacity": self.capacity.data, "registration_opens_at": opens, "registration_closes_at": closes,
            "visibility": self.visibility.data, "organizer_ids": self.organizer_ids.data,
            "invited_ids": self.invited_ids.data if self.visibility.data == "invitation" else [],
            "speakers": [s for s in (entry.form.body() for entry in self.speakers) if s],
            "series_id": self.series_id.data or None, "topics": self.topics.data,
        }

    def differences(self, theirs: "EventForm") -> list[tuple[str, str]]:
        """(label, their value) of the fields where `theirs` — the event as it is now — differs from this form."""
        return [(str(field.label.text), shown_value(theirs[name])) for name, field in self._fields.items()
                if name in SHOWN and shown_value(field) != shown_value(theirs[name])]


SHOWN = ("title_tr", "title_en", "description_tr", "description_en", "kind", "format", "venue_name", "venue_address",
         "venue_city", "venue_country", "online_url", "time_zone", "starts_local", "ends_local", "display_time_zones",
         "capacity", "registration_opens", "registration_closes", "visibility", "organizer_ids", "invited_ids",
         "speakers", "series_id", "topics")


def shown_value(field) -> str:
    """A field's value as a person reads it (the names of its choices, its times as written)."""
    if isinstance(field, FieldList):
        return ", ".join(e.form.name.data for e in field if e.form.name.data)
    if isinstance(field, SelectMultipleField):
        names = dict(field.choices or [])
        return ", ".join(str(names.get(v, v)) for v in field.data or [])
    if isinstance(field, (SelectField, RadioField)):
        return str(dict(field.choices or []).get(field.data, field.data or ""))
    if isinstance(field.data, datetime):
        return field.data.strftime("%Y-%m-%d %H:%M")
    return "" if field.data is None else str(field.data)


class RescheduleForm(FlaskForm):
    """New times for an event that is on the program: its registered people are told."""
    etag = HiddenField()
    time_zone = SelectField(_("Time zone of the event"))
    starts_local = DateTimeLocalField(_("Starts"), format=WALL_CLOCK, validators=[InputRequired()])
    ends_local = DateTimeLocalField(_("Ends"), format=WALL_CLOCK, validators=[InputRequired()])

    @classmethod
    def of(cls, event: dict, etag: str) -> "RescheduleForm":
        zone = event["time_zone"]
        form = cls(formdata=None, data={"etag": etag, "time_zone": zone, "starts_local": wall_clock(event["starts_at"], zone),
                                        "ends_local": wall_clock(event["ends_at"], zone)})
        return form.offer(event)

    def offer(self, event: dict) -> "RescheduleForm":
        self.time_zone.choices = zone_choices(event["time_zone"])
        return self

    def body(self) -> dict:
        return {"time_zone": self.time_zone.data, "starts_local": self.starts_local.data.strftime(WALL_CLOCK),
                "ends_local": self.ends_local.data.strftime(WALL_CLOCK)}


class CancelForm(FlaskForm):
    etag = HiddenField()
    reason = TextAreaField(_("Why (told to the people registered)"), validators=[Optional(), Length(max=2000)])


class VersionForm(FlaskForm):
    """A change that needs only the version it was made against (scheduling a draft)."""
    etag = HiddenField(validators=[InputRequired()])


class AttendanceForm(FlaskForm):
    """One tap on the list: this person came, or did not."""
    person_id = HiddenField(validators=[InputRequired(), Length(min=36, max=36)])
    attended = SelectField(choices=[("yes", _("Attended")), ("no", _("Absent"))], validators=[InputRequired()])


class FeedbackForm(FlaskForm):
    rating = RadioField(_("How useful was it for you?"), validators=[InputRequired(_("Choose a rating."))],
                        choices=[("5", _("5 — very useful")), ("4", _("4")), ("3", _("3")), ("2", _("2")),
                                 ("1", _("1 — not useful"))])
    comment = TextAreaField(_("What would you tell the organizers?"), validators=[Optional(), Length(max=5000)])
    consent_to_quote = BooleanField(_("You may quote my comment, without my name"))

    def body(self) -> dict:
        return {"rating": int(self.rating.data), "comment": (self.comment.data or "").strip() or None,
                "consent_to_quote": bool(self.consent_to_quote.data)}


class SeriesForm(FlaskForm):
    etag = HiddenField()
    key = HiddenField()
    title_tr = StringField(_("Title in Turkish"), validators=[Optional(), Length(max=300)])
    title_en = StringField(_("Title in English"), validators=[Optional(), Length(max=300)])
    description_tr = TextAreaField(_("Description in Turkish"), validators=[Optional(), Length(max=5000)])
    description_en = TextAreaField(_("Description in English"), validators=[Optional(), Length(max=5000)])
    kind = SelectField(_("Kind of its events"), choices=[("", _("Any kind")), *labels.KIND_NAMES.items()],
                       validators=[Optional()])

    @classmethod
    def of(cls, series: dict | None, etag: str = "") -> "SeriesForm":
        series = series or {"title": {}, "description": {}}
        return cls(formdata=None, data={
            "etag": etag, "key": str(uuid.uuid4()), "title_tr": series["title"].get("tr"),
            "title_en": series["title"].get("en"), "description_tr": series["description"].get("tr"),
            "description_en": series["description"].get("en"), "kind": series.get("kind") or ""})

    def body(self) -> dict:
        return {"title": texts(self.title_tr.data, self.title_en.data),
                "description": texts(self.description_tr.data, self.description_en.data),
                "kind": self.kind.data or None}


class PlacementForm(FlaskForm):
    key = HiddenField()
    participant_id = SelectField(_("Participant"), validators=[InputRequired()])
    home_organization_id = SelectField(_("Home organization"), validators=[InputRequired()])
    host_organization_id = SelectField(_("Host organization"), validators=[InputRequired()])
    event_id = SelectField(_("Study visit in the program"), validators=[Optional()])
    starts_on = DateField(_("First day"), validators=[InputRequired()])
    ends_on = DateField(_("Last day"), validators=[InputRequired()])
    goals = TextAreaField(_("Learning goals"), validators=[InputRequired(), Length(max=5000)])

    def offer(self, people, homes, hosts, visits) -> "PlacementForm":
        self.participant_id.choices = [("", _("Choose a person")), *people]
        self.home_organization_id.choices = [("", _("Choose an organization")), *homes]
        self.host_organization_id.choices = [("", _("Choose an organization")), *hosts]
        self.event_id.choices = [("", _("None")), *visits]
        return self

    def body(self) -> dict:
        return {"participant_id": self.participant_id.data, "home_organization_id": self.home_organization_id.data,
                "host_organization_id": self.host_organization_id.data, "event_id": self.event_id.data or None,
                "starts_on": self.starts_on.data.isoformat(), "ends_on": self.ends_on.data.isoformat(),
                "goals": self.goals.data.strip()}


class PlacementStatusForm(FlaskForm):
    etag = HiddenField(validators=[InputRequired()])
    status = SelectField(choices=list(labels.PLACEMENT_STATUS_NAMES.items()), validators=[InputRequired()])
