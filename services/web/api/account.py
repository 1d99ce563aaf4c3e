"""One's own account: profile, language and time zone, consents, invitations to answer; sessions and passkeys at the registry."""
from __future__ import annotations

from flask import Blueprint

blueprint = Blueprint("account", __name__)
