"""For an organization's admins: its profile, people and memberships (inviting a person), partnerships, partner API clients."""
from __future__ import annotations

from flask import Blueprint

blueprint = Blueprint("organization", __name__)
