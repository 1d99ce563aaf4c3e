"""Partner webhook subscriptions: subscribed (the signing secret shown once), changed, disabled,
re-enabled and deleted by their owners; a delivery sent again on request."""
from __future__ import annotations

from shared import rows
from shared.auth.principal import Principal
from shared.outbound import require_safe_url
from shared.versions import Precondition
from services.notifications import queries, signing
from services.notifications.errors import BeingDelivered, SubscriptionDisabled

TABLE = "webhook_subscriptions"


def subscribe(cur, actor: Principal, data: dict, *, allow_private: bool) -> dict:
    """The new subscription, with its secret: the one answer that shows it."""
    require_safe_url(data["url"], allow_private)
    return rows.insert(cur, TABLE, {**data, "secret": signing.new_secret(), "created_by": actor.subject})


def change(cur, actor: Principal, subscription_id, changes: dict, precondition: Precondition, *,
           allow_private: bool) -> dict:
    """A new URL (checked again) or types, or a status; re-enabling starts a new run of failures."""
    current = _for_change(cur, subscription_id, precondition)
    changes = rows.changed(current, changes)
    if "url" in changes:
        require_safe_url(changes["url"], allow_private)
    return _apply(cur, current, changes)


def disable(cur, actor: Principal, subscription_id, precondition: Precondition) -> dict:
    """Deliveries wait until the subscription is re-enabled."""
    current = _for_change(cur, subscription_id, precondition)
    return _apply(cur, current, rows.changed(current, {"status": "disabled"}))


def delete(cur, actor: Principal, subscription_id) -> None:
    """Gone for its owners and never delivered to again; the row stays for its delivery log, its
    secret replaced by one that no one was ever shown."""
    current = queries.subscription(cur, subscription_id, for_update=True)
    rows.update(cur, TABLE, current["id"],
                {"status": "deleted", "deleted_at": rows.now(), "secret": signing.new_secret()})


def _for_change(cur, subscription_id, precondition: Precondition) -> dict:
    current = queries.subscription(cur, subscription_id, for_update=True)
    precondition.check(current["version"])
    return current


def _apply(cur, current: dict, changes: dict) -> dict:
    if not changes:
        return current
    if changes.get("status") == "active":
        changes.update(consecutive_failures=0, disabled_at=None, disabled_reason=None)
    elif changes.get("status") == "disabled":
        changes.update(disabled_at=rows.now(), disabled_reason="disabled by its owner")
    return rows.update(cur, TABLE, current["id"], changes)


def redeliver(cur, actor: Principal, subscription_id, delivery_id, *, lease_seconds: float) -> dict:
    """Send a delivery again now, with a fresh round of retries (a delivered or failed one too);
    not while the subscription is disabled, nor while the delivery is being sent (a claim within
    its lease)."""
    if queries.subscription(cur, subscription_id)["status"] != "active":
        raise SubscriptionDisabled()
    queries.delivery(cur, subscription_id, delivery_id)
    cur.execute("UPDATE webhook_deliveries SET status = 'pending', next_attempt_at = now(), attempts = 0, "
                "claimed_at = NULL WHERE id = %s AND (status <> 'sending' "
                "OR claimed_at < now() - make_interval(secs => %s)) RETURNING *", (delivery_id, lease_seconds))
    row = cur.fetchone()
    if row is None:
        raise BeingDelivered()
    return row
