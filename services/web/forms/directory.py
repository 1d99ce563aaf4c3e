"""The directory's filters, read from the page's address."""
from __future__ import annotations

from flask_babel import lazy_gettext as _
from flask_wtf import FlaskForm
from wtforms import SearchField, SelectField
from wtforms.validators import Length, Optional

from services.web import labels


class DirectoryFilters(FlaskForm):
    """What the reader narrows the directory to. A GET form: nothing changes, so no CSRF token."""

    class Meta:
        csrf = False

    q = SearchField(_("Name"), validators=[Optional(), Length(max=100)])
    focus_area = SelectField(_("Focus area"), validators=[Optional()])
    country = SelectField(_("Country"), validators=[Optional()])

    def offer(self) -> "DirectoryFilters":
        self.focus_area.choices = [("", _("Every focus area")),
                                   *sorted(labels.FOCUS_AREA_NAMES.items(), key=lambda c: labels.alphabetical(str(c[1])))]
        self.country.choices = [("", _("Every country")), *labels.countries()]
        return self

    def chosen(self) -> dict:
        """The filters given that the directory can use, by name."""
        chosen = {}
        for name, field in self._fields.items():
            value = (field.data or "").strip()
            offered = not hasattr(field, "choices") or value in {c[0] for c in field.choices}
            if value and offered and len(value) <= 100:
                chosen[name] = value
        return chosen
