"""What is one's own: "my program" (registrations coming and past, with the personal calendar)."""
from __future__ import annotations

from flask import Blueprint, redirect, render_template, url_for

from services.web import api
from services.web.api.program import shown

blueprint = Blueprint("me", __name__)


@blueprint.get("/me")
def my_program():
    if not api.signed_in():
        return redirect(url_for("auth.login", next=url_for("me.my_program")), 303)
    backend = api.backend()
    registrations = backend.get("events", "/me/registrations", limit=100)["items"]
    live = [r for r in registrations if r["status"] != "cancelled"]
    ids = list(dict.fromkeys(r["event_id"] for r in live))
    found = backend.get("events", "/events", id=ids, limit=100)["items"] if ids else []  # one call for them all
    events = {e["id"]: shown(e) for e in found}
    return render_template("my_program.html", registrations=[(r, events.get(r["event_id"])) for r in live])
