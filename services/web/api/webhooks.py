"""An organization's webhooks (for its admins): subscriptions and their delivery log."""
from __future__ import annotations

from flask import Blueprint

blueprint = Blueprint("webhooks", __name__)
