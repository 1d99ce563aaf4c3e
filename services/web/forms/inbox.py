"""The inbox's forms: marking everything read, and the notification preferences — for each kind of
notification, by email and in the inbox; news at once or in a daily digest; the series and topics
followed. The notifications API checks every value; what it refuses comes back next to the field."""
from __future__ import annotations

from datetime import datetime, timezone

from flask_babel import lazy_gettext as _
from flask_wtf import FlaskForm
from wtforms import HiddenField, RadioField, SelectMultipleField, StringField
from wtforms.validators import DataRequired, Length, Optional, Regexp
from wtforms.widgets import CheckboxInput, ListWidget

from services.web import labels

# The kinds a person chooses channels for (the digest is chosen apart: one email a day, or none)
GRID = tuple(kind for kind in labels.NOTIFICATION_KIND_NAMES if kind != "digest")
CHANNELS = ("email", "in_app")
# The notifications API's refusals these forms show, marked for the catalog (problems.message finds them)
REFUSALS = [_("A topic is 2 to 60 lowercase letters, digits, _ or -, e.g. workers_rights.")]


class MultiCheckboxField(SelectMultipleField):
    """Several choices as checkboxes (the form macro draws them in a fieldset)."""
    widget = ListWidget(prefix_label=False)
    option_widget = CheckboxInput()


class ReadAll(FlaskForm):
    """Everything read that was in the inbox when the page was shown (not what arrived since)."""
    before = HiddenField(validators=[DataRequired()])

    @classmethod
    def now(cls) -> "ReadAll":
        return cls(formdata=None, data={"before": datetime.now(timezone.utc).isoformat()})

    def instant(self) -> str | None:
        try:
            return datetime.fromisoformat(self.before.data).isoformat()
        except (TypeError, ValueError):
            return None


class Preferences(FlaskForm):
    """`version` is the ETag of the preferences the form was filled from (a change made meanwhile is
    not overwritten). `email` and `in_app` each list the kinds wanted on that channel."""
    version = HiddenField(validators=[Regexp(r'"v\d+"\Z')])
    email = MultiCheckboxField(_("By email"), validators=[Optional()])
    in_app = MultiCheckboxField(_("In the inbox"), validators=[Optional()])
    digest = RadioField(_("News of events and the archive"), validators=[DataRequired()], choices=[
        ("immediate", _("By email as it happens")), ("daily", _("In one email a day, at 08:00 your time"))])
    followed_series = MultiCheckboxField(_("Series you follow"), validators=[Optional()])
    followed_topics = MultiCheckboxField(_("Topics you follow"), validators=[Optional()])
    other_topic = StringField(_("Another topic to follow"), validators=[Optional(), Length(max=60)])

    @classmethod
    def of(cls, current: dict, etag: str, series: list[tuple[str, str]], *, formdata=None) -> "Preferences":
        """The form for `current` (the API's preferences, at `etag`), or for what was sent (`formdata`)."""
        data = {"digest": current["digest"], "followed_series": current["followed_series"],
                "followed_topics": current["followed_topics"],
                **{channel: [k for k in GRID if channel in wanted(current, k)] for channel in CHANNELS}}
        form = cls(formdata=formdata, data=data if formdata else {**data, "version": etag})
        form.email.choices = form.in_app.choices = [(kind, str(labels.NOTIFICATION_KIND_NAMES[kind])) for kind in GRID]
        form.followed_series.choices = series
        topics = {**{tag: str(name) for tag, name in labels.TOPIC_NAMES.items()},
                  **{tag: labels.topic_name(tag) for tag in current["followed_topics"]}}
        form.followed_topics.choices = sorted(topics.items(), key=lambda c: labels.alphabetical(c[1]))
        return form

    def changes(self, current: dict) -> dict:
        """The API's PATCH: each kind's channels as ticked (none ticked: none, which also lifts a mute
        from an unsubscribe link, the grid now saying it); the digest; what is followed."""
        topics = list(self.followed_topics.data or [])
        other = (self.other_topic.data or "").strip()
        if other and other not in topics:
            topics.append(other)
        ticked = {channel: getattr(self, channel).data or [] for channel in CHANNELS}
        return {"kind_channels": {kind: [c for c in CHANNELS if kind in ticked[c]] for kind in GRID},
                "muted_kinds": [kind for kind in current["muted_kinds"] if kind not in GRID],
                "digest": self.digest.data, "followed_series": list(self.followed_series.data or []),
                "followed_topics": topics}


def wanted(current: dict, kind: str) -> list[str]:
    """The channels a kind reaches the person on, as the notifications service decides it (a muted
    kind on none); email also needs their consent to be contacted, which the page says apart."""
    if kind in current["muted_kinds"]:
        return []
    return current["kind_channels"].get(kind, current["channels"])
