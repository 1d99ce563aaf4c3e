"""An item's file and captions: streamed uploads, downloads with Range, ETag and conditional GET.

A stored file is whatever its uploader made it (a PDF can carry HTML after `%PDF-`, a GIF a script
after `GIF89a`): it goes out never sniffed, under a policy that runs nothing, and as an attachment
unless it is what the web app plays in its pages (recordings and their captions)."""
from __future__ import annotations

import logging
import re
import unicodedata
import uuid
from contextlib import contextmanager
from urllib.parse import quote, unquote

from flask import Response, after_this_request, g, request, send_file
from flask.views import MethodView

from shared.auth.flask import current_principal
from shared.errors import NotFound
from shared.http import current
from shared.http.blueprint import Blueprint
from shared.http import db
from shared.http.db import cursor
from shared.http.etag import if_match
from shared.http.problems import problem_response
from shared.http.resources import answer
from services.archive import intake, queries
from services.archive.api import managed, readable
from services.archive.errors import TooLarge
from services.archive.operations import files
from services.archive.schemas import LANGUAGES, ItemOut
from services.archive.storage import storage_for

log = logging.getLogger(__name__)
blp = Blueprint("files", __name__, url_prefix="/items", description="Files and captions of archive items.")
PLAYED_INLINE = ("video/", "audio/", "text/vtt")  # the web app's player and its captions track
FILE_HEADERS = {"X-Content-Type-Options": "nosniff", "Cache-Control": "private, max-age=0, must-revalidate",
                "Content-Security-Policy": "default-src 'none'; frame-ancestors 'none'; sandbox"}  # whatever its type
_EXTENDED_NAME = re.compile(r"filename\*\s*=\s*([\w!#$%&+.^`|~-]+)'[\w-]*'([^;\s]*)", re.IGNORECASE)
_PLAIN_NAME = re.compile(r'filename\s*=\s*(?:"((?:[^"\\]|\\.)*)"|([^;]*))', re.IGNORECASE)


def _bytes(media_type: str) -> dict:
    """A file's answers documented for what they are (the bytes, whole or the range asked for), not JSON."""
    content = {media_type: {"schema": {"type": "string", "format": "binary"}}}
    return {200: {"description": "The file", "content": content},
            206: {"description": "The range of the file asked for", "content": content}}


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
    g.setdefault("archive_uploads", []).append(key)  # kept only if the request commits a row naming it


@blp.teardown_request
def _drop_uncommitted_uploads(_exc=None) -> None:
    """Once the request's transaction has ended: a file it stored that no committed row names (the
    request was refused after the file was in, or its commit failed) is deleted. If the database
    cannot say, the file stays: better an orphan than an item without its file."""
    for key in g.pop("archive_uploads", []):
        try:
            with db.pool().connection() as conn, conn.cursor() as cur:
                named = queries.names_file(cur, key)
        except Exception:
            log.warning("could not tell whether an upload was kept", extra={"key": key}, exc_info=True)
            continue
        if not named:
            _storage().delete(key)


def _file_name() -> str:
    """The name the client gave the file, made safe to keep: Content-Disposition's `filename*`
    (RFC 5987, UTF-8) or `filename`, else `?name=`."""
    disposition = request.headers.get("Content-Disposition", "")
    name = ""
    if extended := _EXTENDED_NAME.search(disposition):
        try:
            name = unquote(extended.group(2), encoding=extended.group(1), errors="replace")
        except LookupError:  # a charset Python does not know
            name = ""
    elif plain := _PLAIN_NAME.search(disposition):
        name = re.sub(r"\\(.)", r"\1", plain.group(1)) if plain.group(1) is not None else plain.group(2).strip()
    return intake.safe_name(name or request.args.get("name"))


def _disposition(content_type: str, name: str) -> str:
    """Content-Disposition (RFC 6266) for a stored file: an ASCII `filename` every client reads,
    and the name itself as `filename*` (RFC 5987) when it is more than ASCII (a Turkish name)."""
    kind = "inline" if content_type.startswith(PLAYED_INLINE) else "attachment"
    name = intake.safe_name(name)  # names stored before they were made safe, too
    letters = "".join(ch for ch in unicodedata.normalize("NFKD", name.replace("ı", "i"))
                      if not unicodedata.combining(ch))
    plain = re.sub(r'[^\x20-\x7e]|["\\%]', "_", letters)
    value = f'{kind}; filename="{plain}"'
    return value if plain == name else f"{value}; filename*=UTF-8''{quote(name, safe='!#$&+-.^_`|~')}"


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

    @blp.doc(responses=_bytes("*/*"))
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
    content_type = content_type or "application/octet-stream"
    wanted = request.range
    if wanted is not None and len(wanted.ranges) == 1 and wanted.range_for_length(size) is None:
        return problem_response(416, "Range not satisfiable", f"The file has {size} bytes.",
                                headers={"Content-Range": f"bytes */{size}", "Accept-Ranges": "bytes"})
    headers = {**FILE_HEADERS, "Content-Disposition": _disposition(content_type, name)}
    local = _storage().path(key)
    if local is not None:
        # A file on local disk goes out with sendfile (no copy through Python); werkzeug answers
        # Range, If-Range and If-None-Match the way the streaming path below does for S3.
        response = send_file(local, mimetype=content_type, conditional=True, etag=sha256, max_age=0)
        response.headers.update(headers)
        return response
    headers.update({"ETag": f'"{sha256}"', "Accept-Ranges": "bytes"})
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
                    mimetype=content_type, direct_passthrough=True)


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
            item, replaced = files.attach_captions(cur, principal, item_id, language, received)
        if replaced:
            _delete_after_commit(replaced)
        return answer(queries.with_captions(cur, item))

    @blp.doc(responses=_bytes("text/vtt"))
    def get(self, item_id, language):
        cur = cursor()
        readable(cur, item_id)
        found = queries.captions(cur, item_id, language)
        return _serve(found["file_key"], found["file_size"], found["file_sha256"], "text/vtt", f"{language}.vtt")
