"""Topics: what members propose for the civil space discussions, their organization's vote, the ranking."""
from __future__ import annotations

from flask import Blueprint

blueprint = Blueprint("topics", __name__)
