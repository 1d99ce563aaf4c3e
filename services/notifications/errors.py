"""The notifications service's refusals (kinds in shared/errors.py; the HTTP layer answers each)."""
from __future__ import annotations

from shared.errors import BadRequest, Conflict, NotFound, Unavailable


class NotYetKnown(Unavailable):
    """A message refers to something whose own message has not arrived yet: the consumer retries it later."""

    def __init__(self, what: str, row_id):
        super().__init__("Not yet known", f"{what} {row_id}")


class PersonNotKnownYet(NotFound):
    def __init__(self):
        super().__init__("Not known yet", "Notifications has no record of you yet; people come from the registry.")


class InvalidLink(BadRequest):
    def __init__(self):
        super().__init__("Invalid link", "This unsubscribe link is not one we sent, or it was cut short.")


class SubscriptionDisabled(Conflict):
    def __init__(self):
        super().__init__("Subscription disabled", "Re-enable the subscription before redelivering.")


class BeingDelivered(Conflict):
    def __init__(self):
        super().__init__("Being delivered", "This delivery is being sent right now; see its log in a moment.")
