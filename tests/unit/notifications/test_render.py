"""Notification texts: every kind in Turkish and English, the English fallback, times on the
reader's clock across daylight-saving changes."""
from __future__ import annotations

import logging
from datetime import datetime, timezone

import pytest
from jinja2 import ChoiceLoader, DictLoader

from services.notifications import render

UTC = timezone.utc
EVENT = {"title": {"tr": "Sivil Alan Tartışmaları", "en": "Civil Space Discussions"},
         "starts_at": datetime(2027, 3, 25, 7, 0, tzinfo=UTC), "ends_at": datetime(2027, 3, 25, 9, 0, tzinfo=UTC),
         "online_url": "https://meet.example.org/room"}
SUBJECTS = {
    "registration_confirmed": ("Kaydınız alındı: Sivil Alan Tartışmaları",
                               "You are registered: Civil Space Discussions"),
    "registration_waitlisted": ("Bekleme listesindesiniz: Sivil Alan Tartışmaları",
                                "You are on the waiting list: Civil Space Discussions"),
    "registration_promoted": ("Yeriniz hazır: Sivil Alan Tartışmaları", "A seat is yours: Civil Space Discussions"),
    "event_rescheduled": ("Yeni zaman: Sivil Alan Tartışmaları", "New time: Civil Space Discussions"),
    "event_cancelled": ("İptal edildi: Sivil Alan Tartışmaları", "Cancelled: Civil Space Discussions"),
    "event_reinstated": ("Yeniden programda: Sivil Alan Tartışmaları", "Back on: Civil Space Discussions"),
    "event_new": ("Yeni etkinlik: Sivil Alan Tartışmaları", "New event: Civil Space Discussions"),
    "reminder": ("Bir saat sonra: Sivil Alan Tartışmaları", "In one hour: Civil Space Discussions"),
    "feedback_request": ("Nasıldı? Sivil Alan Tartışmaları", "How was it? Civil Space Discussions"),
    "recording_available": ("Arşivde: Kayıt", "Now in the archive: Recording"),
    "digest": ("Birlikte özetiniz: 2 güncelleme", "Your Birlikte digest: 2 updates"),
}
GREETING = {"tr": "Merhaba Elif,", "en": "Hello Elif,"}
EVENT_PAGE, ITEM_PAGE, INBOX = ("https://birlikte.example/events/e1", "https://birlikte.example/archive/i1",
                                "https://birlikte.example/inbox")
FEEDBACK_PAGE = "https://birlikte.example/events/e1/feedback"
# The line that leads to the page each email is about: "manage my registration" for those with one.
LINK_LINES = {
    "registration_confirmed": ("Kaydınızı yönetin (ya da iptal edin)", "Manage your registration (or cancel it)"),
    "registration_waitlisted": ("Kaydınızı yönetin (ya da bekleme listesinden çıkın)",
                                "Manage your registration (or leave the waiting list)"),
    "registration_promoted": ("Kaydınızı yönetin (ya da iptal edin)", "Manage your registration (or cancel it)"),
    "event_rescheduled": ("Kaydınızı yönetin", "Manage your registration"),
    "event_cancelled": ("Etkinliğin sayfası", "The event's page"),
    "event_reinstated": ("Kaydınızı yönetin", "Manage your registration"),
    "event_new": ("Ayrıntılar ve kayıt", "Read more and register"),
    "reminder": ("Kaydınızı yönetin", "Manage your registration"),
    "feedback_request": ("Görüşlerinizi buradan paylaşın", "Give your feedback here"),
    "recording_available": ("Kaydı izleyin", "Watch it"),
    "digest": ("Tüm bildirimleriniz", "All your notifications"),
}


def page_of(kind: str) -> str:
    return {"recording_available": ITEM_PAGE, "digest": INBOX, "feedback_request": FEEDBACK_PAGE}.get(kind, EVENT_PAGE)


def context(kind: str, language: str) -> dict:
    """What the handlers give each kind's template."""
    if kind == "digest":
        return {"name": "Elif", "link": INBOX, "items": [{"subject": "Yeni etkinlik: A", "link": EVENT_PAGE},
                                                         {"subject": "Yeni etkinlik: B", "link": None}]}
    reader = {"time_zone": "Europe/Istanbul", "language": language}
    previous = datetime(2027, 3, 18, 7, 0, tzinfo=UTC) if kind == "event_rescheduled" else None
    item_title = {"tr": "Kayıt", "en": "Recording"}[language]
    extra = {"registration_waitlisted": {"position": 3}, "event_cancelled": {"reason": "Konuşmacı hasta"},
             "reminder": {"lead": "1h"}, "recording_available": {"item_type": "recording", "item_title": item_title}}
    return {"name": "Elif", "link": page_of(kind),
            **render.event_context(EVENT, reader, with_link=True, previous_starts_at=previous), **extra.get(kind, {})}


def test_every_kind_has_a_template_in_each_language_and_nothing_else_does():
    for language in ("tr", "en"):
        assert {p.stem for p in (render.TEMPLATES / language).glob("*.txt")} == set(render.KINDS)
    assert set(SUBJECTS) == set(render.KINDS)


@pytest.mark.parametrize("language", ["tr", "en"])
@pytest.mark.parametrize("kind", render.KINDS)
def test_every_kind_renders_in_turkish_and_english(kind, language, caplog):
    with caplog.at_level(logging.WARNING, logger="services.notifications.render"):
        text = render.render(kind, language, context(kind, language), "https://n.example/unsubscribe/t")
    assert caplog.records == []  # no fallback
    assert text.language == language and text.subject == SUBJECTS[kind][language == "en"]
    assert text.text.startswith(GREETING[language])
    assert text.html.startswith(f'<!doctype html>\n<html lang="{language}">') and text.subject in text.html
    assert text.text.endswith(": https://n.example/unsubscribe/t\n")
    assert '<a href="https://n.example/unsubscribe/t">' in text.html


@pytest.mark.parametrize("language", ["tr", "en"])
@pytest.mark.parametrize("kind", render.KINDS)
def test_every_email_links_to_the_page_it_is_about_in_both_parts(kind, language):
    text = render.render(kind, language, context(kind, language), "https://n.example/unsubscribe/t")
    line = f"{LINK_LINES[kind][language == 'en']}: {page_of(kind)}"
    assert f"\n\n{line}\n" in text.text  # a paragraph of its own, before the unsubscribe footer
    assert f'<a href="{page_of(kind)}">{page_of(kind)}</a>' in text.html


def test_a_digest_links_each_item_it_holds_that_has_a_page():
    text = render.render("digest", "en", context("digest", "en"))
    assert f"- Yeni etkinlik: A\n  {EVENT_PAGE}\n- Yeni etkinlik: B\n\nAll your notifications: {INBOX}" in text.text


def test_a_publication_is_opened_and_a_recording_watched():
    publication = {**context("recording_available", "en"), "item_type": "publication"}
    assert f"Open it: {ITEM_PAGE}" in render.render("recording_available", "en", publication).text
    assert f"Arşivde açın: {ITEM_PAGE}" in render.render("recording_available", "tr", {
        **context("recording_available", "tr"), "item_type": "publication"}).text


def test_times_are_on_the_readers_clock_in_their_language():
    text = render.render("registration_confirmed", "tr", context("registration_confirmed", "tr"))
    assert "Perşembe 25 Mart 2027 10:00 (Europe/Istanbul) – 12:00" in text.text
    assert '<a href="https://meet.example.org/room">' in text.html  # links are made clickable
    assert "-- \n" not in text.text  # no unsubscribe footer without a link


def test_the_html_part_escapes_what_people_wrote():
    text = render.render("event_cancelled", "en", {**context("event_cancelled", "en"), "reason": "<b>ill</b> & away"})
    assert "&lt;b&gt;ill&lt;/b&gt; &amp; away" in text.html and "<b>ill</b>" not in text.html
    assert "Reason: <b>ill</b> & away" in text.text


def test_a_missing_translation_falls_back_to_english_and_is_logged(caplog, monkeypatch):
    monkeypatch.setattr(render._env, "loader", ChoiceLoader([
        DictLoader({"en/only_english.txt": "Subject: Hello {{ name }}\nOnly in English."}), render._env.loader]))
    with caplog.at_level(logging.WARNING, logger="services.notifications.render"):
        text = render.render("only_english", "tr", {"name": "Elif"})
    assert (text.language, text.subject) == ("en", "Hello Elif")
    assert any("missing translation" in r.getMessage() for r in caplog.records)


def test_a_title_falls_back_to_english_then_to_any_language():
    assert render.title_in({"tr": "Başlık", "en": "Title"}, "en") == "Title"
    assert render.title_in({"en": "Title"}, "tr") == "Title"
    assert render.title_in({"ga": "Teideal"}, "tr") == "Teideal"


def test_dublin_times_follow_daylight_saving_and_istanbul_has_none():
    before, after = datetime(2027, 10, 30, 9, 0, tzinfo=UTC), datetime(2027, 11, 1, 9, 0, tzinfo=UTC)
    assert render.when(before, "Europe/Dublin", "en") == "Saturday 30 October 2027 10:00 (Europe/Dublin)"  # IST
    assert render.when(after, "Europe/Dublin", "en") == "Monday 1 November 2027 09:00 (Europe/Dublin)"  # GMT
    assert render.when(before, "Europe/Istanbul", "tr") == "Cumartesi 30 Ekim 2027 12:00 (Europe/Istanbul)"
    assert render.when(after, "Europe/Istanbul", "tr") == "Pazartesi 1 Kasım 2027 12:00 (Europe/Istanbul)"


def test_the_clock_repeats_an_hour_in_autumn_and_skips_one_in_spring():
    autumn = [datetime(2027, 10, 31, 0, 30, tzinfo=UTC), datetime(2027, 10, 31, 1, 30, tzinfo=UTC)]
    assert [render.clock(m, "Europe/Dublin", "en") for m in autumn] == ["01:30", "01:30"]
    spring = [datetime(2027, 3, 28, 0, 59, tzinfo=UTC), datetime(2027, 3, 28, 1, 0, tzinfo=UTC)]
    assert [render.clock(m, "Europe/Dublin", "en") for m in spring] == ["00:59", "02:00"]


def test_a_rescheduled_event_is_told_with_its_old_time_on_the_same_clock():
    reader = {"time_zone": "Europe/Dublin", "language": "en"}
    told = render.event_context({**EVENT, "starts_at": datetime(2027, 11, 4, 10, 0, tzinfo=UTC)}, reader,
                                with_link=False, previous_starts_at=datetime(2027, 10, 28, 9, 0, tzinfo=UTC))
    assert told["previous_starts"] == "Thursday 28 October 2027 10:00 (Europe/Dublin)"
    assert told["event"]["starts"] == "Thursday 4 November 2027 10:00 (Europe/Dublin)"
    assert told["event"]["online_url"] is None  # only those with a seat get the link
