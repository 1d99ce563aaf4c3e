"""iCalendar (RFC 5545) feeds: the community's public events, an organization's, and a person's own.

Calendar programs cannot send bearer tokens: the public and organization feeds hold public events
only; the personal feed is a private, revocable URL. Each event keeps its UID; SEQUENCE rises with
every reschedule; cancelled events stay with STATUS:CANCELLED; times are in the event's own zone
with its VTIMEZONE. An ETag over what the feed contains lets clients poll with If-None-Match for
the price of one small query; clients that poll without it get the body rendered for that ETag
from a per-process cache (rendering a large calendar costs far more than reading its rows).
"""
from __future__ import annotations

import hashlib
import threading

import icalendar
from cachetools import LRUCache
from flask import Response, request, url_for
from flask.views import MethodView

from shared.auth.flask import current_principal, optional_principal
from shared.errors import NotFound
from shared.http.blueprint import Blueprint
from shared.http import current
from shared.http.db import cursor
from services.events import access, queries, times
from services.events.api.events import load_visible
from services.events.operations import calendar_tokens
from services.events.schemas import CalendarLink

# documented for what they are: an iCalendar file, not JSON (and not the error every answer would else seem)
ICALENDAR = {200: {"description": "An iCalendar file (RFC 5545)",
                   "content": {"text/calendar": {"schema": {"type": "string"}}}}}

blp = Blueprint("calendars", __name__, description="iCalendar feeds for calendar programs.")
PRODID = "-//Birlikte//Learning Community events//EN"
_rendered = LRUCache(maxsize=64 * 1024 * 1024, getsizeof=len)  # bodies by (feed, ETag), up to 64 MB
_rendered_lock = threading.Lock()


def _title(texts: dict, language: str) -> str:
    return texts.get(language) or texts.get("en") or texts.get("tr") or next(iter(texts.values()), "")


def _calendar(rows: list[dict], name: str, language: str, *, with_links: bool) -> bytes:
    calendar = icalendar.Calendar()
    calendar.add("prodid", PRODID)
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("x-wr-calname", name)
    for row in rows:
        zone = times.zone(row["time_zone"])
        event = icalendar.Event()
        event.add("uid", f"{row['id']}@birlikte")
        event.add("dtstamp", row["updated_at"])  # without METHOD: when the event was last revised (RFC 5545)
        event.add("dtstart", row["starts_at"].astimezone(zone))
        event.add("dtend", row["ends_at"].astimezone(zone))
        event.add("sequence", row["sequence"])
        event.add("last-modified", row["updated_at"])
        event.add("summary", _title(row["title"], language))
        description = _title(row["description"], language) if row["description"] else ""
        if description:
            event.add("description", description)
        event.add("status", "CANCELLED" if row["status"] == "cancelled" else "CONFIRMED")
        if row["venue"]:
            event.add("location", ", ".join(v for v in (row["venue"].get("name"), row["venue"].get("city")) if v))
        elif with_links and row["online_url"]:
            event.add("location", row["online_url"])
        if with_links and row["online_url"]:
            event.add("url", row["online_url"])
        calendar.add_component(event)
    calendar.add_missing_timezones()
    return calendar.to_ical()


def _language() -> str:
    return request.args["lang"] if request.args.get("lang") in ("tr", "en") else "en"


def _feed(where: str, params: tuple, name: str, *, with_links: bool = False, extra_tag: str = "") -> Response:
    """Answer 304 when the client's ETag still matches (one aggregate query), else the feed."""
    cur = cursor()
    summary = queries.calendar_summary(cur, where, params)
    language = _language()
    tag = hashlib.sha256(f"{summary['n']}|{summary['latest']}|{summary['versions']}|{language}|{extra_tag}".encode()
                         ).hexdigest()[:32]
    headers = {"ETag": f'"{tag}"', "Cache-Control": "private, max-age=300"}
    if request.if_none_match.contains(tag):
        return Response(status=304, headers=headers)
    key = (where, params, tag)
    with _rendered_lock:
        body = _rendered.get(key)
    if body is None:
        body = _calendar(queries.calendar_events(cur, where, params), name, language, with_links=with_links)
        with _rendered_lock:
            _rendered[key] = body
    return Response(body, mimetype="text/calendar", headers={**headers, "Content-Disposition": 'inline; filename="birlikte.ics"'})


@blp.route("/calendars/public.ics")
class PublicCalendar(MethodView):
    @blp.doc(responses=ICALENDAR)
    def get(self):
        """The community's public events (no token needed)."""
        return _feed(queries.PUBLIC_CALENDAR, (), "Birlikte")


@blp.route("/events/<uuid:event_id>.ics")
class EventCalendar(MethodView):
    @blp.doc(responses=ICALENDAR)
    def get(self, event_id):
        """One event as an iCalendar file ("add to calendar"), for whoever may see the event; its
        online link only for the people registered and its organizers."""
        cur = cursor()
        event, registered = load_visible(cur, event_id)
        with_link = access.sees_online_link(optional_principal(), event, registered)
        body = _calendar([event], "Birlikte", _language(), with_links=with_link)
        return Response(body, mimetype="text/calendar", headers={
            "Cache-Control": "private, no-store",
            "Content-Disposition": f'attachment; filename="birlikte-{str(event_id)[:8]}.ics"'})


@blp.route("/calendars/organizations/<uuid:organization_id>.ics")
class OrganizationCalendar(MethodView):
    @blp.doc(responses=ICALENDAR)
    def get(self, organization_id):
        """The public events an organization organizes, hosts or partners."""
        return _feed(queries.ORGANIZATION_CALENDAR, (organization_id,) * 3, "Birlikte — organization")


@blp.route("/calendars/personal/<string:token>.ics")
class PersonalCalendar(MethodView):
    @blp.doc(responses=ICALENDAR)
    def get(self, token):
        """The events a person registered for (a private URL; the online links included)."""
        cur = cursor()
        person = queries.calendar_owner(cur, token)
        if person is None:
            raise NotFound("No such calendar", "This calendar link is unknown or was revoked.")
        registrations = queries.registrations_summary(cur, person)
        return _feed(queries.PERSONAL_CALENDAR, (person,), "Birlikte — my events", with_links=True,
                     extra_tag=f"{registrations['n']}|{registrations['latest']}")


@blp.route("/me/calendar")
class MyCalendar(MethodView):
    @blp.response(201, CalendarLink)
    def post(self):
        """Make (or replace) your private calendar URL; the previous one stops working."""
        principal = current_principal()
        person = access.require_person(principal, "Only people have a personal calendar.")
        token = calendar_tokens.make(cursor(), principal, person)
        return {"url": current.public_url(url_for("calendars.PersonalCalendar", token=token))}

    @blp.response(204)
    def delete(self):
        """Revoke your private calendar URL."""
        principal = current_principal()
        calendar_tokens.revoke(cursor(), principal, access.person_of(principal))
