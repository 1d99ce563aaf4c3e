"""Local storage: files stay under its root, and a stream refused midway leaves nothing behind."""
import io

import pytest

from services.archive.errors import TooLarge
from services.archive.intake import Intake
from services.archive.storage import LocalStorage


@pytest.mark.parametrize("key", ["../outside", "items/../../outside", "/etc/passwd", ""])
def test_keys_outside_the_root_are_refused(tmp_path, key):
    storage = LocalStorage(tmp_path / "root")
    for use in (storage.path, lambda k: storage.save(k, io.BytesIO(b"x")), storage.delete,
                lambda k: list(storage.open_range(k, 0, 1))):
        with pytest.raises(ValueError):
            use(key)
    assert not (tmp_path / "outside").exists()


def test_a_saved_file_is_read_back_by_range(tmp_path):
    storage = LocalStorage(tmp_path)
    storage.save("items/a/b", io.BytesIO(bytes(range(100))))
    assert b"".join(storage.open_range("items/a/b", 10, 5)) == bytes(range(10, 15))
    storage.delete("items/a/b")
    assert not storage.path("items/a/b").exists()


def test_a_stream_refused_midway_leaves_nothing(tmp_path):
    storage = LocalStorage(tmp_path)
    with pytest.raises(TooLarge):
        storage.save("items/big", Intake(io.BytesIO(b"x" * 5000), limit=1000))
    assert [p for p in tmp_path.rglob("*") if p.is_file()] == []
