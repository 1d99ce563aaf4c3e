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


def _summary(cur, answers: list[dict], viewer, for_organizers: bool) -> dict:
    ratings = [a["rating"] for a in answers]
    names = queries.people_names(cur, [a["person_id"] for a in answers]) if for_organizers else {}
    return {
        "count": len(answers),
        "average_rating": round(sum(ratings) / len(ratings), 2) if ratings else None,
        "quotes": [{"rating": a["rating"], "comment": a["comment"]}
                   for a in answers if a["consent_to_quote"] and a["comment"]],
        "items": [{**a, "person_name": names.get(str(a["person_id"]), "")} for a in answers] if for_organizers else [],
        "mine": next((a for a in answers if viewer is not None and a["person_id"] == viewer), None),
    }


@blp.route("/<uuid:event_id>/feedback")
class Feedback(MethodView):
    @blp.response(200, FeedbackSummary)
    def get(self, event_id):
        """The count and average, the comments their authors let us quote, your own answer; every answer
        (with its author's name) for organizers."""
        principal = current_principal()
        cur = cursor()
        event, _ = load_visible(cur, event_id)
        return _summary(cur, queries.feedback(cur, event_id), access.person_of(principal),
                        access.can_manage(principal, event))

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
