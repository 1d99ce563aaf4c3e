"""One's own account: name, language and time zone; consents; a new email address and the code
sent to it. The registry checks every value; what it refuses comes back next to the field."""
from __future__ import annotations

import zoneinfo

from flask_babel import lazy_gettext as _
from flask_wtf import FlaskForm
from wtforms import BooleanField, EmailField, HiddenField, RadioField, SelectField, StringField

from shared.versions import etag

REGIONS = ("Africa", "America", "Antarctica", "Asia", "Atlantic", "Australia", "Europe", "Indian", "Pacific")
ZONES = sorted(z for z in zoneinfo.available_timezones() if z.split("/")[0] in REGIONS) + ["UTC"]
# The registry's refusals these forms show, marked for the catalog (problems.message finds them at run time)
REFUSALS = [
    _("Use an IANA time zone, e.g. Europe/Istanbul or Europe/Dublin."),
    _("Not the code we sent."),
    _("No longer valid: ask for the change again."),
    _("Too many attempts; wait a little and try again."),
]


def if_match(version: str | None) -> str:
    """The ETag of the version a form was read at (a tampered one matches nothing)."""
    return etag(int(version)) if (version or "").isdigit() else etag(0)


class Profile(FlaskForm):
    version = HiddenField()
    full_name = StringField(_("Your name"), render_kw={"autocomplete": "name"})
    preferred_language = RadioField(_("Language"), choices=[("tr", "Türkçe"), ("en", "English")],
                                    validate_choice=False)
    time_zone = SelectField(_("Time zone"), validate_choice=False)

    def offer(self, current: str | None = None) -> "Profile":
        zones = ZONES if current in ZONES or not current else [current, *ZONES]
        self.time_zone.choices = [(z, z.replace("_", " ")) for z in zones]
        return self

    def body(self) -> dict:
        return {"full_name": (self.full_name.data or "").strip(), "preferred_language": self.preferred_language.data,
                "time_zone": self.time_zone.data}


class Consents(FlaskForm):
    version = HiddenField()
    consent_contact = BooleanField(_("Birlikte may email me about the community's events and news"))
    consent_recording = BooleanField(_("I agree to be recorded when I speak at an event"))

    def body(self) -> dict:
        return {"consent_contact": self.consent_contact.data, "consent_recording": self.consent_recording.data}


class EmailChange(FlaskForm):
    version = HiddenField()
    email = EmailField(_("New email address"), render_kw={"autocomplete": "email", "spellcheck": "false"})


class EmailCode(FlaskForm):
    code = StringField(_("Code"), render_kw={"autocomplete": "one-time-code", "inputmode": "numeric",
                                             "class": "code-input"})
