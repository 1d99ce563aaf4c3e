"""Archive: recordings, publications, materials and links — access-controlled, searchable in
Turkish and English, their files checksummed and kept on local disk or an S3-compatible store."""
from pathlib import Path

NAME = "archive"
MIGRATIONS = Path(__file__).parent / "migrations"
