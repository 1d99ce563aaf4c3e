"""Partnerships between organizations: peers, study-visit hosts, program partners, joint projects."""
from __future__ import annotations

from shared import errors
from shared.auth.principal import Principal
from shared.versions import Precondition
from services.registry import store
from services.registry.operations import organizations


def record(cur, actor: Principal, data: dict) -> dict:
    if data["organization_id"] == data["partner_id"]:
        raise errors.Invalid("Invalid partnership", "An organization cannot partner with itself.",
                             errors={"partner_id": ["Must differ from organization_id."]})
    for key in ("organization_id", "partner_id"):
        organizations.require_active(cur, data[key])
    return store.register(cur, "partnership", data, errors.unique(
        "These organizations already have an active partnership of this kind."))


def end(cur, actor: Principal, partnership_id, precondition: Precondition) -> dict:
    return store.close(cur, "partnership", partnership_id, "ended", precondition)
