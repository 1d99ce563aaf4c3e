"""An organization's webhook forms: a new subscription (its system's URL, what to send), and the
steps on one (disable, enable, delete, redeliver) at the version the admin saw. The notifications
API checks every value; what it refuses comes back next to the field."""
from __future__ import annotations

import re
import uuid

from flask_babel import lazy_gettext as _
from flask_wtf import FlaskForm
from wtforms import HiddenField, SelectMultipleField, StringField, URLField
from wtforms.validators import DataRequired, Length, Optional
from wtforms.widgets import CheckboxInput, ListWidget

from shared.versions import etag
from services.web import labels

# The notifications API's refusals these forms show, marked for the catalog (problems.message finds them)
REFUSALS = [
    _("An events.event or events.registration message type or pattern, e.g. events.event.* or "
      "events.registration.created."),
    _("Only a coordinator or an admin of this organization manages its webhooks."),
    _("Use an http(s) URL with a host name."),
    _("Re-enable the subscription before redelivering."),
    _("This delivery is being sent right now; see its log in a moment."),
]


class MultiCheckboxField(SelectMultipleField):
    """Several choices as checkboxes (the form macro draws them in a fieldset)."""
    widget = ListWidget(prefix_label=False)
    option_widget = CheckboxInput()


class Subscription(FlaskForm):
    """`attempt` names this filling of the form: sent twice (a reload), it creates one subscription."""
    attempt = HiddenField()
    url = URLField(_("Your system's address"), validators=[DataRequired(_("Give the address deliveries go to."))],
                   render_kw={"autocomplete": "url", "inputmode": "url"})
    event_types = MultiCheckboxField(_("What to send"), validators=[Optional()],
                                     choices=[(p, str(name)) for p, name in labels.WEBHOOK_PATTERN_NAMES.items()])
    other_types = StringField(_("Other message types (optional)"), validators=[Optional(), Length(max=500)])

    @classmethod
    def new(cls) -> "Subscription":
        return cls(formdata=None, data={"attempt": uuid.uuid4().hex, "event_types": ["events.event.*"]})

    def idempotency_key(self) -> str:
        """The same attempt, the same key; an edited or missing one gets a key of its own."""
        attempt = self.attempt.data or ""
        return f"web-webhook-{attempt if re.fullmatch(r'[0-9a-f]{32}', attempt) else uuid.uuid4().hex}"

    def types(self) -> list[str]:
        others = [t for t in re.split(r"[\s,]+", self.other_types.data or "") if t]
        return list(dict.fromkeys([*(self.event_types.data or []), *others]))

    def validate(self, extra_validators=None) -> bool:
        valid = super().validate(extra_validators)
        if valid and not self.types():
            self.event_types.errors = [*self.event_types.errors, _("Choose at least one kind of message.")]
            return False
        return valid

    def body(self, organization_id: str) -> dict:
        return {"organization_id": organization_id, "url": self.url.data.strip(), "event_types": self.types()}


class Step(FlaskForm):
    """A step on a subscription, at the version the admin saw it."""
    version = HiddenField()

    def if_match(self) -> str:
        return etag(int(self.version.data)) if (self.version.data or "").isdigit() else etag(0)
