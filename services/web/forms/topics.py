"""The topics' forms: proposing a topic, and an organization's vote for one (cast or withdrawn)."""
from __future__ import annotations

import uuid

from flask_babel import lazy_gettext as _
from flask_wtf import FlaskForm
from wtforms import HiddenField, RadioField, SelectField, SelectMultipleField, StringField, TextAreaField
from wtforms.validators import DataRequired, Length, Optional, ValidationError
from wtforms.widgets import CheckboxInput, ListWidget

from services.web import labels

LANGUAGES = [("tr", "Türkçe"), ("en", "English")]


class MultiCheckboxField(SelectMultipleField):
    """Several choices as checkboxes (_forms.html lays them out in a fieldset)."""
    widget = ListWidget(prefix_label=False)
    option_widget = CheckboxInput()


class TopicProposal(FlaskForm):
    title = StringField(_("The topic"), validators=[DataRequired(_("Say what the topic is.")), Length(min=3, max=300)])
    description = TextAreaField(_("Why it matters to your organization (optional)"),
                                validators=[Optional(), Length(max=5000)])
    language = RadioField(_("Written in"), choices=LANGUAGES, validators=[DataRequired()])
    tags = MultiCheckboxField(_("Related areas (optional)"), validators=[Optional()])
    organization_id = SelectField(_("On behalf of"))

    @classmethod
    def offering(cls, organizations: list[tuple[str, str]], language: str) -> "TopicProposal":
        """The form in the reader's language, asking on whose behalf only when there is a choice."""
        form = cls()
        if not form.language.data:
            form.language.data = language
        form.tags.choices = sorted(((tag, str(name)) for tag, name in labels.TOPIC_NAMES.items()),
                                   key=lambda choice: labels.alphabetical(choice[1]))
        if organizations:
            form.organization_id.choices = organizations
        else:
            del form.organization_id
        return form

    def body(self, organization_id: str | None) -> dict:
        """The events API's topic: its texts in the language they were written in."""
        language = self.language.data
        body = {"title": {language: self.title.data.strip()}, "tags": self.tags.data or [],
                "organization_id": self.organization_id.data if "organization_id" in self else organization_id}
        if self.description.data and self.description.data.strip():
            body["description"] = {language: self.description.data.strip()}
        return body


class TopicVote(FlaskForm):
    """Casting or withdrawing a vote: for which organization (left out: the person's only one)."""
    organization_id = HiddenField(validators=[Optional()])

    def validate_organization_id(self, field) -> None:
        if field.data:
            try:
                uuid.UUID(field.data)
            except ValueError:
                raise ValidationError(_("Not a valid organization.")) from None
