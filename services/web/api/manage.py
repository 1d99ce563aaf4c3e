"""For coordinators and organizers: events made, scheduled, rescheduled and cancelled; registrations and the waitlist; attendance on the day; feedback; series; study-visit placements."""
from __future__ import annotations

from flask import Blueprint

blueprint = Blueprint("manage", __name__)
