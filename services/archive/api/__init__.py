"""The archive's HTTP views (items, files) and the two steps they share: finding an item as the
caller may see it, and as its manager."""
from __future__ import annotations

from shared import rows
from shared.auth.flask import current_principal, optional_principal
from shared.auth.principal import Principal
from shared.errors import not_found
from services.archive import access, queries


def readable(cur, item_id) -> dict:
    """The item, if the caller may see it: 401 for anonymous callers, 404 for others (no hint it exists)."""
    item = rows.load(cur, "items", item_id, "item")
    principal = optional_principal()
    participant = queries.takes_part(cur, access.person_of(principal), item["event_ids"])
    if not access.can_read(principal, item, owners=queries.owners(cur, item), participant=participant):
        if principal is None:
            current_principal()  # 401: a token might help
        raise not_found("item", item_id)
    return item


def managed(cur, principal: Principal, item_id) -> dict:
    """The item, if the caller manages it (403 otherwise)."""
    item = rows.load(cur, "items", item_id, "item")
    access.require_manager(principal, queries.owners(cur, item))
    return item
