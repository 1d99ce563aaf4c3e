"""What is one's own: "my program" (registrations coming and past) and the personal calendar feed
(a private address, shown once when it is made; making another stops the one before)."""
from __future__ import annotations

import re

from flask import Blueprint, redirect, render_template, url_for
from flask_babel import gettext as _

from shared.errors import NotFound

from services.web import api
from services.web.api.program import feed_links, relay, shown

blueprint = Blueprint("me", __name__)
BATCH = 100  # the events API's most ids in one call
TOKEN = re.compile(r"[A-Za-z0-9_-]{20,100}")  # a personal calendar's token, as the events API makes it


def _sign_in_first():
    return redirect(url_for("auth.login", next=url_for("me.my_program")), 303)


@blueprint.get("/me")
def my_program():
    if not api.signed_in():
        return _sign_in_first()
    return _my_program()


def _my_program(calendar: dict | None = None):
    """The person's seats and waitlist places (two calls) and their events (one call per 100)."""
    backend = api.backend()
    live = [r for status in ("registered", "waitlisted")
            for r in backend.get("events", "/me/registrations", status=status, limit=BATCH)["items"]]
    ids = list(dict.fromkeys(r["event_id"] for r in live))
    events = {}
    for start in range(0, len(ids), BATCH):
        found = backend.get("events", "/events", id=ids[start:start + BATCH], limit=BATCH)["items"]
        events.update({e["id"]: shown(e) for e in found})
    mine = [(r, events[r["event_id"]]) for r in live if r["event_id"] in events]
    coming = sorted((m for m in mine if not m[1]["when"]["past"]), key=lambda m: m[1]["starts_at"])
    past = sorted((m for m in mine if m[1]["when"]["past"] and m[0]["status"] == "registered"),
                  key=lambda m: m[1]["starts_at"], reverse=True)
    return render_template("program/mine.html", coming=coming, past=past, calendar=calendar)


@blueprint.post("/me/calendar")
def make_calendar():
    """A new private address of the person's calendar, shown on this page once (never kept here)."""
    if not api.signed_in():
        return _sign_in_first()
    made = api.backend().post("events", "/me/calendar").json()
    token = made["url"].rstrip("/").rsplit("/", 1)[-1].removesuffix(".ics")
    return _my_program(feed_links(url_for("me.personal_calendar", token=token)))


@blueprint.post("/me/calendar/stop")
def stop_calendar():
    if not api.signed_in():
        return _sign_in_first()
    api.backend().call("DELETE", "events", "/me/calendar")
    return redirect(url_for("me.my_program", done="calendar-stopped", _anchor="calendar"), 303)


@blueprint.get("/calendars/personal/<token>.ics")
def personal_calendar(token: str):
    """A person's calendar for their calendar program, which holds the private address, not a session."""
    if not TOKEN.fullmatch(token):
        raise NotFound(_("No such calendar"), _("This calendar link is unknown or was revoked."))
    return relay(f"/calendars/personal/{token}.ics")
