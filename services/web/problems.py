"""A service's problem+json, on the page that caused it: each field error next to its field, in
the reader's language. The services answer in English; the texts they use are msgids of the web's
catalog (the fixed ones of marshmallow here, the services' own where a page expects them), so a
known text reads in Turkish and an unknown one is still shown as the service wrote it."""
from __future__ import annotations

import re

from flask_babel import gettext, lazy_gettext

from services.web.errors import ApiProblem

# marshmallow's messages that carry values, as patterns: the values are kept, the words translated
_PATTERNS = [
    (re.compile(r"^Length must be between (?P<min>\d+) and (?P<max>\d+)\.$"),
     lazy_gettext("Between %(min)s and %(max)s characters.")),
    (re.compile(r"^Shorter than minimum length (?P<min>\d+)\.$"), lazy_gettext("At least %(min)s characters.")),
    (re.compile(r"^Longer than maximum length (?P<max>\d+)\.$"), lazy_gettext("At most %(max)s characters.")),
    (re.compile(r"^Must be one of: (?P<choices>.*)\.$"), lazy_gettext("Choose one of: %(choices)s.")),
    (re.compile(r"^Must be greater than or equal to (?P<min>\S+) and less than or equal to (?P<max>\S+)\.$"),
     lazy_gettext("From %(min)s to %(max)s.")),
    (re.compile(r"^Must be greater than or equal to (?P<min>\S+)\.$"), lazy_gettext("At least %(min)s.")),
    (re.compile(r"^Must be less than or equal to (?P<max>\S+)\.$"), lazy_gettext("At most %(max)s.")),
    # shared/outbound.py's refusals of a URL (webhooks, calendar feeds)
    (re.compile(r"^(?P<host>\S+) resolves to (?P<address>\S+), an internal address; "
                r"only public hosts are reached\.$"),
     lazy_gettext("%(host)s is an internal address (%(address)s): only public hosts are reached.")),
    (re.compile(r"^The host (?P<host>\S+) does not resolve: .*$"), lazy_gettext("The host %(host)s could not be found.")),
]
# marshmallow's fixed messages, marked for the catalog (gettext(text) finds them at run time)
FIXED = [
    lazy_gettext("Missing data for required field."), lazy_gettext("Field may not be null."),
    lazy_gettext("Not a valid email address."), lazy_gettext("Not a valid URL."), lazy_gettext("Not a valid integer."),
    lazy_gettext("Not a valid number."), lazy_gettext("Not a valid date."), lazy_gettext("Not a valid datetime."),
    lazy_gettext("Not a valid boolean."), lazy_gettext("Not a valid UUID."), lazy_gettext("Not a valid string."),
    lazy_gettext("Not a valid list."), lazy_gettext("Invalid value."), lazy_gettext("Unknown field."),
]


def message(text: str) -> str:
    """One message of a service, in the reader's language when the catalog knows it."""
    for pattern, translated in _PATTERNS:
        found = pattern.match(text)
        if found:
            return str(translated) % found.groupdict()
    return gettext(text)  # noqa: the catalog's msgid is the service's own text; unknown texts come back as they are


def _messages(value) -> list[str]:
    """A field's messages from problem+json: a list of texts, or (a nested field) a mapping of them."""
    if isinstance(value, str):
        return [message(value)]
    if isinstance(value, dict):
        return [text for inner in value.values() for text in _messages(inner)]
    return [text for inner in (value or []) for text in _messages(inner)]


def on_form(form, problem: ApiProblem, fields: dict[str, str] | None = None) -> None:
    """Put the problem's field errors on the form's fields (`fields`: the API's name → the form's,
    where they differ); what belongs to no field, and the problem's detail, on the form itself."""
    fields = fields or {}
    for name, value in (problem.errors or {}).items():
        target = getattr(form, fields.get(name, name), None)
        texts = _messages(value)
        if target is not None and hasattr(target, "errors"):
            target.errors = [*(target.errors or []), *texts]
        else:
            form.form_errors.extend(texts)
    if not problem.errors:
        form.form_errors.append(message(problem.detail or problem.title))
