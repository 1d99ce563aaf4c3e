"""The archive: recordings (watched in the page, with captions) and publications, as the archive lets each reader see them; for coordinators, items made, files uploaded, published, withdrawn."""
from __future__ import annotations

from flask import Blueprint

blueprint = Blueprint("archive", __name__)
