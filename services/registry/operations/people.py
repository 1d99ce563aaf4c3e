"""People of the member organizations: registered, changed, deactivated."""
from __future__ import annotations

from shared import errors, rows
from shared.auth.principal import Principal
from shared.versions import Precondition
from services.registry import store
from services.registry.errors import NotActive


def _unique_email(data: dict):
    return errors.unique(f"A person with the email {data.get('email')!r} is already registered.")


def register(cur, actor: Principal, data: dict) -> dict:
    return store.register(cur, "person", data, _unique_email(data))


def change(cur, actor: Principal, person_id, changes: dict, precondition: Precondition) -> dict:
    """Details or consents; the new state reaches the other services (email, language, zone, consents)."""
    return store.change(cur, "person", person_id, changes, precondition, _unique_email)


def deactivate(cur, actor: Principal, person_id, precondition: Precondition) -> dict:
    """Their history stays; they can take part in nothing new."""
    return store.close(cur, "person", person_id, "inactive", precondition)


def require_active(cur, person_id) -> dict:
    person = rows.load(cur, "people", person_id, "person")
    if person["status"] != "active":
        raise NotActive("person", person)
    return person
