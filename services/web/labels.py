"""The names of the services' fixed values (kinds, formats…), as a reader reads them."""
from __future__ import annotations

from flask_babel import lazy_gettext as _

KIND_NAMES = {
    "organizational_meeting": _("Organizational meeting"),
    "civil_space_discussion": _("Civil space discussion"),
    "information_session": _("Information session"),
    "thematic_meeting": _("Thematic meeting"),
    "study_visit": _("Study visit"),
}
FORMAT_NAMES = {"in_person": _("In person"), "online": _("Online"), "hybrid": _("Hybrid")}


def context() -> dict:
    return {"kind_names": KIND_NAMES, "format_names": FORMAT_NAMES}
