"""The directory of member organizations: their focus areas and partnerships, for anyone."""
from __future__ import annotations

from flask import Blueprint

blueprint = Blueprint("directory", __name__)
