"""Input made to break the archive, answered as the client's mistake (4xx problem+json, nothing
kept), and stored files served so that no browser runs or sniffs them: edited cursors, file names
with line breaks and paths, media and events that do not fit an item, ranges past the end,
polyglot files, and every refused upload, on local disk and on S3."""
from __future__ import annotations

import base64
import hashlib
import io
import uuid
from contextlib import contextmanager
from urllib.parse import quote

import psycopg
import pytest

from tests.support.archive import MP4_HEAD, PDF_HEAD, item_body

PROBLEM = "application/problem+json"
VTT = "WEBVTT\n\n00:00.000 --> 00:02.000\nHoş geldiniz.\n".encode()


def raw_cursor(text: str) -> str:
    return base64.urlsafe_b64encode(text.encode()).decode().rstrip("=")


def draft(client, tokens, org=None, **overrides) -> dict:
    body = item_body(org or str(uuid.uuid4()), **overrides)
    response = client.post("/items", json=body, headers=tokens.coordinator())
    assert response.status_code == 201, response.get_json()
    return response.get_json()


def put_file(client, tokens, item, data, query="", **headers):
    return client.put(f"/items/{item['id']}/file{query}", data=data,
                      headers={**tokens.coordinator(), "If-Match": f'"v{item["version"]}"', **headers})


def assert_problem(response, status: int) -> dict:
    assert response.status_code == status, (response.status_code, response.get_data()[:300])
    assert response.content_type == PROBLEM
    return response.get_json()


@contextmanager
def upload_limit(app, limit: int):
    state = app.extensions["birlikte"]
    settings = state["settings"]
    state["settings"] = settings.replace(archive_max_upload_bytes=limit)
    try:
        yield
    finally:
        state["settings"] = settings


# -- cursors ------------------------------------------------------------------------------------

EDITED_CURSORS = ["W3RydWVd",  # [true], as the issue found it
                  raw_cursor('[true, "x"]'), raw_cursor('["x", true]'), raw_cursor("[1.5, 2]"),
                  raw_cursor("[null, null]"), raw_cursor('[Infinity, "x"]'), raw_cursor('[NaN, "x"]'),
                  raw_cursor('{"a": 1}'), raw_cursor("[1, 2, 3]"), raw_cursor('[[1], "x"]'),
                  raw_cursor(f'["2026-01-01T00:00:00", "{uuid.uuid4()}"]'),  # an instant without its offset
                  raw_cursor('["2026-01-01T00:00:00+00:00", "not-a-uuid"]'), raw_cursor(f'["high", "{uuid.uuid4()}"]'),
                  raw_cursor("[1e400, 1]"), "not base64!", ""]


@pytest.mark.parametrize("q", ["", "kooperatif"])
def test_an_edited_cursor_is_a_400_problem_in_either_order(client, tokens, q):
    for edited in EDITED_CURSORS:
        response = client.get("/items", query_string={"cursor": edited, "q": q} if q else {"cursor": edited},
                              headers=tokens.coordinator())
        if not edited:  # no cursor: the first page
            assert response.status_code == 200
            continue
        body = assert_problem(response, 400)
        assert body["title"] == "Invalid cursor" and list(body["errors"]) == ["cursor"], edited


def test_the_cursors_given_out_walk_newest_first(client, tokens, make_item):
    org = str(uuid.uuid4())
    made = [make_item(org)["id"] for _ in range(3)]
    seen, cursor = [], None
    while True:
        args = {"organization_id": org, "limit": 1, **({"cursor": cursor} if cursor else {})}
        page = client.get("/items", query_string=args, headers=tokens.coordinator())
        assert page.status_code == 200, page.get_json()
        seen += [i["id"] for i in page.get_json()["items"]]
        if not (cursor := page.get_json()["next_cursor"]):
            break
    assert seen == made[::-1]


# -- file names ---------------------------------------------------------------------------------

@pytest.mark.parametrize("given, kept", [
    ("rapor\r\nSet-Cookie: x=1.pdf", "raporSet-Cookie: x=1.pdf"),
    ("../../etc/passwd.pdf", "passwd.pdf"),
    ("C:\\Users\\ayse\\rapor.pdf", "rapor.pdf"),
    ("rapor\u202efdp.exe", "raporfdp.exe"),  # a right-to-left override would show it as "rapor.exe.pdf"
    ("a\tb\x1bc\x7f.pdf", "abc.pdf"),
    ("x" * 500 + ".pdf", "x" * 196 + ".pdf"),
    ("\r\n", "file"),
])
def test_a_file_name_is_kept_safe_and_the_file_downloads(client, tokens, stored, given, kept):
    item = draft(client, tokens)
    uploaded = put_file(client, tokens, item, PDF_HEAD + b"x" * 100, query="?" + f"name={quote(given)}")
    assert uploaded.status_code == 200, uploaded.get_json()
    assert uploaded.get_json()["file"]["name"] == kept
    download = client.get(f"/items/{item['id']}/file", headers=tokens.coordinator())
    assert download.status_code == 200 and download.data == PDF_HEAD + b"x" * 100
    assert download.headers["Content-Disposition"] == f'attachment; filename="{kept}"'


def test_a_turkish_name_from_content_disposition_downloads_under_its_own_name(client, tokens, stored):
    item = draft(client, tokens)
    name = 'Çalışma ilişkileri "özet".pdf'
    uploaded = put_file(client, tokens, item, PDF_HEAD + b"x" * 100,
                        **{"Content-Disposition": f"attachment; filename*=UTF-8''{quote(name)}; filename=\"x.pdf\""})
    assert uploaded.get_json()["file"]["name"] == name
    download = client.get(f"/items/{item['id']}/file", headers=tokens.coordinator())
    assert download.headers["Content-Disposition"] == (
        "attachment; filename=\"Calisma iliskileri _ozet_.pdf\"; "
        "filename*=UTF-8''%C3%87al%C4%B1%C5%9Fma%20ili%C5%9Fkileri%20%22%C3%B6zet%22.pdf")
    quoted = put_file(client, tokens, uploaded.get_json(), PDF_HEAD + b"y" * 100,
                      **{"Content-Disposition": 'attachment; filename="..\\\\a\\"b.pdf"'})
    assert quoted.get_json()["file"]["name"] == 'a"b.pdf'


def test_a_name_stored_with_a_line_break_before_names_were_made_safe_still_downloads(client, tokens, make_item,
                                                                                    settings):
    item = make_item(str(uuid.uuid4()))
    with psycopg.connect(settings.database_url) as conn:
        conn.execute("UPDATE archive.items SET file_name = %s WHERE id = %s", ("eski\r\nad.pdf", item["id"]))
    download = client.get(f"/items/{item['id']}/file")
    assert download.status_code == 200
    assert download.headers["Content-Disposition"] == 'attachment; filename="eskiad.pdf"'


# -- what an item may be ------------------------------------------------------------------------

@pytest.mark.parametrize("item_type", ["publication", "material", "link"])
def test_only_a_recording_has_media(client, tokens, item_type):
    body = item_body(str(uuid.uuid4()), type=item_type, media="video", external_url="https://www.youtube.com/@stgm")
    refused = assert_problem(client.post("/items", json=body, headers=tokens.coordinator()), 422)
    assert list(refused["errors"]) == ["media"]
    recording = draft(client, tokens, type="recording", media="audio")
    changed = client.patch(f"/items/{recording['id']}", json={"type": item_type},
                           headers={**tokens.coordinator(), "If-Match": '"v1"'})
    assert list(assert_problem(changed, 422)["errors"]) == ["media"]
    assert client.get(f"/items/{recording['id']}", headers=tokens.coordinator()).get_json()["type"] == "recording"


def test_an_item_links_only_events_the_archive_knows(client, tokens, feed, settings):
    org, unknown = str(uuid.uuid4()), str(uuid.uuid4())
    known = feed.event(org)["id"]
    refused = assert_problem(client.post("/items", json=item_body(org, event_ids=[known, unknown]),
                                         headers=tokens.coordinator()), 422)
    assert refused["unknown_event_ids"] == [unknown] and unknown in refused["detail"]
    assert list(refused["errors"]) == ["event_ids"]
    with psycopg.connect(settings.database_url) as conn:
        linked = conn.execute("SELECT count(*) FROM archive.items WHERE %s = ANY(event_ids)", (unknown,)).fetchone()
    assert linked[0] == 0
    item = draft(client, tokens, org, event_ids=[known])
    changed = client.patch(f"/items/{item['id']}", json={"event_ids": [known, unknown]},
                           headers={**tokens.coordinator(), "If-Match": '"v1"'})
    assert assert_problem(changed, 422)["unknown_event_ids"] == [unknown]


# -- serving stored files -----------------------------------------------------------------------

def test_a_range_past_the_end_is_a_416_problem(client, tokens, stored):
    recording = draft(client, tokens, type="recording", media="video")
    content = MP4_HEAD + b"\0" * 500
    base = f"/items/{recording['id']}"
    assert put_file(client, tokens, recording, content).status_code == 200
    assert client.put(f"{base}/captions/tr", data=VTT, headers=tokens.coordinator()).status_code == 200
    for url, size in ((f"{base}/file", len(content)), (f"{base}/captions/tr", len(VTT))):
        refused = client.get(url, headers={**tokens.coordinator(), "Range": f"bytes={size + 10}-"})
        body = assert_problem(refused, 416)
        assert refused.headers["Content-Range"] == f"bytes */{size}" and body["status"] == 416


POLYGLOTS = [
    ("publication", PDF_HEAD + b"<html><script>alert(document.cookie)</script></html>", "application/pdf"),
    ("material", b"GIF89a/*\x00\x00*/=1;alert(document.cookie);//" + b"\0" * 64, "image/gif"),
]


@pytest.mark.parametrize("item_type, content, content_type", POLYGLOTS)
def test_a_polyglot_is_served_as_an_attachment_never_sniffed_and_running_nothing(client, tokens, stored, item_type,
                                                                                content, content_type):
    item = draft(client, tokens, type=item_type)
    assert put_file(client, tokens, item, content, query="?name=x.html").status_code == 200
    for extra in ({}, {"Range": "bytes=0-9"}):
        download = client.get(f"/items/{item['id']}/file", headers={**tokens.coordinator(), **extra})
        assert download.status_code in (200, 206) and download.content_type == content_type
        assert download.headers["Content-Disposition"] == 'attachment; filename="x.html"'
        assert download.headers["X-Content-Type-Options"] == "nosniff"
        assert download.headers["Content-Security-Policy"] == "default-src 'none'; frame-ancestors 'none'; sandbox"


def test_recordings_and_their_captions_play_inline(client, tokens, stored):
    recording = draft(client, tokens, type="recording", media="video")
    assert put_file(client, tokens, recording, MP4_HEAD + b"\0" * 500, query="?name=oturum.mp4").status_code == 200
    added = client.put(f"/items/{recording['id']}/captions/en", data=VTT, headers=tokens.coordinator())
    assert added.status_code == 200
    played = client.get(f"/items/{recording['id']}/file", headers={**tokens.coordinator(), "Range": "bytes=0-99"})
    assert played.status_code == 206 and played.headers["Content-Disposition"] == 'inline; filename="oturum.mp4"'
    captions = client.get(f"/items/{recording['id']}/captions/en", headers=tokens.coordinator())
    assert captions.mimetype == "text/vtt" and captions.headers["Content-Disposition"] == 'inline; filename="en.vtt"'
    for answer in (played, captions):
        assert answer.headers["X-Content-Type-Options"] == "nosniff"
        assert answer.headers["Content-Security-Policy"] == "default-src 'none'; frame-ancestors 'none'; sandbox"


# -- refused uploads leave nothing ----------------------------------------------------------------

def wrong_digest() -> str:
    return "sha-256=:" + base64.b64encode(hashlib.sha256(b"something else").digest()).decode() + ":"


def chunked(client, url, data: bytes, headers: dict):
    """The body sent without a Content-Length, as a client streaming a file of unknown size does."""
    return client.put(url, input_stream=io.BytesIO(data), headers={**headers, "Transfer-Encoding": "chunked"},
                      environ_overrides={"wsgi.input_terminated": True})


REFUSALS = {  # what each upload is refused for, and its status
    "stale version": (lambda item: {"If-Match": '"v999"'}, PDF_HEAD + b"x" * 2000, 412),
    "no If-Match": (lambda item: {"If-Match": None}, PDF_HEAD + b"x" * 2000, 428),
    "checksum mismatch": (lambda item: {"Repr-Digest": wrong_digest()}, PDF_HEAD + b"x" * 2000, 422),
    "not a PDF": (lambda item: {}, MP4_HEAD + b"\0" * 2000, 415),
    "empty": (lambda item: {}, b"", 400),
}


@pytest.mark.parametrize("refusal", list(REFUSALS))
def test_a_refused_upload_leaves_nothing_in_storage(client, tokens, stored, refusal):
    headers_of, content, status = REFUSALS[refusal]
    item = draft(client, tokens)
    before = stored.objects()
    headers = {**tokens.coordinator(), "If-Match": '"v1"', **headers_of(item)}
    refused = client.put(f"/items/{item['id']}/file", data=content,
                         headers={k: v for k, v in headers.items() if v is not None})
    assert_problem(refused, status)
    assert stored.objects() == before
    assert client.get(f"/items/{item['id']}", headers=tokens.coordinator()).get_json()["file"] is None


@pytest.mark.parametrize("announced", [True, False])
def test_an_upload_over_the_limit_leaves_nothing_in_storage(client, tokens, app, stored, announced):
    """Refused from its Content-Length before a byte is read, or midway when it is streamed
    without one (on S3 after its first parts went up)."""
    item = draft(client, tokens, type="recording", media="video")
    before = stored.objects()
    content = MP4_HEAD + b"\0" * (12 * 2 ** 20)
    url, headers = f"/items/{item['id']}/file", {**tokens.coordinator(), "If-Match": '"v1"'}
    with upload_limit(app, 9 * 2 ** 20):
        refused = (client.put(url, data=content, headers=headers) if announced
                   else chunked(client, url, content, headers))
    assert_problem(refused, 413)
    assert stored.objects() == before


def test_refused_and_replaced_captions_leave_nothing_behind(client, tokens, stored):
    recording = draft(client, tokens, type="recording", media="video")
    assert put_file(client, tokens, recording, MP4_HEAD + b"\0" * 500).status_code == 200
    before = stored.objects()
    url = f"/items/{recording['id']}/captions/tr"
    assert_problem(client.put(url, data=b"not captions", headers=tokens.coordinator()), 415)
    assert_problem(client.put(url, data=VTT, headers={**tokens.coordinator(), "Repr-Digest": wrong_digest()}), 422)
    assert stored.objects() == before
    assert client.put(url, data=VTT, headers=tokens.coordinator()).status_code == 200
    first = stored.objects() - before
    assert len(first) == 1
    replaced = client.put(url, data=VTT + b"\n00:02.000 --> 00:04.000\nTesekkurler.\n", headers=tokens.coordinator())
    assert replaced.status_code == 200
    replaced.close()  # as a server closes a response it has sent: the old file goes only then
    after = stored.objects()
    assert len(after - before) == 1 and not first & after  # the old captions' file is gone
    assert replaced.get_json()["captions"] == ["tr"]


@contextmanager
def commits_failing(app):
    """Every commit fails, as when the database goes away between a view and its commit."""
    def fail(conn, response):
        raise psycopg.OperationalError("the server closed the connection")
    hooks = app.extensions["birlikte"]["before_commit"]
    hooks.append(fail)
    try:
        yield
    finally:
        hooks.remove(fail)


def test_an_upload_whose_commit_fails_leaves_nothing_in_storage(client, tokens, app, stored):
    recording = draft(client, tokens, type="recording", media="video")
    before = stored.objects()
    with commits_failing(app):
        assert_problem(put_file(client, tokens, recording, MP4_HEAD + b"\0" * 500), 503)
        assert_problem(client.put(f"/items/{recording['id']}/captions/tr", data=VTT, headers=tokens.coordinator()), 503)
    assert stored.objects() == before
    found = client.get(f"/items/{recording['id']}", headers=tokens.coordinator()).get_json()
    assert found["file"] is None and found["captions"] == []
    assert put_file(client, tokens, recording, MP4_HEAD + b"\0" * 500).status_code == 200  # a committed one stays
    assert len(stored.objects() - before) == 1
