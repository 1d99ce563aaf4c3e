"""The archive's forms: a new item (its texts in Turkish and English, who may see it, its event,
organizations and speakers), its file, its captions — and how an item turns into the body the
archive API takes. The file forms are only drawn by WTForms: their posts stream through
(services/web/api/uploads.py) and are never parsed whole."""
from __future__ import annotations

from flask_babel import lazy_gettext as _
from flask_wtf import FlaskForm
from wtforms import FileField, RadioField, SelectField, StringField, TextAreaField, URLField
from wtforms.validators import Length, Optional, ValidationError

from services.web import labels
from services.web.forms.manage import MultiCheckboxField, texts

# The archive API's names of an item's fields → the form's, where they differ
ITEM_FIELDS = {"title": "title_tr", "description": "description_tr", "event_ids": "event_id"}
# The archive's own words for what a person may get wrong here: msgids of the web's catalog
API_MESSAGES = [
    _("A link needs its URL."), _("'participants' needs the events whose participants may see it."),
    _("Only a coordinator, or an admin of one of the item's organizations, can add to the archive."),
    _("Only a coordinator or an admin of the organizing organization can do this."),
    _("Upload the item's file before publishing it."), _("The request carried no bytes."),
    _("Captions and transcripts must be WebVTT (starting with 'WEBVTT')."),
    _("A link item points elsewhere (external_url)."), _("Captions belong to recordings."),
    _("Use lower-case words joined by _ or -."),
]


class ItemForm(FlaskForm):
    type = RadioField(_("What it is"), choices=list(labels.ITEM_TYPE_NAMES.items()), default="recording")
    title_tr = StringField(_("Title in Turkish"), validators=[Optional(), Length(max=300)])
    title_en = StringField(_("Title in English"), validators=[Optional(), Length(max=300)])
    description_tr = TextAreaField(_("Description in Turkish"), validators=[Optional(), Length(max=20000)])
    description_en = TextAreaField(_("Description in English"), validators=[Optional(), Length(max=20000)])
    language = SelectField(_("Language it is in"), choices=[("tr", "Türkçe"), ("en", "English")], default="tr")
    visibility = RadioField(_("Who may see it"), choices=list(labels.ITEM_VISIBILITY_NAMES.items()), default="members")
    event_id = SelectField(_("From the event"))
    organization_ids = MultiCheckboxField(_("Organizations"))
    speakers = MultiCheckboxField(_("Speakers"))
    external_url = URLField(_("Address (for a link)"), validators=[Optional(), Length(max=2000)])

    def offer(self, events: list[tuple[str, str]], organizations: list[tuple[str, str]],
              people: list[tuple[str, str]]) -> "ItemForm":
        """The choices that come from the services."""
        self.event_id.choices = [("", _("None")), *events]
        self.organization_ids.choices = organizations
        self.speakers.choices = people
        return self

    def validate_title_tr(self, field) -> None:
        if not texts(field.data, self.title_en.data):
            raise ValidationError(_("Give the title in Turkish, in English or in both."))

    def body(self) -> dict:
        """The item as the archive API takes it."""
        names = dict(self.speakers.choices)
        return {
            "type": self.type.data, "title": texts(self.title_tr.data, self.title_en.data),
            "description": texts(self.description_tr.data, self.description_en.data),
            "language": self.language.data, "visibility": self.visibility.data,
            "event_ids": [self.event_id.data] if self.event_id.data else [],
            "organization_ids": self.organization_ids.data or [],
            "speakers": [{"name": names[p], "person_id": p} for p in self.speakers.data or []],
            "external_url": (self.external_url.data or "").strip() or None,
        }


class FileForm(FlaskForm):
    """The item's file (the page adds the item's version, as it showed it: a file sent over someone
    else's newer change is refused)."""
    file = FileField(_("File"))


class CaptionsForm(FlaskForm):
    language = SelectField(_("Language of the captions"), choices=[("tr", "Türkçe"), ("en", "English")])
    captions = FileField(_("Captions file (WebVTT)"))
