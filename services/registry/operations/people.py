"""People of the member organizations: registered, changed, deactivated."""
from __future__ import annotations

from shared import errors, rows
from shared.auth.principal import Principal
from shared.versions import Precondition
from services.registry import store
from services.registry.errors import NotActive
from services.registry.messages import emit


def _unique_email(data: dict):
    return errors.unique(f"A person with the email {data.get('email')!r} is already registered.")


def register(cur, actor: Principal, data: dict) -> dict:
    with _unique_email(data):
        row = rows.insert(cur, "people", data)
    emit(cur, "person", "created", row)
    return row


def change(cur, actor: Principal, person_id, changes: dict, precondition: Precondition) -> dict:
    """Details or consents; the new state reaches the other services (email, language, zone, consents)."""
    current = rows.load_for_change(cur, "people", person_id, "person", precondition)
    changes = rows.changed(current, changes)
    if not changes:
        return current
    with _unique_email({**current, **changes}):
        row = rows.update(cur, "people", person_id, changes)
    emit(cur, "person", "updated", row)
    return row


def deactivate(cur, actor: Principal, person_id, precondition: Precondition) -> dict:
    """Their history stays; they can take part in nothing new."""
    current = rows.load_for_change(cur, "people", person_id, "person", precondition)
    if current["status"] == "inactive":
        return current
    row = store.close(cur, "people", person_id, "inactive", "deactivated_at")
    emit(cur, "person", "deactivated", row)
    return row


def require_active(cur, person_id) -> dict:
    person = rows.load(cur, "people", person_id, "person")
    if person["status"] != "active":
        raise NotActive("person", person)
    return person
