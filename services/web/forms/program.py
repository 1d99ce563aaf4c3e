"""The program's forms: its filters (read from the page's address) and registering for an event."""
from __future__ import annotations

import re

from flask_babel import lazy_gettext as _
from flask_wtf import FlaskForm
from wtforms import SearchField, SelectField
from wtforms.validators import Length, Optional

from services.web import labels

KINDS = tuple(labels.KIND_NAMES)
FORMATS = tuple(labels.FORMAT_NAMES)
TAG = re.compile(r"[a-z0-9][a-z0-9_-]{1,59}")  # as the events API writes a topic


class ProgramFilters(FlaskForm):
    """What the reader narrows the program to. A GET form: nothing changes, so no CSRF token;
    the choices that come from the services (series, months) are given by the view."""

    class Meta:
        csrf = False

    q = SearchField(_("Search"), validators=[Optional(), Length(max=200)])
    kind = SelectField(_("Kind"), validators=[Optional()])
    format = SelectField(_("Format"), validators=[Optional()])
    topic = SelectField(_("Topic"), validators=[Optional()])
    series = SelectField(_("Series"), validators=[Optional()])
    month = SelectField(_("Month"), validators=[Optional()])

    def offer(self, series: list[tuple[str, str]], months: list[tuple[str, str]]) -> "ProgramFilters":
        self.kind.choices = [("", _("All kinds")), *labels.KIND_NAMES.items()]
        self.format.choices = [("", _("Any format")), *labels.FORMAT_NAMES.items()]
        topics = dict(labels.TOPIC_NAMES)
        if self.topic.data and self.topic.data not in topics and TAG.fullmatch(self.topic.data):
            topics[self.topic.data] = labels.topic_name(self.topic.data)  # a topic an event's page linked to
        self.topic.choices = [("", _("Any topic")), *sorted(topics.items(), key=lambda item: labels.alphabetical(str(item[1])))]
        self.series.choices = [("", _("Every series")), *series]
        self.month.choices = [("", _("Any month")), *months]
        return self

    def chosen(self) -> dict:
        """The filters given, by name (those left empty absent)."""
        return {name: field.data.strip() for name, field in self._fields.items() if field.data and field.data.strip()}


class Registration(FlaskForm):
    """Registering for an event; on whose behalf only asked of someone in several organizations."""

    organization_id = SelectField(_("On behalf of"))

    @classmethod
    def offering(cls, organizations: list[tuple[str, str]]) -> "Registration":
        """The form, asking on whose behalf only when there is a choice (`organizations`: id, name)."""
        form = cls()
        if organizations:
            form.organization_id.choices = organizations
        else:
            del form.organization_id
        return form

    def body(self) -> dict:
        return {"organization_id": self.organization_id.data} if "organization_id" in self else {}
