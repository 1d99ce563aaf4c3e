"""Files coming in from the browser, passed on to a service as they arrive: never held whole in
memory nor spooled to disk, whatever their size (a recording may be a gigabyte).

A page's script sends the file itself as the request body (`raw`); a plain form without script
sends multipart/form-data, read here part by part in the order the form lists its fields (`Form`):
the small fields before the file, then the file's bytes as they come."""
from __future__ import annotations

from typing import Iterator

from werkzeug.sansio.multipart import Data, Epilogue, Field, File, MultipartDecoder, NeedData

from shared.errors import BadRequest

CHUNK = 1024 * 1024
BUFFER = 8 * CHUNK  # the most of a body read but not yet taken (a read, and a part's headers)
MAX_FIELD = 4096  # a form's small fields: a token, a version, a language
MAX_PARTS = 20


class Sized:
    """Chunks of a known total length: requests sends them with it as Content-Length."""

    def __init__(self, chunks: Iterator[bytes], length: int):
        self.chunks, self.length = chunks, length

    def __iter__(self):
        return self.chunks

    def __len__(self) -> int:
        return self.length


def chunks_of(stream) -> Iterator[bytes]:
    while chunk := stream.read(CHUNK):
        yield chunk


def raw(stream, length: int | None):
    """The request's body as it comes, its length announced (a body of none: nothing to send)."""
    if length is None:
        raise BadRequest("Length required", "Send the file with its Content-Length.")
    return Sized(chunks_of(stream), length) if length else b""


class Form:
    """A multipart/form-data body: `fields()` reads its fields up to the file; `file` is then the
    name the file was sent with ("" when none was chosen) and `chunks()` its bytes, read as they are
    taken. What follows the file in the body is never read."""

    def __init__(self, request):
        boundary = request.mimetype_params.get("boundary", "") if request.mimetype == "multipart/form-data" else ""
        if not boundary:
            raise BadRequest("Not a form", "Send the form as multipart/form-data.")
        self.stream = request.stream
        self.decoder = MultipartDecoder(boundary.encode(), max_form_memory_size=BUFFER, max_parts=MAX_PARTS)
        self.file: str | None = None
        self._read = self._events()

    def _events(self) -> Iterator:
        while True:
            try:
                event = self.decoder.next_event()
            except ValueError as error:
                raise BadRequest("Malformed form", "The form's body could not be read.") from error
            if isinstance(event, NeedData):
                self.decoder.receive_data(self.stream.read(CHUNK) or None)
            elif isinstance(event, Epilogue):
                return
            else:
                yield event

    def fields(self) -> dict[str, str]:
        """The fields that come before the file (all of them, when there is no file)."""
        values: dict[str, bytes] = {}
        name = None
        for event in self._read:
            if isinstance(event, File):
                self.file = event.filename
                break
            if isinstance(event, Field):
                name = event.name
                values[name] = b""
            elif isinstance(event, Data) and name is not None:
                values[name] += event.data
                if len(values[name]) > MAX_FIELD:
                    raise BadRequest("Field too long", f"The field {name} is longer than a form here sends.")
        return {key: value.decode("utf-8", "replace") for key, value in values.items()}

    def chunks(self) -> Iterator[bytes]:
        """The file's bytes, as they arrive."""
        for event in self._read:
            if not isinstance(event, Data):
                return
            if event.data:
                yield event.data
            if not event.more_data:
                return
