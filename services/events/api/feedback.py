"""Feedback after an event: a rating and a comment, from the people who attended."""
from __future__ import annotations

from flask.views import MethodView

from shared.auth.flask import current_principal
from shared.http.blueprint import Blueprint
from shared.http.db import cursor
from services.events import access, queries
from services.events.api.events import load_visible
from services.events.operations import feedback
from services.events.schemas import FeedbackIn, FeedbackOut, FeedbackSummary

blp = Blueprint("feedback", __name__, url_prefix="/events", description="Feedback from attendees.")


def _summary(answers: list[dict], for_organizers: bool) -> dict:
    ratings = [a["rating"] for a in answers]
    return {
        "count": len(answers),
        "average_rating": round(sum(ratings) / len(ratings), 2) if ratings else None,
        "quotes": [{"rating": a["rating"], "comment": a["comment"]}
                   for a in answers if a["consent_to_quote"] and a["comment"]],
        "items": answers if for_organizers else [],
    }


@blp.route("/<uuid:event_id>/feedback")
class Feedback(MethodView):
    @blp.response(200, FeedbackSummary)
    def get(self, event_id):
        """The count and average, the comments their authors let us quote; every answer for organizers."""
        principal = current_principal()
        cur = cursor()
        event, _ = load_visible(cur, event_id)
        return _summary(queries.feedback(cur, event_id), access.can_manage(principal, event))

    @blp.arguments(FeedbackIn)
    @blp.response(201, FeedbackOut)
    def post(self, data, event_id):
        """Give feedback on an event you attended (once)."""
        principal = current_principal()
        person = access.person_of(principal)
        cur = cursor()
        event, _ = load_visible(cur, event_id)
        access.require_attended(queries.attended(cur, event_id, person))
        return feedback.give(cur, principal, event, person, data), 201
