"""Partner webhook subscriptions, their delivery log and manual redelivery.

Who: coordinators, admins of the subscription's organization, and that organization's partner
clients with the `notifications:webhooks` scope. The signing secret is in the answer to the POST
that creates a subscription and nowhere else. The delivery log is oldest first (created_at, id),
a cursor page at a time.
"""
from __future__ import annotations

from flask import current_app
from flask.views import MethodView
from marshmallow import Schema, fields, validate

from shared import rows
from shared.auth.flask import current_principal, require
from shared.http.blueprint import Blueprint
from shared.http.db import cursor
from shared.http.idempotency import idempotent
from shared.outbound import require_safe_url
from shared.http.pagination import PageArgsSchema, decode_cursor
from shared.http.problems import abort_problem
from shared.http.resources import (answer, answer_read, changed, created, load, load_for_change, now, page_of,
                                   paginate)
from services.notifications import webhooks

blp = Blueprint("webhooks", __name__, url_prefix="/webhooks",
                description="Signed webhooks (Standard Webhooks) to partner organizations' systems.")
PATTERN = validate.Regexp(r"^events\.(event|registration|\*|#)(\.([a-z_]+|\*|#))*\Z",
                          error="An events.event or events.registration message type or pattern, "
                                "e.g. events.event.* or events.registration.created.")


class SubscriptionIn(Schema):
    organization_id = fields.UUID(required=True)
    url = fields.URL(required=True, schemes={"https", "http"}, require_tld=False, validate=validate.Length(max=2000))
    event_types = fields.List(fields.String(validate=PATTERN), required=True, validate=validate.Length(min=1, max=20))


class SubscriptionPatch(Schema):
    url = fields.URL(schemes={"https", "http"}, require_tld=False, validate=validate.Length(max=2000))
    event_types = fields.List(fields.String(validate=PATTERN), validate=validate.Length(min=1, max=20))
    status = fields.String(validate=validate.OneOf(("active", "disabled")))


class SubscriptionOut(SubscriptionIn):
    id = fields.UUID()
    status = fields.String()
    consecutive_failures = fields.Integer()
    disabled_reason = fields.String(allow_none=True)
    disabled_at = fields.DateTime(allow_none=True)
    version = fields.Integer()
    created_at = fields.DateTime()
    updated_at = fields.DateTime()


class SubscriptionCreated(SubscriptionOut):
    secret = fields.String(metadata={"description": "whsec_…: verify signatures with it; shown only now"})


class DeliveryQuery(PageArgsSchema):
    status = fields.String(validate=validate.OneOf(("pending", "sending", "delivered", "failed")))


class Attempt(Schema):
    attempted_at = fields.DateTime()
    status_code = fields.Integer(allow_none=True)
    error = fields.String(allow_none=True)
    duration_ms = fields.Integer()


class DeliveryOut(Schema):
    id = fields.UUID()
    webhook_id = fields.String()
    event_type = fields.String()
    status = fields.String()
    attempts = fields.Integer(metadata={"description": "attempts since the delivery was made or last redelivered"})
    next_attempt_at = fields.DateTime()
    last_status_code = fields.Integer(allow_none=True)
    last_error = fields.String(allow_none=True)
    created_at = fields.DateTime()
    delivered_at = fields.DateTime(allow_none=True)
    payload = fields.Dict()
    attempt_log = fields.List(fields.Nested(Attempt))


def _require_owner(principal, organization_id) -> None:
    if principal.is_partner_client:
        require(principal.has_scope("notifications:webhooks") and principal.organization == str(organization_id),
                "This client needs the notifications:webhooks scope, for its own organization.")
    else:
        require(principal.can_admin(str(organization_id)),
                "Only a coordinator or an admin of this organization manages its webhooks.")


def _require_reader(principal) -> None:
    if principal.is_partner_client:
        require(principal.has_scope("notifications:webhooks"), "This client needs the notifications:webhooks scope.")


def _checked_url(url: str) -> None:
    require_safe_url(url, current_app.extensions["birlikte"]["settings"].webhook_allow_private)


def _subscription(cur, subscription_id, *, for_change: bool = False) -> dict:
    row = load(cur, "webhook_subscriptions", subscription_id, "webhook subscription")
    _require_owner(current_principal(), row["organization_id"])
    return load_for_change(cur, "webhook_subscriptions", subscription_id, "webhook subscription") if for_change else row


@blp.route("")
class Subscriptions(MethodView):
    @blp.arguments(PageArgsSchema, location="query")
    @blp.response(200, page_of(SubscriptionOut))
    def get(self, args):
        """The subscriptions of the caller's organizations (all, for coordinators)."""
        principal = current_principal()
        _require_reader(principal)
        conditions = []
        if not principal.is_coordinator:
            mine = [principal.organization] if principal.is_partner_client else sorted(principal.admin_of)
            conditions.append(("organization_id = ANY(%s::uuid[])", ([m for m in mine if m],)))
        order = ["created_at", "id"]
        found = rows.page(cursor(), "webhook_subscriptions", conditions, order,
                          decode_cursor(args["cursor"]) if args.get("cursor") else None, args["limit"])
        return paginate(found, args["limit"], order)

    @blp.arguments(SubscriptionIn)
    @blp.response(201, SubscriptionCreated)
    @idempotent
    def post(self, data):
        """Subscribe a URL to message types of an organization; the signing secret is in the answer, once."""
        principal = current_principal()
        _require_owner(principal, data["organization_id"])
        _checked_url(data["url"])
        row = rows.insert(cursor(), "webhook_subscriptions", {**data, "secret": webhooks.new_secret(),
                                                              "created_by": principal.subject})
        return created(row, "webhooks.Subscription", subscription_id=row["id"])


@blp.route("/<uuid:subscription_id>")
class Subscription(MethodView):
    @blp.response(200, SubscriptionOut)
    def get(self, subscription_id):
        return answer_read(_subscription(cursor(), subscription_id))

    @blp.arguments(SubscriptionPatch)
    @blp.response(200, SubscriptionOut)
    def patch(self, changes, subscription_id):
        """Change the URL or types, or re-enable (If-Match required); re-enabling clears the failure run."""
        cur = cursor()
        current = _subscription(cur, subscription_id, for_change=True)
        changes = changed(current, changes)
        if "url" in changes:
            _checked_url(changes["url"])
        if changes.get("status") == "active":
            changes.update(consecutive_failures=0, disabled_at=None, disabled_reason=None)
        elif changes.get("status") == "disabled":
            changes.update(disabled_at=now(), disabled_reason="disabled by its owner")
        if not changes:
            return answer(current)
        return answer(rows.update(cur, "webhook_subscriptions", subscription_id, changes))


@blp.route("/<uuid:subscription_id>/disable")
class Disabling(MethodView):
    @blp.response(200, SubscriptionOut)
    def post(self, subscription_id):
        """Stop deliveries (If-Match required); they wait until the subscription is re-enabled
        (PATCH with status active)."""
        cur = cursor()
        current = _subscription(cur, subscription_id, for_change=True)
        if current["status"] == "disabled":
            return answer(current)
        return answer(rows.update(cur, "webhook_subscriptions", subscription_id, {
            "status": "disabled", "disabled_at": now(), "disabled_reason": "disabled by its owner"}))


@blp.route("/<uuid:subscription_id>/deliveries")
class Deliveries(MethodView):
    @blp.arguments(DeliveryQuery, location="query")
    @blp.response(200, page_of(DeliveryOut))
    def get(self, args, subscription_id):
        """The delivery log, oldest first (created_at, id), a page at a time; ?status= narrows it."""
        cur = cursor()
        _subscription(cur, subscription_id)
        order = ["created_at", "id"]
        conditions = [("subscription_id = %s", (subscription_id,))]
        if "status" in args:
            conditions.append(("status = %s", (args["status"],)))
        found = rows.page(cur, "webhook_deliveries", conditions, order,
                          decode_cursor(args["cursor"]) if args.get("cursor") else None, args["limit"])
        return paginate(found, args["limit"], order)


@blp.route("/<uuid:subscription_id>/deliveries/<uuid:delivery_id>")
class Delivery(MethodView):
    @blp.response(200, DeliveryOut)
    def get(self, subscription_id, delivery_id):
        """One delivery with every attempt made."""
        cur = cursor()
        _subscription(cur, subscription_id)
        return {**_delivery(cur, subscription_id, delivery_id), "attempt_log": _attempts(cur, delivery_id)}


@blp.route("/<uuid:subscription_id>/deliveries/<uuid:delivery_id>/redeliver")
class Redeliver(MethodView):
    @blp.response(202, DeliveryOut)
    def post(self, subscription_id, delivery_id):
        """Send a delivery again now, with a fresh round of retries (also a delivered or failed one).
        409 while the subscription is disabled, or while the delivery is being sent."""
        cur = cursor()
        subscription = _subscription(cur, subscription_id)
        if subscription["status"] != "active":
            abort_problem(409, "Subscription disabled", "Re-enable the subscription before redelivering.")
        _delivery(cur, subscription_id, delivery_id)
        lease = current_app.extensions["birlikte"]["settings"].send_lease_seconds
        cur.execute("UPDATE webhook_deliveries SET status = 'pending', next_attempt_at = now(), attempts = 0, "
                    "claimed_at = NULL WHERE id = %s AND (status <> 'sending' "
                    "OR claimed_at < now() - make_interval(secs => %s)) RETURNING *", (delivery_id, lease))
        row = cur.fetchone()
        if row is None:
            abort_problem(409, "Being delivered", "This delivery is being sent right now; see its log in a moment.")
        return {**row, "attempt_log": _attempts(cur, delivery_id)}


def _delivery(cur, subscription_id, delivery_id) -> dict:
    cur.execute("SELECT * FROM webhook_deliveries WHERE id = %s AND subscription_id = %s",
                (delivery_id, subscription_id))
    row = cur.fetchone()
    if row is None:
        abort_problem(404, "Delivery not found", f"This subscription has no delivery {delivery_id}.")
    return row


def _attempts(cur, delivery_id) -> list[dict]:
    cur.execute("SELECT * FROM webhook_attempts WHERE delivery_id = %s ORDER BY id", (delivery_id,))
    return cur.fetchall()
