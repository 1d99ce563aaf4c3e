"""Feedback after an event: a rating and a comment, from the people who attended."""
from __future__ import annotations

from flask.views import MethodView
from shared.http.blueprint import Blueprint

from shared import rows
from shared.auth.flask import current_principal, require
from shared.http.db import cursor
from shared.http.problems import abort_problem
from shared.http.resources import conflicts
from services.events import access, directory
from services.events.api.events import load_visible
from services.events.schemas import FeedbackIn, FeedbackOut, FeedbackSummary

blp = Blueprint("feedback", __name__, url_prefix="/events", description="Feedback from attendees.")


@blp.route("/<uuid:event_id>/feedback")
class Feedback(MethodView):
    @blp.response(200, FeedbackSummary)
    def get(self, event_id):
        """The count and average, the comments their authors let us quote; every answer for organizers."""
        principal = current_principal()
        cur = cursor()
        event, _ = load_visible(cur, event_id)
        cur.execute("SELECT * FROM feedback WHERE event_id = %s ORDER BY created_at, id", (event_id,))
        answers = cur.fetchall()
        ratings = [a["rating"] for a in answers]
        return {
            "count": len(answers),
            "average_rating": round(sum(ratings) / len(ratings), 2) if ratings else None,
            "quotes": [{"rating": a["rating"], "comment": a["comment"]}
                       for a in answers if a["consent_to_quote"] and a["comment"]],
            "items": answers if access.can_manage(principal, event) else [],
        }

    @blp.arguments(FeedbackIn)
    @blp.response(201, FeedbackOut)
    def post(self, data, event_id):
        """Give feedback on an event you attended (once)."""
        principal = current_principal()
        person = directory.as_person_id(principal.subject)
        cur = cursor()
        event, _ = load_visible(cur, event_id)
        if event["status"] == "cancelled":
            abort_problem(409, "Event is cancelled", "A cancelled event takes no feedback.")
        cur.execute("SELECT 1 FROM registrations WHERE event_id = %s AND person_id = %s AND attendance = 'attended'",
                    (event_id, person))
        require(person is not None and cur.fetchone() is not None, "Only people who attended can give feedback.")
        with conflicts("You have already given feedback on this event."):
            row = rows.insert(cur, "feedback", {**data, "event_id": event_id, "person_id": person})
        return row, 201
