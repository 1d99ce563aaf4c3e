"""An item's file and captions: streamed uploads, downloads with Range, ETag and conditional GET."""
from __future__ import annotations

import uuid

from flask import Response, after_this_request, current_app, request, send_file
from flask.views import MethodView
from shared.http.blueprint import Blueprint

from shared import rows
from shared.auth.flask import current_principal
from shared.http.db import cursor
from shared.http.problems import abort_problem
from shared.http.resources import answer, load, load_for_change
from services.archive import access, intake
from services.archive.api.items import load_readable, with_captions
from services.archive.schemas import ItemOut
from services.archive.storage import storage_for

blp = Blueprint("files", __name__, url_prefix="/items", description="Files and captions of archive items.")


def _storage():
    state = current_app.extensions["birlikte"]
    if "storage" not in state:
        state["storage"] = storage_for(state["settings"])
    return state["storage"]


def _take_in(allowed_type: str) -> tuple[str, intake.Intake]:
    """Stream the body into storage under a fresh key; refuse (and delete) what breaks a rule."""
    settings = current_app.extensions["birlikte"]["settings"]
    limit = settings.archive_max_upload_bytes
    if request.content_length is not None and request.content_length > limit:
        abort_problem(413, "File too large", f"The archive takes files up to {limit} bytes.")
    expected = intake.expected_sha256(request.headers)
    key = f"items/{uuid.uuid4()}"
    body = intake.Intake(request.stream, limit)
    storage = _storage()
    try:
        storage.save(key, body)
    except intake.TooLarge:
        storage.delete(key)
        abort_problem(413, "File too large", f"The archive takes files up to {limit} bytes.")
    problem = _refusal(body, expected, allowed_type)
    if problem:
        storage.delete(key)
        abort_problem(*problem)
    return key, body


def _refusal(body: intake.Intake, expected: str | None, allowed_type: str):
    if body.size == 0:
        return 400, "Empty file", "The request carried no bytes."
    actual = body.sha256.hexdigest()
    if expected and expected != actual:
        return 422, "Checksum mismatch", f"The file's SHA-256 is {actual}, not the {expected} announced; nothing was kept."
    content_type = body.content_type()
    if allowed_type == "captions":
        if content_type != "text/vtt":
            return 415, "Not WebVTT", "Captions and transcripts must be WebVTT (starting with 'WEBVTT')."
    elif not intake.allowed(allowed_type, content_type):
        return 415, "File type not accepted", f"A {allowed_type} cannot be {content_type or 'of an unknown type'} (judged from its bytes)."
    return None


def _file_name() -> str:
    disposition = request.headers.get("Content-Disposition", "")
    name = disposition.partition("filename=")[2].strip('"; ')
    return (name or request.args.get("name") or "file")[:200]


@blp.route("/<uuid:item_id>/file")
class ItemFile(MethodView):
    @blp.response(200, ItemOut)
    def put(self, item_id):
        """Upload the item's file as the raw request body (streamed; never held in memory).

        Send `Repr-Digest: sha-256=:<base64>:` (RFC 9530) or `X-Checksum-SHA256` to have it
        checked; the content type is read from the bytes, not from the client."""
        principal = current_principal()
        cur = cursor()
        item = load(cur, "items", item_id, "item")
        access.require_manager(cur, principal, item)
        if item["type"] == "link":
            abort_problem(409, "Links have no file", "A link item points elsewhere (external_url).")
        key, body = _take_in(item["type"])
        item = load_for_change(cur, "items", item_id, "item")
        old = item["file_key"]
        row = rows.update(cur, "items", item_id, {
            "file_key": key, "file_name": _file_name(), "file_size": body.size,
            "file_sha256": body.sha256.hexdigest(), "content_type": body.content_type()})
        if old:
            _delete_after_commit(old)
        return answer(with_captions(cur, row))

    def get(self, item_id):
        """Download or play the file: `Range` gives 206, `If-None-Match` 304, `If-Range` is honoured."""
        item = load_readable(cursor(), item_id)
        if not item["file_key"]:
            abort_problem(404, "No file", "This item has no file (yet).")
        return _serve(item["file_key"], item["file_size"], item["file_sha256"], item["content_type"], item["file_name"])


def _delete_after_commit(key: str) -> None:
    """Remove a replaced file once the response that commits its replacement has gone out.

    If the commit fails, the shared request handling answers with a new response and this one's
    close callbacks never run: the old file stays, as the database still names it."""
    storage = _storage()

    def schedule(response):
        response.call_on_close(lambda: storage.delete(key))
        return response
    after_this_request(schedule)


def _serve(key: str, size: int, sha256: str, content_type: str | None, name: str) -> Response:
    wanted = request.range
    if wanted is not None and len(wanted.ranges) == 1 and wanted.range_for_length(size) is None:
        return Response(status=416, headers={"Content-Range": f"bytes */{size}", "Accept-Ranges": "bytes"})
    local = _storage().path(key)
    if local is not None:
        # A file on local disk goes out with sendfile (no copy through Python); werkzeug answers
        # Range, If-Range and If-None-Match the way the streaming path below does for S3.
        response = send_file(local, mimetype=content_type or "application/octet-stream", download_name=name,
                             conditional=True, etag=sha256, max_age=0)
        response.headers["Cache-Control"] = "private, max-age=0, must-revalidate"
        return response
    tag = f'"{sha256}"'
    headers = {"ETag": tag, "Accept-Ranges": "bytes", "Cache-Control": "private, max-age=0, must-revalidate",
               "Content-Disposition": f'inline; filename="{name}"'}
    if request.if_none_match.contains(sha256):
        return Response(status=304, headers=headers)
    start, length, status = 0, size, 200
    if wanted is not None and (request.if_range.etag is None or request.if_range.etag == sha256):
        span = wanted.range_for_length(size) if len(wanted.ranges) == 1 else None  # several ranges: the whole file
        if span is not None:
            start, length, status = span[0], span[1] - span[0], 206
            headers["Content-Range"] = f"bytes {span[0]}-{span[1] - 1}/{size}"
    headers["Content-Length"] = str(length)
    return Response(_storage().open_range(key, start, length), status=status, headers=headers,
                    mimetype=content_type or "application/octet-stream", direct_passthrough=True)


@blp.route("/<uuid:item_id>/captions/<string:language>")
class Captions(MethodView):
    @blp.response(200, ItemOut)
    def put(self, item_id, language):
        """Attach WebVTT captions (or a transcript with ?kind=transcript) in a language."""
        if language not in ("tr", "en"):
            abort_problem(404, "No such language", "Captions are in tr or en.")
        principal = current_principal()
        cur = cursor()
        item = load(cur, "items", item_id, "item")
        access.require_manager(cur, principal, item)
        if item["type"] != "recording":
            abort_problem(409, "Only recordings have captions", "Captions belong to recordings.")
        key, body = _take_in("captions")
        cur.execute("""INSERT INTO captions (item_id, language, file_key, file_size, file_sha256)
                       VALUES (%s, %s, %s, %s, %s)
                       ON CONFLICT (item_id, language, kind) DO UPDATE SET file_key = excluded.file_key,
                           file_size = excluded.file_size, file_sha256 = excluded.file_sha256, created_at = now()""",
                    (item_id, language, key, body.size, body.sha256.hexdigest()))
        return answer(with_captions(cur, load(cur, "items", item_id, "item")))

    def get(self, item_id, language):
        cur = cursor()
        load_readable(cur, item_id)
        cur.execute("SELECT * FROM captions WHERE item_id = %s AND language = %s", (item_id, language))
        found = cur.fetchone()
        if found is None:
            abort_problem(404, "No captions", f"This recording has no {language} captions.")
        return _serve(found["file_key"], found["file_size"], found["file_sha256"], "text/vtt", f"{language}.vtt")
