"""The names of the services' fixed values (kinds, formats…), as a reader reads them."""
from __future__ import annotations

from flask_babel import get_locale
from flask_babel import lazy_gettext as _

from shared import schemas

KIND_NAMES = {
    "organizational_meeting": _("Organizational meeting"),
    "civil_space_discussion": _("Civil space discussion"),
    "information_session": _("Information session"),
    "thematic_meeting": _("Thematic meeting"),
    "study_visit": _("Study visit"),
}
FORMAT_NAMES = {"in_person": _("In person"), "online": _("Online"), "hybrid": _("Hybrid")}

# program, me, topics: the program's topics (events' and proposals' tags), speakers' roles, statuses
TOPIC_NAMES = {
    "workers_rights": _("Workers' rights"), "hr_management": _("Human resource management"),
    "gender_equality": _("Gender equality"), "good_governance": _("Good governance"),
    "data_systems": _("Data systems"), "fundraising": _("Fundraising"),
    "volunteer_management": _("Volunteer management"), "refugees": _("Refugees"), "environment": _("Environment"),
    "human_rights": _("Human rights"), "youth": _("Youth"), "democracy": _("Democracy"),
    "disability": _("Disability"), "civil_space": _("Civil space"),
}
SPEAKER_ROLE_NAMES = {"speaker": _("Speaker"), "expert": _("Expert"), "moderator": _("Moderator"),
                      "facilitator": _("Facilitator")}


def topic_name(tag: str) -> str:
    """A topic's name; one the web has no name for reads as its words."""
    return str(TOPIC_NAMES[tag]) if tag in TOPIC_NAMES else tag.replace("_", " ").replace("-", " ").capitalize()


def context() -> dict:
    return {"kind_names": KIND_NAMES, "format_names": FORMAT_NAMES, "topic_name": topic_name,
            "speaker_role_names": SPEAKER_ROLE_NAMES, "language_name": language_name,
            "problem_titles": PROBLEM_TITLES, "problem_hints": PROBLEM_HINTS}


# --- The community: organizations, people, partnerships (directory, organization, account) -------

FOCUS_AREA_NAMES = {
    "workers_rights": _("Workers' rights"), "gender_equality": _("Gender equality"), "refugees": _("Refugees"),
    "environment": _("Environment"), "human_rights": _("Human rights"), "children": _("Children"), "youth": _("Youth"),
    "disability": _("Disability"), "lgbti": _("LGBTI+ rights"), "democracy": _("Democracy"), "culture": _("Culture"),
    "health": _("Health"), "education": _("Education"), "civil_society": _("Civil society"), "poverty": _("Poverty"),
    "other": _("Other"),
}
ORGANIZATION_KIND_NAMES = {
    "association": _("Association"), "foundation": _("Foundation"), "cooperative": _("Cooperative"),
    "union": _("Union"), "platform": _("Platform"), "network": _("Network"), "initiative": _("Initiative"),
    "umbrella": _("Umbrella organization"), "public_body": _("Public body"), "other": _("Other"),
}
COMMUNITY_ROLE_NAMES = {
    "participant": _("Participant"), "partner_umbrella": _("Partner umbrella organization"),
    "host_organization": _("Study-visit host"), "coordinator": _("Coordinator of the community"),
}
MEMBERSHIP_KIND_NAMES = {"member": _("Member"), "employee": _("Employee"), "volunteer": _("Volunteer"),
                         "board": _("Board member"), "contact": _("Contact person")}
PARTNERSHIP_KIND_NAMES = {"peer": _("Peer organizations"), "study_visit_host": _("Study-visit host"),
                          "program_partner": _("Program partner"), "joint_project": _("Joint project")}
GUEST_ON_STUDY_VISITS = _("Guest on study visits")


def partnership_name(kind: str, partner_side: str) -> str:
    """What a partner is to the organization whose page lists it: of a study-visit partnership the
    host is the partnership's first side (its organization_id), the guest its second."""
    if kind == "study_visit_host" and partner_side == "partner":
        return GUEST_ON_STUDY_VISITS
    return PARTNERSHIP_KIND_NAMES.get(kind, kind)


SCOPE_NAMES = {
    "registry:read": _("Read the directory of organizations"), "events:read": _("Read events"),
    "events:write": _("Publish and update its organization's events"), "archive:read": _("Read the archive"),
    "notifications:webhooks": _("Receive webhooks"),
}
SIGN_IN_METHOD_NAMES = {"otp": _("a code sent by email"), "email": _("a link sent by email"), "hwk": _("a passkey"),
                        "swk": _("a passkey")}  # the session's amr (RFC 8176), as the registry records it


def country_name(code: str) -> str:
    return get_locale().territories.get(code, code)


def language_name(code: str) -> str:
    return get_locale().languages.get(code, code)


def countries() -> list[tuple[str, str]]:
    """Every country the registry and events take (ISO 3166 alpha-2), by its name in the reader's language."""
    names = get_locale().territories
    return sorted(((c, names.get(c, c)) for c in schemas.countries()), key=lambda c: alphabetical(c[1]))


# Turkish letters after their Latin neighbours (ç after c, ı before i, ö after o…), as a reader expects a list
_TURKISH_ORDER = str.maketrans({"ç": "c~", "ğ": "g~", "ı": "h~", "ö": "o~", "ş": "s~", "ü": "u~", "\u0307": None})


def alphabetical(text: str) -> str:
    """A sort key for names in either language (no collation library needed for two alphabets)."""
    return text.casefold().translate(_TURKISH_ORDER)


def community() -> dict:
    """The names a page about organizations and people uses (passed by its view)."""
    return {"focus_area_names": FOCUS_AREA_NAMES, "organization_kind_names": ORGANIZATION_KIND_NAMES,
            "community_role_names": COMMUNITY_ROLE_NAMES, "membership_kind_names": MEMBERSHIP_KIND_NAMES,
            "partnership_kind_names": PARTNERSHIP_KIND_NAMES, "scope_names": SCOPE_NAMES,
            "sign_in_method_names": SIGN_IN_METHOD_NAMES, "country_name": country_name, "language_name": language_name,
            "partnership_name": partnership_name}


# --- manage: what organizers see of events, attendance and placements --------------------------

EVENT_STATUS_NAMES = {"draft": _("Draft"), "scheduled": _("Scheduled"), "rescheduled": _("Rescheduled"),
                      "completed": _("Completed"), "cancelled": _("Cancelled")}
VISIBILITY_NAMES = {"public": _("Public: anyone"), "members": _("Members of the community"),
                    "invitation": _("By invitation: the invited organizations only")}
ATTENDANCE_NAMES = {"attended": _("Attended"), "no_show": _("Absent"), None: _("Not marked yet")}
PLACEMENT_STATUS_NAMES = {"proposed": _("Proposed"), "confirmed": _("Confirmed"), "in_progress": _("In progress"),
                          "completed": _("Completed"), "cancelled": _("Cancelled")}
# What a placement may become next (the events API decides; this only chooses the buttons offered)
PLACEMENT_NEXT = {"proposed": ("confirmed", "cancelled"), "confirmed": ("in_progress", "completed", "cancelled"),
                  "in_progress": ("completed", "cancelled"), "completed": (), "cancelled": ()}
PLACEMENT_ACTIONS = {"confirmed": _("Confirm"), "in_progress": _("Mark as started"), "completed": _("Mark as completed"),
                     "cancelled": _("Cancel the placement")}


def manage() -> dict:
    """The names the organizers' pages use (passed by their views)."""
    return {"event_status_names": EVENT_STATUS_NAMES, "visibility_names": VISIBILITY_NAMES,
            "attendance_names": ATTENDANCE_NAMES, "placement_status_names": PLACEMENT_STATUS_NAMES,
            "placement_next": PLACEMENT_NEXT, "placement_actions": PLACEMENT_ACTIONS}


# --- archive: items' types, who may see them, their statuses, the languages of captions ----------

ITEM_TYPE_NAMES = {"recording": _("Recording"), "publication": _("Publication"), "material": _("Material"),
                   "link": _("Link")}
ITEM_VISIBILITY_NAMES = {"public": _("Public: anyone"), "members": _("Members of the community"),
                         "participants": _("Participants: the people registered for its event")}
ITEM_STATUS_NAMES = {"draft": _("Draft"), "published": _("Published"), "withdrawn": _("Withdrawn")}
CAPTION_LANGUAGE_NAMES = {"tr": "Türkçe", "en": "English"}  # each in its own language, as players list them


def archive() -> dict:
    """The names the archive's pages use (passed by their views)."""
    return {"item_type_names": ITEM_TYPE_NAMES, "item_visibility_names": ITEM_VISIBILITY_NAMES,
            "item_status_names": ITEM_STATUS_NAMES, "caption_language_names": CAPTION_LANGUAGE_NAMES,
            "language_name": language_name}


# --- inbox, webhooks: the kinds of notifications, webhook subscriptions and their deliveries ------

NOTIFICATION_KIND_NAMES = {
    "registration_confirmed": _("Your registration is confirmed"),
    "registration_waitlisted": _("You are on a waiting list"),
    "registration_promoted": _("A seat became yours"),
    "event_rescheduled": _("An event you registered for has a new time"),
    "event_cancelled": _("An event you registered for is cancelled"),
    "event_reinstated": _("A cancelled event is back on"),
    "event_new": _("A new event on a topic or series you follow"),
    "reminder": _("Reminders, the day before and an hour before"),
    "feedback_request": _("Asking for your feedback after an event"),
    "recording_available": _("A recording or publication of an event is in the archive"),
    "digest": _("Your daily digest"),
}
WEBHOOK_STATUS_NAMES = {"active": _("Active"), "disabled": _("Disabled")}
DELIVERY_STATUS_NAMES = {"pending": _("Waiting to be sent"), "sending": _("Being sent"), "delivered": _("Delivered"),
                         "failed": _("Failed")}
# The message types a partner's system may subscribe to, by the patterns most want
WEBHOOK_PATTERN_NAMES = {"events.event.*": _("Every change to its events (events.event.*)"),
                         "events.registration.*": _("Every registration for its events (events.registration.*)")}


def webhooks() -> dict:
    """The names the webhook pages use (passed by their views)."""
    return {"webhook_status_names": WEBHOOK_STATUS_NAMES, "delivery_status_names": DELIVERY_STATUS_NAMES,
            "webhook_pattern_names": WEBHOOK_PATTERN_NAMES}


# --- what went wrong, by status: the heading of a refusal's page --------------------------------

PROBLEM_TITLES = {
    400: _("The request could not be read"), 401: _("Please sign in"), 403: _("This is not yours to do"),
    404: _("There is nothing here"), 405: _("There is nothing here"), 409: _("This clashes with how things are now"),
    410: _("This is gone"), 412: _("Someone else changed this meanwhile"), 413: _("This is too large"),
    415: _("This kind of file is not taken"), 416: _("That part of the file does not exist"),
    422: _("Some of this needs another look"), 428: _("This needs the version you are changing"),
    429: _("Too many attempts: wait a moment"), 503: _("Unavailable for a moment: try again shortly"),
}
PROBLEM_HINTS = {
    404: _("The address may be mistyped, or what it leads to is not open to you."),
    405: _("The address may be mistyped, or what it leads to is not open to you."),
}
