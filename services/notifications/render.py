"""Notification texts: a Jinja2 template per kind and language, times on the reader's clock.

Each kind has one text template per language (`templates/<lang>/<kind>.txt`, first line
`Subject: …`); the HTML part is the same text laid out in `_layout.html`, escaped, links made
clickable. A missing translation falls back to English and is logged. The few pages around
notifications (the unsubscribe page) are templates here too.
"""
from __future__ import annotations

import logging
import re
import zoneinfo
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from babel.dates import format_datetime, format_time
from jinja2 import Environment, FileSystemLoader, StrictUndefined, TemplateNotFound, select_autoescape
from markupsafe import Markup, escape

log = logging.getLogger(__name__)
TEMPLATES = Path(__file__).parent / "templates"
LOCALES = {"tr": "tr_TR", "en": "en_IE"}
FALLBACK = "en"
KINDS = ("registration_confirmed", "registration_waitlisted", "registration_promoted", "event_rescheduled",
         "event_cancelled", "event_reinstated", "event_new", "reminder", "feedback_request", "recording_available",
         "digest")
_env = Environment(loader=FileSystemLoader(TEMPLATES), autoescape=select_autoescape(["html"]),
                   undefined=StrictUndefined, keep_trailing_newline=False)
_LINK = re.compile(r"(https?://[^\s<]+)")
FOOTER = {"tr": "Birlikte Öğrenme Topluluğu", "en": "the Birlikte Learning Community"}
UNSUBSCRIBE = {"tr": "Bu tür bildirimleri artık almak istemiyorum", "en": "Stop these notifications"}


@dataclass(frozen=True)
class Rendered:
    language: str
    subject: str
    text: str
    html: str


def when(moment: datetime, zone: str, language: str) -> str:
    """A moment as the reader's clock shows it, in their language: "Perşembe 25 Mart 2027 10:00 (Europe/Istanbul)"."""
    tz = zoneinfo.ZoneInfo(zone)
    text = format_datetime(moment, "EEEE d MMMM y HH:mm", tzinfo=tz, locale=LOCALES[language])
    return f"{text} ({zone})"


def clock(moment: datetime, zone: str, language: str) -> str:
    return format_time(moment, "HH:mm", tzinfo=zoneinfo.ZoneInfo(zone), locale=LOCALES[language])


def title_in(title: dict, language: str) -> str:
    return title.get(language) or title.get(FALLBACK) or next(iter(title.values()), "")


def event_view(event: dict, zone: str, language: str, *, with_link: bool) -> dict:
    return {"title": title_in(event["title"], language), "starts": when(event["starts_at"], zone, language),
            "ends_time": clock(event["ends_at"], zone, language),
            "online_url": event.get("online_url") if with_link else None}


def event_context(event: dict, recipient: dict, *, with_link: bool, previous_starts_at: datetime | None = None) -> dict:
    """What a template says about an event, on the recipient's clock and in their language."""
    zone, language = recipient["time_zone"], recipient["language"]
    context = {"event": event_view(event, zone, language, with_link=with_link)}
    if previous_starts_at is not None:
        context["previous_starts"] = when(previous_starts_at, zone, language)
    return context


def render(kind: str, language: str, context: dict, unsubscribe_url: str | None = None) -> Rendered:
    template, used = _template(kind, language)
    lines = template.render(language=used, **context).strip().splitlines()
    if not lines or not lines[0].startswith("Subject: "):
        raise ValueError(f"template {used}/{kind}.txt must start with 'Subject: '")
    subject, text = lines[0][len("Subject: "):].strip(), "\n".join(lines[1:]).strip() + "\n"
    if unsubscribe_url:
        text += f"\n-- \n{UNSUBSCRIBE[used]}: {unsubscribe_url}\n"
    html = _env.get_template("_layout.html").render(
        language=used, subject=subject, content=_paragraphs(text if not unsubscribe_url else text.split("\n-- \n")[0]),
        footer=FOOTER[used], unsubscribe_url=unsubscribe_url, unsubscribe_label=UNSUBSCRIBE[used])
    return Rendered(used, subject, text, html)


def page(name: str, **context) -> str:
    """A page of `templates/` as HTML (its values escaped)."""
    return _env.get_template(name).render(**context)


def _template(kind: str, language: str):
    try:
        return _env.get_template(f"{language}/{kind}.txt"), language
    except TemplateNotFound:
        log.warning("missing translation; falling back to English", extra={"kind": kind, "language": language})
        return _env.get_template(f"{FALLBACK}/{kind}.txt"), FALLBACK


def _paragraphs(text: str) -> Markup:
    blocks = [block for block in text.strip().split("\n\n") if block.strip()]
    return Markup("".join(f"<p>{_linked(block)}</p>" for block in blocks))


def _linked(block: str) -> str:
    escaped = str(escape(block))
    return _LINK.sub(lambda m: f'<a href="{m.group(1)}">{m.group(1)}</a>', escaped).replace("\n", "<br>")
