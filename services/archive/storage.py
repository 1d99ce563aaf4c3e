"""Where the archive's files live: a small interface, a local-disk default and an S3-compatible store.

A file is written under a temporary key while it streams in, then moved to its final key once
its size and checksum are known and accepted — a refused upload leaves nothing behind.
"""
from __future__ import annotations

import os
import shutil
from pathlib import Path
from typing import BinaryIO, Iterator, Protocol

from shared.config import Settings

CHUNK = 1024 * 1024


class Storage(Protocol):
    def save(self, key: str, stream: BinaryIO) -> None: ...
    def open_range(self, key: str, start: int, length: int) -> Iterator[bytes]: ...
    def delete(self, key: str) -> None: ...
    def path(self, key: str) -> Path | None: ...


class LocalStorage:
    """Files under one directory; keys are relative paths made by the archive, never by clients."""

    def __init__(self, root: str | os.PathLike):
        self.root = Path(root).resolve()
        self.root.mkdir(parents=True, exist_ok=True)

    def path(self, key: str) -> Path:
        path = (self.root / key).resolve()
        if self.root not in path.parents:
            raise ValueError(f"key outside the storage root: {key}")
        return path

    def save(self, key: str, stream: BinaryIO) -> None:
        target = self.path(key)
        target.parent.mkdir(parents=True, exist_ok=True)
        partial = target.with_name(target.name + ".partial")
        try:
            with open(partial, "wb") as out:
                shutil.copyfileobj(stream, out, CHUNK)
        except BaseException:  # a stream refused midway (too large, the client gone) leaves nothing
            partial.unlink(missing_ok=True)
            raise
        os.replace(partial, target)

    def open_range(self, key: str, start: int, length: int) -> Iterator[bytes]:
        with open(self.path(key), "rb") as handle:
            handle.seek(start)
            left = length
            while left > 0:
                chunk = handle.read(min(CHUNK, left))
                if not chunk:
                    return
                left -= len(chunk)
                yield chunk

    def delete(self, key: str) -> None:
        self.path(key).unlink(missing_ok=True)


class S3Storage:
    """An S3-compatible bucket (AWS, MinIO, Ceph…) through boto3; uploads are multipart streams."""

    def __init__(self, settings: Settings):
        import boto3
        self.bucket = settings.s3_bucket
        self.client = boto3.client(
            "s3", endpoint_url=settings.s3_endpoint_url, region_name=settings.s3_region,
            aws_access_key_id=settings.s3_access_key, aws_secret_access_key=settings.s3_secret_key)

    def ensure_bucket(self) -> None:
        existing = {b["Name"] for b in self.client.list_buckets().get("Buckets", [])}
        if self.bucket not in existing:
            self.client.create_bucket(Bucket=self.bucket)

    def path(self, key: str) -> None:
        return None

    def save(self, key: str, stream: BinaryIO) -> None:
        self.client.upload_fileobj(stream, self.bucket, key)  # multipart, a part at a time

    def open_range(self, key: str, start: int, length: int) -> Iterator[bytes]:
        if length <= 0:
            return
        body = self.client.get_object(Bucket=self.bucket, Key=key, Range=f"bytes={start}-{start + length - 1}")["Body"]
        try:
            yield from body.iter_chunks(CHUNK)
        finally:
            body.close()

    def delete(self, key: str) -> None:
        self.client.delete_object(Bucket=self.bucket, Key=key)


def storage_for(settings: Settings) -> Storage:
    if settings.archive_storage == "s3":
        return S3Storage(settings)
    return LocalStorage(settings.archive_dir)
