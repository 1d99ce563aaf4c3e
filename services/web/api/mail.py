"""Development only: the emails the local mail catcher holds, so that a newcomer signs in without a mail client."""
from __future__ import annotations

from flask import Blueprint

blueprint = Blueprint("mail", __name__)
