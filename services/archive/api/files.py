"""An item's file and captions: streamed uploads, downloads with Range, ETag and conditional GET."""
from __future__ import annotations

import uuid
from contextlib import contextmanager

from flask import Response, after_this_request, request, send_file
from flask.views import MethodView

from shared.auth.flask import current_principal
from shared.errors import NotFound
from shared.http import current
from shared.http.blueprint import Blueprint
from shared.http.db import cursor
from shared.http.etag import if_match
from shared.http.resources import answer
from services.archive import intake, queries
from services.archive.api import managed, readable
from services.archive.errors import TooLarge
from services.archive.operations import files
from services.archive.schemas import LANGUAGES, ItemOut
from services.archive.storage import storage_for

blp = Blueprint("files", __name__, url_prefix="/items", description="Files and captions of archive items.")


def _storage():
    return current.extension("storage", storage_for)


@contextmanager
def _upload():
    """Stream the request body into storage under a fresh key and give what came in to the `with`
    block; if the size limit or the block refuses it, nothing of it is kept."""
    limit = current.settings().archive_max_upload_bytes
    if request.content_length is not None and request.content_length > limit:
        raise TooLarge(limit)
    announced = intake.expected_sha256(request.headers)
    key, storage = f"items/{uuid.uuid4()}", _storage()
    body = intake.Intake(request.stream, limit)
    try:
        storage.save(key, body)
        yield body.received(key, name=_file_name(), announced_sha256=announced)
    except Exception:
        storage.delete(key)
        raise


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
        files.require_takes_file(managed(cur, principal, item_id))  # before a link's body is streamed for nothing
        with _upload() as received:
            row, replaced = files.attach(cur, principal, item_id, received, if_match())
        if replaced:
            _delete_after_commit(replaced)
        return answer(queries.with_captions(cur, row))

    def get(self, item_id):
        """Download or play the file: `Range` gives 206, `If-None-Match` 304, `If-Range` is honoured."""
        item = readable(cursor(), item_id)
        if not item["file_key"]:
            raise NotFound("No file", "This item has no file (yet).")
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
        if language not in LANGUAGES:
            raise NotFound("No such language", "Captions are in tr or en.")
        principal = current_principal()
        cur = cursor()
        files.require_takes_captions(managed(cur, principal, item_id))  # before the body is streamed for nothing
        with _upload() as received:
            item = files.attach_captions(cur, principal, item_id, language, received)
        return answer(queries.with_captions(cur, item))

    def get(self, item_id, language):
        cur = cursor()
        readable(cur, item_id)
        found = queries.captions(cur, item_id, language)
        return _serve(found["file_key"], found["file_size"], found["file_sha256"], "text/vtt", f"{language}.vtt")
