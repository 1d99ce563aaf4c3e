"""Topics: what members propose for the civil space discussions, their organization's vote (one
per organization — the events API keeps the rule), the ranking, and the topics that became
discussions, linked to them."""
from __future__ import annotations

from flask import Blueprint, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext

from services.web import api
from services.web.api.program import language, my_organizations, shown
from services.web.errors import ApiProblem
from services.web.forms.topics import TopicProposal, TopicVote
from services.web.problems import message, on_form

blueprint = Blueprint("topics", __name__)
RANKED = 50      # the open topics shown, most requested first
DISCUSSED = 20   # the topics that became events, shown with them
# The events API's refusals about topics, as this catalog knows them (problems.message)
REFUSALS = [
    lazy_gettext("Your organization has already voted for this topic."),
    lazy_gettext("This organization has not voted for this topic."),
    lazy_gettext("Only members of the community can propose and vote on topics."),
    lazy_gettext("You can vote only for an organization you belong to."),
    lazy_gettext("You can withdraw only your own organization's vote."),
    lazy_gettext("You can propose a topic only for an organization you belong to."),
]


def _sign_in_first():
    return redirect(url_for("auth.login", next=url_for("topics.index")), 303)


@blueprint.get("/topics")
def index():
    if not api.signed_in():
        return _sign_in_first()
    return _page()


def _page(form: TopicProposal | None = None, problem: str | None = None, status: int = 200):
    """The ranking and the discussed topics (two calls), their events (one), and the person's
    organizations when they act for several (one each)."""
    backend = api.backend()
    try:
        ranking = backend.get("events", "/topics/ranking", status="open", limit=RANKED)
        scheduled = backend.get("events", "/topics/ranking", status="scheduled", limit=DISCUSSED)
    except ApiProblem as refused:
        if refused.status != 403:
            raise
        return render_template("topics/index.html", refused=message(refused.detail or refused.title)), 403
    ids = [t["event_id"] for t in scheduled if t.get("event_id")]
    found = backend.get("events", "/events", id=ids, limit=len(ids))["items"] if ids else []
    events = {e["id"]: shown(e) for e in found}
    organizations = my_organizations()
    return render_template("topics/index.html", ranking=ranking, organizations=dict(organizations),
                           discussed=[(t, events.get(t["event_id"])) for t in scheduled],
                           form=form or TopicProposal.offering(organizations, language()), vote=TopicVote(),
                           mine=sorted(api.who().member_of | api.who().admin_of), problem=problem), status


@blueprint.post("/topics")
def propose():
    if not api.signed_in():
        return _sign_in_first()
    form = TopicProposal.offering(my_organizations(), language())
    if not form.validate():
        return _page(form, status=400)
    try:
        made = api.backend().post("events", "/topics", form.body(_only_organization())).json()
    except ApiProblem as problem:
        on_form(form, problem)
        return _page(form, status=problem.status)
    return redirect(url_for("topics.index", done="proposed", _anchor=f"topic-{made['id']}"), 303)


@blueprint.post("/topics/<uuid:topic_id>/vote")
def vote(topic_id):
    return _voting(topic_id, lambda body: api.backend().post("events", f"/topics/{topic_id}/votes", body), "voted")


@blueprint.post("/topics/<uuid:topic_id>/withdraw")
def withdraw(topic_id):
    def withdrawn(body):
        api.backend().call("DELETE", "events", f"/topics/{topic_id}/votes/{body['organization_id']}")
    return _voting(topic_id, withdrawn, "withdrawn", organization_needed=True)


def _voting(topic_id, act, done: str, organization_needed: bool = False):
    if not api.signed_in():
        return _sign_in_first()
    form = TopicVote()
    if not form.validate() or (organization_needed and not form.organization_id.data):
        errors = [e for found in form.errors.values() for e in found] or [_("Say for which organization.")]
        return _page(problem=" ".join(map(str, errors)), status=400)
    try:
        act({"organization_id": form.organization_id.data} if form.organization_id.data else {})
    except ApiProblem as problem:
        return _page(problem=message(problem.detail or problem.title), status=problem.status)
    return redirect(url_for("topics.index", done=done, _anchor=f"topic-{topic_id}"), 303)


def _only_organization() -> str | None:
    mine = sorted(api.who().member_of | api.who().admin_of)
    return mine[0] if len(mine) == 1 else None
