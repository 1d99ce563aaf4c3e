"""An organization's webhooks (for its admins and coordinators): the subscriptions of its partner
systems, a new one (its signing secret shown once, on the answer to the form, and never again),
disabling, re-enabling and deleting one, and its delivery log — every attempt, the status codes
the system answered, the next retry — with redelivery. The notifications service decides who may;
these pages only decide what to offer."""
from __future__ import annotations

from flask import Blueprint, make_response, redirect, render_template, request, url_for
from flask_babel import gettext as _

from shared.errors import Forbidden
from services.web import api, labels, times
from services.web.api.program import language, reader_zone
from services.web.errors import ApiProblem
from services.web.forms.webhooks import Step, Subscription
from services.web.problems import message, on_form

blueprint = Blueprint("webhooks", __name__)
SUBSCRIPTIONS, DELIVERIES = 50, 30


def _sign_in_first():
    return redirect(url_for("auth.login", next=request.full_path if request.method == "GET" else "/webhooks"), 303)


def _administered(organization_id) -> str:
    """Offer the pages to the organization's admins and to coordinators; the service still decides."""
    who = api.who()
    if str(organization_id) not in who.admin_of and not who.is_coordinator:
        raise Forbidden(_("Not an organization you administer"),
                        _("An organization's webhooks are managed by its admins."))
    return str(organization_id)


def _page(template: str, organization_id: str, status: int = 200, **values):
    """A page about one organization's webhooks (its name: one call), never kept by a cache."""
    organization = api.backend().get("registry", f"/organizations/{organization_id}")
    response = make_response(render_template(f"webhooks/{template}", organization=organization,
                                             **labels.webhooks(), **values), status)
    response.headers["Cache-Control"] = "no-store"  # a secret, or a form naming its attempt
    return response


def _moment(value: str | None) -> str | None:
    return times.moment(value, reader_zone(), language()) if value else None


@blueprint.get("/webhooks")
def index():
    """The organization one administers, or the choice of them for someone who administers several."""
    if not api.signed_in():
        return _sign_in_first()
    mine = sorted(api.who().admin_of)
    if len(mine) == 1:
        return redirect(url_for("webhooks.subscriptions", organization_id=mine[0]), 303)
    found = api.backend().get("registry", "/organizations", id=mine, limit=len(mine))["items"] if mine else []
    return render_template("webhooks/index.html", organizations=found), 200 if mine else 403


# --- The subscriptions ------------------------------------------------------------------------

@blueprint.get("/organization/<uuid:organization_id>/webhooks")
def subscriptions(organization_id):
    if not api.signed_in():
        return _sign_in_first()
    return _subscriptions(_administered(organization_id), Subscription.new())


def _subscriptions(organization_id: str, form: Subscription, status: int = 200):
    found = api.backend().get("notifications", "/webhooks", organization_id=organization_id, limit=SUBSCRIPTIONS)
    for subscription in found["items"]:
        subscription["created"] = _moment(subscription["created_at"])
    return _page("subscriptions.html", organization_id, status, subscriptions=found["items"], form=form)


@blueprint.post("/organization/<uuid:organization_id>/webhooks")
def subscribe(organization_id):
    """The secret is on this answer only: never in the session, a cache or a log. Sent again (a
    reload), the same attempt creates nothing and the secret is not shown again."""
    if not api.signed_in():
        return _sign_in_first()
    organization_id = _administered(organization_id)
    form = Subscription()
    if not form.validate_on_submit():
        return _subscriptions(organization_id, form, 400)
    try:
        made = api.backend().post("notifications", "/webhooks", form.body(organization_id),
                                  headers={"Idempotency-Key": form.idempotency_key()}).json()
    except ApiProblem as problem:
        _refused(form, problem)
        return _subscriptions(organization_id, form, problem.status)
    if "secret" not in made:  # this attempt was answered already, with its secret
        return redirect(url_for("webhooks.subscription", organization_id=organization_id, subscription_id=made["id"]),
                        303)
    return _page("created.html", organization_id, 201, subscription=made)


def _refused(form: Subscription, problem: ApiProblem) -> None:
    """A refused type is one the admin wrote (the boxes offer only good ones)."""
    if problem.body.get("title") == "Idempotency-Key reused":  # this form was sent already, with other values
        form.attempt.data = Subscription.new().attempt.data
        form.form_errors.append(_("This form was sent already. Look at the subscriptions above; send it again to "
                                  "create another one."))
        return
    on_form(form, problem, {"event_types": "other_types"})


# --- One subscription and its delivery log ----------------------------------------------------

def _subscription_path(subscription_id) -> str:
    return f"/webhooks/{subscription_id}"


def _owned(organization_id: str, subscription_id) -> dict:
    """The subscription (one call), if it is this organization's: under another's heading it is not shown."""
    found = api.backend().get("notifications", _subscription_path(subscription_id))
    if found["organization_id"] != organization_id:
        raise Forbidden(_("Not this organization's"), _("This subscription belongs to another organization."))
    return found


@blueprint.get("/organization/<uuid:organization_id>/webhooks/<uuid:subscription_id>")
def subscription(organization_id, subscription_id):
    if not api.signed_in():
        return _sign_in_first()
    return _subscription(_administered(organization_id), subscription_id)


def _subscription(organization_id: str, subscription_id, status: int = 200, problem: str | None = None):
    """The subscription (one call) and a page of its delivery log, newest first (one more)."""
    found = _owned(organization_id, subscription_id)
    log = api.backend().get("notifications", f"{_subscription_path(subscription_id)}/deliveries", order="newest",
                      limit=DELIVERIES, cursor=request.args.get("cursor"))
    for delivery in log["items"]:
        delivery.update(created=_moment(delivery["created_at"]), next_attempt=_moment(delivery["next_attempt_at"]))
    found["disabled"] = _moment(found.get("disabled_at"))
    return _page("subscription.html", organization_id, status, subscription=found, deliveries=log["items"],
                 next=log["next_cursor"], step=Step(formdata=None, data={"version": found["version"]}), problem=problem)


@blueprint.get("/organization/<uuid:organization_id>/webhooks/<uuid:subscription_id>/deliveries/<uuid:delivery_id>")
def delivery(organization_id, subscription_id, delivery_id):
    """One delivery with every attempt made (one call, with the subscription's: two)."""
    if not api.signed_in():
        return _sign_in_first()
    organization_id = _administered(organization_id)
    found = _owned(organization_id, subscription_id)
    sent = api.backend().get("notifications", f"{_subscription_path(subscription_id)}/deliveries/{delivery_id}")
    for attempt in sent["attempt_log"]:
        attempt["at"] = _moment(attempt["attempted_at"])
    sent.update(created=_moment(sent["created_at"]), next_attempt=_moment(sent["next_attempt_at"]))
    return _page("delivery.html", organization_id, subscription=found, delivery=sent, step=Step(formdata=None))


def _step(organization_id, subscription_id, act, done: str):
    """Disable, re-enable, delete or redeliver: refused, the subscription's page says why."""
    if not api.signed_in():
        return _sign_in_first()
    organization_id = _administered(organization_id)
    form = Step()
    if not form.validate_on_submit():
        return redirect(url_for("webhooks.subscription", organization_id=organization_id,
                                subscription_id=subscription_id), 303)
    try:
        act(api.backend(), _subscription_path(subscription_id), form)
    except ApiProblem as problem:
        if problem.status == 404 and done == "deleted":
            raise
        return _subscription(organization_id, subscription_id, problem.status, message(problem.detail or problem.title))
    if done == "deleted":
        return redirect(url_for("webhooks.subscriptions", organization_id=organization_id, done="deleted"), 303)
    return redirect(url_for("webhooks.subscription", organization_id=organization_id, subscription_id=subscription_id,
                            done=done), 303)


@blueprint.post("/organization/<uuid:organization_id>/webhooks/<uuid:subscription_id>/disable")
def disable(organization_id, subscription_id):
    return _step(organization_id, subscription_id, lambda backend, path, form: backend.post(
        "notifications", f"{path}/disable", headers={"If-Match": form.if_match()}), "disabled")


@blueprint.post("/organization/<uuid:organization_id>/webhooks/<uuid:subscription_id>/enable")
def enable(organization_id, subscription_id):
    return _step(organization_id, subscription_id, lambda backend, path, form: backend.patch(
        "notifications", path, {"status": "active"}, form.if_match()), "enabled")


@blueprint.route("/organization/<uuid:organization_id>/webhooks/<uuid:subscription_id>/delete",
                 methods=["GET", "POST"])
def delete(organization_id, subscription_id):
    """GET asks (a link never deletes); POST deletes."""
    if request.method == "GET":
        if not api.signed_in():
            return _sign_in_first()
        organization_id = _administered(organization_id)
        found = _owned(organization_id, subscription_id)
        return _page("delete.html", organization_id, subscription=found, step=Step(formdata=None))
    return _step(organization_id, subscription_id,
                 lambda backend, path, form: backend.call("DELETE", "notifications", path), "deleted")


@blueprint.post("/organization/<uuid:organization_id>/webhooks/<uuid:subscription_id>/deliveries/<uuid:delivery_id>"
                "/redeliver")
def redeliver(organization_id, subscription_id, delivery_id):
    return _step(organization_id, subscription_id, lambda backend, path, form: backend.post(
        "notifications", f"{path}/deliveries/{delivery_id}/redeliver"), "redelivered")
