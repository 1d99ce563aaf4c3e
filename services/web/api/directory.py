"""The directory of member organizations: their focus areas, places and partnerships, for anyone
(the registry's public /directory: one call a page, never a person's data)."""
from __future__ import annotations

from datetime import date

from babel.dates import format_date
from flask import Blueprint, render_template, request
from flask_babel import get_locale
from flask_babel import gettext as _

from shared.errors import NotFound
from services.web import api, labels, times
from services.web.errors import ApiProblem
from services.web.forms.directory import DirectoryFilters

blueprint = Blueprint("directory", __name__)
PAGE = 20


@blueprint.get("/organizations")
def index():
    filters = DirectoryFilters(formdata=request.args).offer()
    chosen = filters.chosen()
    found = api.backend().get("registry", "/directory/organizations", limit=PAGE, cursor=request.args.get("cursor"),
                              **chosen)
    return render_template("directory/index.html", filters=filters, chosen=chosen,
                           organizations=[shown(o) for o in found["items"]], next=found["next_cursor"],
                           **labels.community())


@blueprint.get("/organizations/<uuid:organization_id>")
def organization(organization_id):
    try:
        found = api.backend().get("registry", f"/directory/organizations/{organization_id}")
    except ApiProblem as problem:
        if problem.status == 404:
            raise NotFound(_("Not in the directory"), _("This organization is not in the directory (any more)."))
        raise
    return render_template("directory/organization.html", organization=shown(found), **labels.community())


def shown(organization: dict) -> dict:
    """An organization as the directory shows it: each partnership with the month it began."""
    return {**organization, "partnerships": [{**p, "since": since(p.get("started_on"))}
                                             for p in organization["partnerships"]]}


def since(day: str | None) -> str:
    """A date of the registry as the month it names, in the reader's language ("May 2026")."""
    if not day:
        return ""
    return format_date(date.fromisoformat(day), "LLLL y", locale=times.LOCALES.get(str(get_locale()), "en_IE"))
