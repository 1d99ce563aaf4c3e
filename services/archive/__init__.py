"""Archive: recordings, publications, materials and links — access-controlled, searchable in
Turkish and English, their files checksummed and kept on local disk or an S3-compatible store."""
from shared.service import Service

NAME = "archive"
SERVICE = Service(name=NAME, title="Birlikte archive", port=8004, package=__name__)
