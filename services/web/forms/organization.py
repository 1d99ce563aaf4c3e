"""An organization's admin's forms: its profile, inviting a person, a partnership, a partner API
client. The registry checks every value; what it refuses comes back next to the field."""
from __future__ import annotations

from flask_babel import lazy_gettext as _
from flask_wtf import FlaskForm
from wtforms import BooleanField, DateField, EmailField, HiddenField, SelectField, SelectMultipleField, StringField, \
    TelField, TextAreaField, URLField
from wtforms.validators import Optional
from wtforms.widgets import CheckboxInput, ListWidget

from services.web import labels

LANGUAGES = ("tr", "en", "ku", "ar", "de", "fr", "ga", "nl", "es", "it", "el", "pl")  # as the registry knows them
# The registry's refusals these forms show, marked for the catalog (problems.message finds them at run time)
REFUSALS = [
    _("Use an ISO 3166 alpha-2 code, e.g. TR or IE."),
    _("This person already has an active membership or a pending invitation of this kind in this organization."),
    _("These organizations already have an active partnership of this kind."),
    _("Must differ from organization_id."),
    _("Only a coordinator or an admin of this organization can do this."),
]


class MultiCheckboxField(SelectMultipleField):
    """Several choices as checkboxes (the form macro draws them in a fieldset)."""
    widget = ListWidget(prefix_label=False)
    option_widget = CheckboxInput()


def _optional(value: str | None) -> str | None:
    return (value or "").strip() or None


class Profile(FlaskForm):
    """The organization's public profile and contact details; `version` is the one it was read at."""
    version = HiddenField()
    name = StringField(_("Name"))
    kind = SelectField(_("Kind of organization"), validate_choice=False)
    country = SelectField(_("Country"), validate_choice=False)
    city = StringField(_("City"))
    description = TextAreaField(_("Description"))
    focus_areas = MultiCheckboxField(_("Focus areas"), validate_choice=False)
    languages = MultiCheckboxField(_("Languages it works in"), validate_choice=False)
    website = URLField(_("Website"))
    email = EmailField(_("Contact email"))
    phone = TelField(_("Phone"))

    FIELDS = ("name", "kind", "country", "city", "description", "focus_areas", "languages", "website", "email", "phone")

    def offer(self) -> "Profile":
        self.kind.choices = list(labels.ORGANIZATION_KIND_NAMES.items())
        self.country.choices = labels.countries()
        self.focus_areas.choices = list(labels.FOCUS_AREA_NAMES.items())
        self.languages.choices = [(code, labels.language_name(code)) for code in LANGUAGES]
        return self

    def body(self) -> dict:
        body = {name: getattr(self, name).data for name in self.FIELDS}
        for name in ("city", "description", "website", "email", "phone"):
            body[name] = _optional(body[name])
        body["name"] = (body["name"] or "").strip()
        return body


class Invitation(FlaskForm):
    """A person for the organization: registered with their membership if they are new to Birlikte,
    invited (they accept or decline) if they have an account already."""
    full_name = StringField(_("Full name"))
    email = EmailField(_("Email address"))
    kind = SelectField(_("Their tie to the organization"), validate_choice=False)
    title = StringField(_("Role or title (optional)"))
    is_admin = BooleanField(_("They may administer the organization too"))
    preferred_language = SelectField(_("Their language, for emails"), choices=[("tr", "Türkçe"), ("en", "English")],
                                     validate_choice=False)

    def offer(self) -> "Invitation":
        self.kind.choices = list(labels.MEMBERSHIP_KIND_NAMES.items())
        return self

    def membership(self) -> dict:
        return {"kind": self.kind.data, "is_admin": self.is_admin.data, "title": _optional(self.title.data)}

    def person(self) -> dict:
        return {"full_name": (self.full_name.data or "").strip(), "email": (self.email.data or "").strip(),
                "preferred_language": self.preferred_language.data}


class Partnership(FlaskForm):
    partner_id = SelectField(_("Partner organization"), validate_choice=False)
    kind = SelectField(_("Kind of partnership"), validate_choice=False)
    description = TextAreaField(_("What it is about (optional)"))
    started_on = DateField(_("Since (optional)"), validators=[Optional()])

    KINDS = {"peer": _("Peer organizations"), "study_visit_host": _("Study visits: we host them"),
             "study_visit_guest": _("Study visits: they host us"), "program_partner": _("Program partner"),
             "joint_project": _("Joint project")}

    def offer(self, organizations: list[tuple[str, str]]) -> "Partnership":
        self.partner_id.choices = [("", _("Choose an organization")), *organizations]
        self.kind.choices = list(self.KINDS.items())
        return self

    def body(self, organization_id) -> dict:
        """The partnership as the registry records it: of a study visit, the host first."""
        ours, theirs, kind = str(organization_id), self.partner_id.data or None, self.kind.data
        if kind == "study_visit_guest":
            ours, theirs, kind = theirs, ours, "study_visit_host"
        body = {"organization_id": ours, "partner_id": theirs, "kind": kind,
                "description": _optional(self.description.data)}
        if self.started_on.data:
            body["started_on"] = self.started_on.data.isoformat()
        return body


class Client(FlaskForm):
    """A partner system's API client. `attempt` names this one form: sent again (a reload, a second
    click), it creates nothing more, and the secret is not shown a second time."""
    attempt = HiddenField()
    name = StringField(_("Name of the system"))
    scopes = MultiCheckboxField(_("What it may do"), validate_choice=False)

    def offer(self) -> "Client":
        self.scopes.choices = list(labels.SCOPE_NAMES.items())
        return self

    def body(self) -> dict:
        return {"name": (self.name.data or "").strip(), "scopes": self.scopes.data or []}
