"""The archive in Chromium, against the whole platform with the demo community loaded, on a phone's
screen: a coordinator uploads a recording with a progress bar, adds its captions and publishes it;
a participant of its event watches it with captions, a member of another organization is refused
it; publishing a recording a speaker has not consented to is refused with the archive's message
(in Turkish); an anonymous visitor finds and downloads the public publication and plays the
demo's public recording; a 200 MB upload crosses the web app and the archive in bounded memory,
sent as the page's script sends it and as a plain form posts it."""
from __future__ import annotations

import hashlib
import re
import tracemalloc
import uuid
from pathlib import Path

import requests
from playwright.sync_api import expect

from shared.community import PEOPLE, demo_id, organization_id, person_id
from tests.e2e.browser.conftest import PHONE
from tests.support.archive import MP4_HEAD
from tests.support.web import count, sign_in, until

AYSE, AHMAD, DENIZ = (next(i for i, p in enumerate(PEOPLE) if p[0] == name)
                      for name in ("Ayşe Yılmaz", "Ahmad Haddad", "Deniz Çelik"))
CLIP = Path(__file__).parents[3] / "services" / "archive" / "media" / "information_session.webm"
WORK_RELATIONS = demo_id("event", "work_relations")  # Ahmad took part; Deniz did not
STGM = organization_id(0)
VTT = {"en": "WEBVTT\n\n00:00.000 --> 00:05.000\nWelcome to the session.\n\n00:05.000 --> 00:10.000\nThank you.\n",
       "tr": "WEBVTT\n\n00:00.000 --> 00:05.000\nOturuma hoş geldiniz.\n\n00:05.000 --> 00:10.000\nTeşekkürler.\n"}
# The player's state, read in the page: metadata loaded, and each caption track's first cue once loaded
PLAYER = """() => { const video = document.querySelector("video");
  return {ready: video.readyState, duration: video.duration,
          tracks: [...video.textTracks].map(t => ({language: t.language, mode: t.mode,
                                                    first: t.cues && t.cues.length ? t.cues[0].text : null}))}; }"""


def browser(chromium, locale: str = "en-GB"):
    context = chromium.new_context(viewport=PHONE, locale=locale)
    page = context.new_page()
    errors: list[str] = []
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" and "favicon" not in m.location.get(
        "url", "") else None)
    page.on("pageerror", lambda e: errors.append(str(e)))
    return context, page, errors


def signed_in_at(page, platform, url: str, index: int, language: str = "en") -> None:
    """Open a page of the archive that asks to sign in first, and sign in as the demo person."""
    page.goto(url)
    if "/signin" not in page.url:
        page.get_by_role("link", name={"en": "Sign in", "tr": "Giriş yap"}[language], exact=True).first.click()
    sign_in(page, platform, PEOPLE[index][1], language)


def copies_ready(platform) -> None:
    """The archive knows the community's people (their consent) and who took part in what."""
    until(lambda: count(platform, "archive", "people") == len(PEOPLE), "the archive copied the registry's people")
    until(lambda: count(platform, "archive", "registrations") > 0, "the archive copied the registrations")


def watch_progress(page) -> tuple[list, list]:
    """Every value the upload's <progress> takes, and every text its role=status says, as the page shows them."""
    values: list = []
    texts: list = []
    page.expose_function("progressSeen", lambda value: values.append(value))
    page.expose_function("statusSaid", lambda text: texts.append(text))
    page.evaluate("""() => { const bar = document.querySelector("#upload-progress");
        new MutationObserver(() => window.progressSeen(bar.value))
          .observe(bar, {attributes: true, attributeFilter: ["value"]});
        new MutationObserver(records => records.forEach(r => r.addedNodes.forEach(n => window.statusSaid(n.textContent))))
          .observe(document.querySelector("[data-status]"), {childList: true}); }""")
    return values, texts


def new_item(page, *, title: str, title_tr: str, visibility: str, speakers=()) -> str:
    """Fill in the new item's form as a coordinator (a recording of the work-relations discussion,
    STGM's); the id of the draft it made."""
    page.locator("input[name=type][value=recording]").check()
    page.locator("#title_en").fill(title)
    page.locator("#title_tr").fill(title_tr)
    page.locator(f"input[name=visibility][value={visibility}]").check()
    page.locator("#event_id").select_option(str(WORK_RELATIONS))
    page.locator(f"input[name=organization_ids][value='{STGM}']").check()
    for index in speakers:
        page.locator(f"input[name=speakers][value='{person_id(index)}']").check()
    page.locator("main form button[type=submit]").click()
    page.wait_for_url(re.compile(r"/archive/[0-9a-f-]{36}\?done=created"))
    return page.url.split("/archive/")[1].split("?")[0]


def upload(page) -> tuple[list, list]:
    """The clip, sent by the page's script: what its progress bar showed and its status said on the way."""
    seen = watch_progress(page)
    page.locator("#file").set_input_files(CLIP)
    page.locator("form.upload button[type=submit]").click()
    page.wait_for_url(re.compile(r"done=uploaded"))
    return seen


def test_a_recording_is_uploaded_with_progress_published_and_watched_with_captions_by_a_participant_only(
        platform, chromium, tmp_path):
    copies_ready(platform)
    context, page, errors = browser(chromium)
    signed_in_at(page, platform, f"{platform.web}/archive/new?lang=en", AYSE)
    expect(page.get_by_role("heading", level=1)).to_have_text("Add to the archive")
    for label in ("Recording", "Title in Turkish", "Title in English", "From the event"):
        expect(page.get_by_label(label, exact=True)).to_be_attached()
    expect(page.get_by_role("group", name="Speakers")).to_be_visible()
    title = f"Workers' rights in practice {uuid.uuid4().hex[:6]}"
    item_id = new_item(page, title=title, title_tr="Uygulamada işçi hakları", visibility="participants")
    expect(page.locator(".notice")).to_have_text("The item is added as a draft. Upload its file next.")

    values, texts = upload(page)
    assert values and values[-1] == 100, f"the progress bar showed {values}"
    assert "Uploading: 100 %" in texts and texts[-1] == "Uploaded. Opening the item…", texts
    expect(page.locator(".notice")).to_have_text("The file is uploaded.")
    for language in ("en", "tr"):
        captions = tmp_path / f"{language}.vtt"
        captions.write_text(VTT[language], encoding="utf-8")
        page.get_by_label("Language of the captions").select_option(language)
        page.get_by_label("Captions file (WebVTT)", exact=True).set_input_files(captions)
        page.get_by_role("button", name="Add the captions").click()
        expect(page.locator(".notice")).to_have_text("The captions are added.")
    page.get_by_role("button", name="Publish", exact=True).click()
    expect(page.locator(".notice")).to_have_text("Published: everyone it is meant for can see it now.")
    page.screenshot(path=tmp_path / "archive-coordinator.png", full_page=True)
    assert errors == []
    context.close()

    item_url = f"{platform.web}/archive/{item_id}?lang=en"
    context, page, errors = browser(chromium)
    page.goto(item_url)
    expect(page.get_by_role("heading", level=1)).to_have_text("This item cannot be shown")  # not signed in: 401
    page.get_by_role("main").get_by_role("link", name="Sign in").click()
    sign_in(page, platform, PEOPLE[AHMAD][1])  # registered for the event
    expect(page.get_by_role("heading", level=1)).to_have_text(title)
    errors.clear()  # the browser reported the 401 of the page before as an error; what follows should have none
    page.wait_for_function("() => document.querySelector('video').readyState >= 1")
    page.evaluate("""() => { for (const t of document.querySelector("video").textTracks) t.mode = "hidden";
                             document.querySelector("video").textTracks[0].mode = "showing"; }""")
    page.wait_for_function("() => [...document.querySelector('video').textTracks].every(t => t.cues && t.cues.length)")
    player = page.evaluate(PLAYER)
    assert player["ready"] >= 1 and 9 < player["duration"] < 11, player
    assert {t["language"]: t["first"] for t in player["tracks"]} == {
        "en": "Welcome to the session.", "tr": "Oturuma hoş geldiniz."}
    page.evaluate("() => { const v = document.querySelector('video'); v.muted = true; v.currentTime = 6; }")
    page.wait_for_function("() => { const v = document.querySelector('video'); return !v.seeking && v.currentTime >= 6; }")
    page.screenshot(path=tmp_path / "archive-participant.png", full_page=True)
    assert errors == []
    context.close()

    context, page, errors = browser(chromium)
    signed_in_at(page, platform, item_url, DENIZ)  # of another organization, not registered
    expect(page.get_by_role("heading", level=1)).to_have_text("This item cannot be shown")
    assert page.locator("video").count() == 0
    assert page.request.get(f"{platform.web}/archive/{item_id}/file").status == 404
    assert page.request.get(f"{platform.web}/archive/{item_id}/captions/en.vtt").status == 404
    page.screenshot(path=tmp_path / "archive-refused.png", full_page=True)
    context.close()


def test_in_turkish_publishing_a_recording_a_speaker_has_not_consented_to_is_refused_with_the_message(
        platform, chromium, tmp_path):
    copies_ready(platform)
    context, page, errors = browser(chromium, "tr-TR")
    signed_in_at(page, platform, f"{platform.web}/archive/new?lang=tr", AYSE, "tr")
    expect(page.get_by_role("heading", level=1)).to_have_text("Arşive ekle")
    item_id = new_item(page, title="Refugees and work", title_tr=f"Mülteciler ve çalışma {uuid.uuid4().hex[:6]}",
                       visibility="members", speakers=[AHMAD])
    values, texts = upload(page)
    assert values[-1] == 100 and "Yükleniyor: %100" in texts, (values, texts)
    page.get_by_role("button", name="Yayımla", exact=True).click()
    expect(page.get_by_role("alert")).to_have_text(
        "Bir kayıttaki her konuşmacının kayda alınmaya onay vermiş olması gerekir: Ahmad Haddad.")
    page.screenshot(path=tmp_path / "archive-consent-tr.png", full_page=True)
    item = platform.api("GET", "archive", f"/items/{item_id}").json()
    assert item["status"] == "draft"
    assert [e for e in errors if "status of 409" not in e] == []  # the refusal's page itself is a 409
    context.close()


def test_an_anonymous_visitor_downloads_the_public_publication_and_plays_the_public_recording(
        platform, page, console_errors, tmp_path):
    page.goto(f"{platform.web}/archive?lang=en")
    expect(page.get_by_role("heading", level=1)).to_have_text("Archive")
    page.get_by_label("Words").fill("çalışma ilişkilerinin")  # found by the stem, in Turkish
    page.get_by_role("button", name="Search").click()
    page.get_by_role("link", name="Work Relations in Civil Society").click()
    with page.expect_download() as download:
        page.get_by_role("link", name="Download", exact=True).click()
    assert Path(download.value.path()).read_bytes().startswith(b"%PDF-1.4")
    passed_on = page.request.get(platform.web + page.get_by_role("link", name="Download", exact=True).get_attribute("href"))
    # a stored file is never opened in the web app's origin, nor sniffed into something else
    assert passed_on.headers["content-disposition"].startswith("attachment;")
    assert passed_on.headers["x-content-type-options"] == "nosniff"
    page.screenshot(path=tmp_path / "archive-publication.png", full_page=True)

    page.goto(f"{platform.web}/archive?lang=en&type=recording")
    page.get_by_role("link", name="Menstrual and hormone-therapy leave policies").click()
    page.wait_for_function("() => document.querySelector('video').readyState >= 1")
    page.wait_for_function("() => [...document.querySelector('video').textTracks].some(t => t.cues && t.cues.length)")
    player = page.evaluate(PLAYER)
    shown = next(t for t in player["tracks"] if t["mode"] == "showing")
    assert shown["language"] == "en" and shown["first"] == "Welcome to the BİRLİKTE Learning Community."
    assert sorted(t["language"] for t in player["tracks"]) == ["en", "tr"]
    source = page.locator("video source").get_attribute("src")
    assert page.request.get(platform.web + source).headers["content-disposition"].startswith("inline;")  # played in the page
    page.screenshot(path=tmp_path / "archive-public-recording.png", full_page=True)
    assert console_errors == []


class Generated:
    """`size` bytes made on the fly, a video's first bytes first: the upload's memory must not grow with them."""

    def __init__(self, size: int, before: bytes = b"", after: bytes = b""):
        self.size, self.before, self.after = size, before, after
        self.block, self.sha = (MP4_HEAD + bytes(1 << 20))[: 1 << 20], hashlib.sha256()

    def __len__(self) -> int:
        return len(self.before) + self.size + len(self.after)

    def __iter__(self):
        yield self.before
        left = self.size
        while left > 0:
            chunk = self.block if left >= len(self.block) else self.block[:left]
            left -= len(chunk)
            self.sha.update(chunk)
            yield chunk
        yield self.after


def peak_while(send) -> tuple[requests.Response, int]:
    """The answer to `send()`, and the most Python memory the process held meanwhile: the web app
    and the archive serve in this process's threads, so both are measured."""
    tracemalloc.start()
    try:
        response = send()
        return response, tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()


def test_a_200_mb_recording_crosses_the_web_app_and_the_archive_in_bounded_memory(platform, page):
    size = 200 * 2 ** 20
    draft = platform.api("POST", "archive", "/items", json={
        "type": "recording", "title": {"en": "A long recording"}, "language": "en", "visibility": "members",
        "organization_ids": [str(STGM)]}).json()
    signed_in_at(page, platform, f"{platform.web}/archive/{draft['id']}?lang=en", AYSE)
    expect(page.get_by_role("heading", level=1)).to_have_text("A long recording")
    http = requests.Session()  # the browser's session, its cookies as it sends them
    http.headers["Cookie"] = "; ".join(f"{c['name']}={c['value']}" for c in page.context.cookies(platform.web))
    token = page.locator("input[name=csrf_token]").first.get_attribute("value")
    url = f"{platform.web}/archive/{draft['id']}/file"

    body = Generated(size)  # as the page's script sends it: the file itself as the body
    response, peak = peak_while(lambda: http.put(url, data=body, timeout=300, headers={
        "X-CSRFToken": token, "If-Match": '"v1"', "X-File-Name": "long.mp4", "Content-Type": "application/octet-stream"}))
    assert response.status_code == 200, response.text
    stored = platform.api("GET", "archive", f"/items/{draft['id']}").json()
    assert stored["file"]["size"] == size and stored["file"]["sha256"] == body.sha.hexdigest()
    assert peak < 32 * 2 ** 20, f"peak Python memory {peak / 2 ** 20:.1f} MiB while 200 MiB went through"

    boundary = uuid.uuid4().hex  # as a plain form posts it: multipart/form-data, the file last
    fields = "".join(f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"\r\n\r\n{value}\r\n'
                     for name, value in (("csrf_token", token), ("version", stored["version"])))
    head = f'{fields}--{boundary}\r\nContent-Disposition: form-data; name="file"; filename="long.mp4"\r\n' \
           f'Content-Type: video/mp4\r\n\r\n'
    form = Generated(size, head.encode(), f"\r\n--{boundary}--\r\n".encode())
    response, peak = peak_while(lambda: http.post(url, data=form, timeout=300, allow_redirects=False, headers={
        "Content-Type": f"multipart/form-data; boundary={boundary}"}))
    assert response.status_code == 303, response.text
    stored = platform.api("GET", "archive", f"/items/{draft['id']}").json()
    assert stored["file"]["size"] == size and stored["file"]["sha256"] == form.sha.hexdigest()
    assert stored["version"] == draft["version"] + 2
    assert peak < 32 * 2 ** 20, f"peak Python memory {peak / 2 ** 20:.1f} MiB while 200 MiB went through"
