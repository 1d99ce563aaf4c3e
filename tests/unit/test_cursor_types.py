"""A listing that names the types of its sort key gets its cursor's values as those types, or
a BadRequest naming the cursor: no edited value reaches its SQL."""
from __future__ import annotations

import base64
import uuid
from datetime import datetime, timezone

import pytest

from shared.errors import BadRequest
from shared.paging import decode_cursor, encode_cursor

WHEN, ID = datetime(2026, 12, 1, 9, 30, 15, 123456, tzinfo=timezone.utc), uuid.uuid4()


def raw_cursor(text: str) -> str:
    return base64.urlsafe_b64encode(text.encode()).decode().rstrip("=")


def test_a_cursor_given_out_reads_back_as_its_types():
    assert decode_cursor(encode_cursor((WHEN, ID)), (datetime, uuid.UUID)) == (WHEN, ID)
    assert decode_cursor(encode_cursor((0.0607927, ID)), (float, uuid.UUID)) == (0.0607927, ID)
    assert decode_cursor(encode_cursor((7,)), (int,)) == (7,)


@pytest.mark.parametrize("values, shape", [
    (f'["{WHEN}"]', (datetime, uuid.UUID)),
    (f'["{WHEN}", "{ID}", 1]', (datetime, uuid.UUID)),
    (f'[1, "{ID}"]', (datetime, uuid.UUID)),
    (f'["{WHEN}", 1]', (datetime, uuid.UUID)),
    (f'["2026-12-01T09:30:00", "{ID}"]', (datetime, uuid.UUID)),  # no offset: which instant?
    (f'["{WHEN}", "not-a-uuid"]', (datetime, uuid.UUID)),
    (f'[true, "{ID}"]', (float, uuid.UUID)),
    (f'["0.25", "{ID}"]', (float, uuid.UUID)),
    (f'[NaN, "{ID}"]', (float, uuid.UUID)),
    ('[1.5]', (int,)),
    ('[null]', (str,)),
])
def test_a_value_not_of_its_type_is_a_bad_request(values, shape):
    with pytest.raises(BadRequest) as refused:
        decode_cursor(raw_cursor(values), shape)
    assert list(refused.value.errors) == ["cursor"]


def test_without_its_types_a_cursor_holds_text_and_integers_only():
    assert decode_cursor(encode_cursor(("12345", 7))) == ("12345", 7)
    for values in ("[true]", '["x", true]', "[1.5, 2]", "[1e400, 1]", "[Infinity, 1]", '["a", null]', '[[1], "x"]',
                   '[{"a": 1}]', "[]", '{"a": 1}', '"text"'):
        with pytest.raises(BadRequest):
            decode_cursor(raw_cursor(values))
