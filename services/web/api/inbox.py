"""The inbox: a person's notifications, unread first, and their notification preferences."""
from __future__ import annotations

from flask import Blueprint

blueprint = Blueprint("inbox", __name__)
