"""Partner webhook subscriptions, their delivery log and manual redelivery.

Who: coordinators, admins of the subscription's organization, and that organization's partner
clients with the `notifications:webhooks` scope. The signing secret is in the answer to the POST
that creates a subscription and nowhere else. The delivery log is oldest first (created_at, id),
or newest first, a cursor page at a time. A deleted subscription is not found any more.
"""
from __future__ import annotations

from flask.views import MethodView

from shared.auth.flask import current_principal
from shared.http import current
from shared.http.blueprint import Blueprint
from shared.http.db import cursor
from shared.http.etag import if_match
from shared.http.idempotency import idempotent, not_replayed
from shared.http.pagination import cursor_of
from shared.http.resources import answer, answer_read, created, page_of, paginate
from services.notifications import access, queries
from services.notifications.operations import webhooks
from services.notifications.schemas import (DeliveryOut, DeliveryQuery, SubscriptionCreated, SubscriptionIn,
                                            SubscriptionOut, SubscriptionPatch, SubscriptionQuery)

blp = Blueprint("webhooks", __name__, url_prefix="/webhooks",
                description="Signed webhooks (Standard Webhooks) to partner organizations' systems.")


def _owned(cur, subscription_id):
    """The caller, once the subscription is found to be their organization's; and the subscription."""
    subscription = queries.subscription(cur, subscription_id)
    principal = current_principal()
    access.require_webhook_owner(principal, subscription["organization_id"])
    return principal, subscription


def _with_log(cur, delivery: dict) -> dict:
    return {**delivery, "attempt_log": queries.attempts(cur, delivery["id"])}


@blp.route("")
class Subscriptions(MethodView):
    @blp.arguments(SubscriptionQuery, location="query")
    @blp.response(200, page_of(SubscriptionOut))
    def get(self, args):
        """The subscriptions of the caller's organizations (all, for coordinators); ?organization_id= narrows it."""
        principal = current_principal()
        access.require_webhook_reader(principal)
        found = queries.subscriptions(cursor(), access.webhook_organizations(principal), args.get("organization_id"),
                                      cursor_of(args), args["limit"])
        return paginate(found, args["limit"], queries.CREATED_ORDER)

    @blp.arguments(SubscriptionIn)
    @blp.response(201, SubscriptionCreated)
    @idempotent
    def post(self, data):
        """Subscribe a URL to message types of an organization; the signing secret is in the answer,
        once: a retry with the same Idempotency-Key answers without it."""
        principal = current_principal()
        access.require_webhook_owner(principal, data["organization_id"])
        row = webhooks.subscribe(cursor(), principal, data, allow_private=current.settings().webhook_allow_private)
        not_replayed("secret")
        return created(row, "webhooks.Subscription", subscription_id=row["id"])


@blp.route("/<uuid:subscription_id>")
class Subscription(MethodView):
    @blp.response(200, SubscriptionOut)
    def get(self, subscription_id):
        return answer_read(_owned(cursor(), subscription_id)[1])

    @blp.arguments(SubscriptionPatch)
    @blp.response(200, SubscriptionOut)
    def patch(self, changes, subscription_id):
        """Change the URL or types, or re-enable (If-Match required); re-enabling clears the failure run."""
        cur = cursor()
        principal, _ = _owned(cur, subscription_id)
        return answer(webhooks.change(cur, principal, subscription_id, changes, if_match(),
                                      allow_private=current.settings().webhook_allow_private))

    @blp.response(204)
    def delete(self, subscription_id):
        """Delete the subscription: nothing more is delivered to it, and it is not found any more."""
        cur = cursor()
        principal, _ = _owned(cur, subscription_id)
        webhooks.delete(cur, principal, subscription_id)


@blp.route("/<uuid:subscription_id>/disable")
class Disabling(MethodView):
    @blp.response(200, SubscriptionOut)
    def post(self, subscription_id):
        """Stop deliveries (If-Match required); they wait until the subscription is re-enabled
        (PATCH with status active)."""
        cur = cursor()
        principal, _ = _owned(cur, subscription_id)
        return answer(webhooks.disable(cur, principal, subscription_id, if_match()))


@blp.route("/<uuid:subscription_id>/deliveries")
class Deliveries(MethodView):
    @blp.arguments(DeliveryQuery, location="query")
    @blp.response(200, page_of(DeliveryOut))
    def get(self, args, subscription_id):
        """The delivery log, oldest first (created_at, id) or ?order=newest, a page at a time; ?status= narrows it."""
        cur = cursor()
        _owned(cur, subscription_id)
        found = queries.deliveries(cur, subscription_id, args.get("status"), cursor_of(args), args["limit"],
                                   newest_first=args["order"] == "newest")
        return paginate(found, args["limit"], queries.CREATED_ORDER)


@blp.route("/<uuid:subscription_id>/deliveries/<uuid:delivery_id>")
class Delivery(MethodView):
    @blp.response(200, DeliveryOut)
    def get(self, subscription_id, delivery_id):
        """One delivery with every attempt made."""
        cur = cursor()
        _owned(cur, subscription_id)
        return _with_log(cur, queries.delivery(cur, subscription_id, delivery_id))


@blp.route("/<uuid:subscription_id>/deliveries/<uuid:delivery_id>/redeliver")
class Redeliver(MethodView):
    @blp.response(202, DeliveryOut)
    def post(self, subscription_id, delivery_id):
        """Send a delivery again now, with a fresh round of retries (also a delivered or failed one).
        409 while the subscription is disabled, or while the delivery is being sent."""
        cur = cursor()
        principal, _ = _owned(cur, subscription_id)
        row = webhooks.redeliver(cur, principal, subscription_id, delivery_id,
                                 lease_seconds=current.settings().send_lease_seconds)
        return _with_log(cur, row)
