"""What the web app offers whom: pure decisions over the signed-in person's claims (the services
decide what they may really do; this only keeps the pages from offering what they would refuse)."""
from __future__ import annotations


def can_organize(claims: dict | None) -> bool:
    roles = set((claims or {}).get("roles") or ())
    return bool(roles & {"coordinator", "org_admin"})


def is_coordinator(claims: dict | None) -> bool:
    return "coordinator" in ((claims or {}).get("roles") or ())
