"""Demo data: the community's program from the seed text — organizational meetings, civil space
discussions, online information sessions, thematic meetings with The Wheel and Irish peers, and
study visits; the topics organizations asked for, registrations, attendance and feedback.

Dates are set around the day of loading (what is past is completed, the rest is upcoming).
Organizations and people are the registry's (shared.community ids); events learns their details
from the registry's messages — which its worker relays only after the demo is loaded, so the
rules that look at those copies cannot hold yet. The program is therefore written as the
`system:demo` actor with the store writes and messages the operations use (the seat and vote
counters among them), through the operations themselves where no such rule stands in the way.
Loading twice changes nothing: ids are derived from names.
"""
from __future__ import annotations

from datetime import date, datetime, time, timedelta

from shared import rows
from shared.auth.principal import Principal
from shared.community import PEOPLE, demo_id, organization_id, person_id
from shared.config import Settings
from shared.db import open_pool
from services.events import NAME, store, times
from services.events.messages import emit
from services.events.operations import feedback, series

DEMO = Principal.system("demo")

STGM, WHEEL, EMEK, KADIN, MULTECI, YESIL, GENCLIK, ENGELSIZ, CORK, GALWAY, BERLIN, AMSTERDAM = range(12)

SERIES = {
    "organizational": ({"tr": "Örgütsel Toplantılar", "en": "Organizational Meetings"}, "organizational_meeting"),
    "civil_space": ({"tr": "Sivil Alan Tartışmaları", "en": "Civil Space Discussions"}, "civil_space_discussion"),
    "information": ({"tr": "Çevrimiçi Bilgilendirme Oturumları", "en": "Online Information Sessions"},
                    "information_session"),
    "thematic": ({"tr": "İrlanda Sivil Toplumu ile Tematik Toplantılar",
                  "en": "Thematic Meetings with Irish Civil Society"}, "thematic_meeting"),
    "on_the_job": ({"tr": "İş Başında Öğrenme Programı", "en": "On-the-Job Learning Program"}, "study_visit"),
}

TOPICS = [
    # key, title, tags, proposing organization, voting organizations
    ("workers_rights", {"tr": "STK'larda işçi hakları", "en": "Workers' rights in CSOs"}, ["workers_rights"],
     EMEK, [EMEK, KADIN, MULTECI, YESIL, GENCLIK, ENGELSIZ]),
    ("hr", {"tr": "STK'larda insan kaynakları yönetimi", "en": "Human resource management in CSOs"},
     ["hr_management"], KADIN, [KADIN, EMEK, GENCLIK, ENGELSIZ, MULTECI]),
    ("data", {"tr": "Küçük örgütler için veri sistemleri", "en": "Data systems for small organizations"},
     ["data_systems"], YESIL, [YESIL, ENGELSIZ]),
    ("fundraising", {"tr": "Hibelerin ötesinde kaynak geliştirme", "en": "Fundraising beyond grants"},
     ["fundraising"], GENCLIK, [GENCLIK]),
]

ONLINE = "https://meet.example.org/birlikte/"
ANKARA = {"name": "STGM Eğitim Salonu", "address": "Kızılay", "city": "Ankara", "country": "TR"}
IZMIR = {"name": "Kadın Eşitlik Platformu Atölyesi", "city": "İzmir", "country": "TR"}
BERLIN_VENUE = {"name": "Forum Zivilgesellschaft Berlin", "city": "Berlin", "country": "DE"}

EVENTS = [
    # key, series, format, title, day offset, local start, hours, zone, organizers, extras
    ("safe_space", "organizational", "in_person",
     {"tr": "Güvenli alan: başarılarımız ve hatalarımız", "en": "A safe space: our successes and our mistakes"},
     -120, time(10), 30, "Europe/Istanbul", [STGM], {"venue": ANKARA, "capacity": 40, "visibility": "invitation",
                                                    "invited_ids": [EMEK, KADIN, MULTECI, YESIL, GENCLIK, ENGELSIZ]}),
    ("work_relations", "civil_space", "online",
     {"tr": "Sivil toplumda çalışma ilişkileri", "en": "Work relations in civil society"},
     -60, time(14), 2, "Europe/Istanbul", [STGM, EMEK], {"topic": "workers_rights", "topics": ["workers_rights"]}),
    ("leave_policies", "information", "online",
     {"tr": "Adet ve hormon tedavisi izni politikaları", "en": "Menstrual and hormone-therapy leave policies"},
     -30, time(15), 1.5, "Europe/Istanbul", [KADIN], {"topics": ["gender_equality", "hr_management"],
                                                      "visibility": "public"}),
    ("governance", "thematic", "online",
     {"tr": "İyi yönetişim: İrlanda ve Türkiye deneyimleri", "en": "Good governance: Irish and Turkish practice"},
     14, time(11), 2, "Europe/Dublin", [STGM, WHEEL], {"partner_ids": [CORK, GALWAY], "topics": ["good_governance"],
                                                       "display_time_zones": ["Europe/Istanbul"]}),
    ("fundraising", "information", "online",
     {"tr": "Hibelerin ötesinde kaynak geliştirme", "en": "Fundraising beyond grants"},
     21, time(16), 1.5, "Europe/Istanbul", [GENCLIK], {"topics": ["fundraising"], "visibility": "public"}),
    ("hr_discussion", "civil_space", "hybrid",
     {"tr": "STK'larda insan kaynakları yönetimi", "en": "Human resource management in CSOs"},
     35, time(13), 3, "Europe/Istanbul", [STGM, KADIN], {"venue": ANKARA, "capacity": 40, "topic": "hr",
                                                         "topics": ["hr_management"]}),
    ("data_systems", "thematic", "online",
     {"tr": "Veri sistemleri: Galway'den dersler", "en": "Data systems: lessons from Galway"},
     49, time(10), 2, "Europe/Dublin", [WHEEL, GALWAY], {"partner_ids": [STGM], "topics": ["data_systems"],
                                                         "display_time_zones": ["Europe/Istanbul"]}),
    ("izmir_meeting", "organizational", "in_person",
     {"tr": "Dayanışma buluşması: İzmir", "en": "Solidarity meeting: İzmir"},
     60, time(10), 7, "Europe/Istanbul", [STGM], {"venue": IZMIR, "capacity": 30, "visibility": "invitation",
                                                  "invited_ids": [EMEK, KADIN, MULTECI, YESIL, GENCLIK, ENGELSIZ]}),
    ("berlin_visit", "on_the_job", "in_person",
     {"tr": "Çalışma ziyareti: Berlin'de gönüllü yönetimi", "en": "Study visit: volunteer management in Berlin"},
     90, time(9), 24 * 11 + 8, "Europe/Berlin", [STGM], {"venue": BERLIN_VENUE, "host_id": BERLIN, "capacity": 2}),
]

# person index → events they registered for; attended when the event is past
REGISTRATIONS = {
    "safe_space": [3, 4, 5, 6, 7, 8], "work_relations": [3, 4, 5, 7, 9], "leave_policies": [4, 3, 8],
    "governance": [0, 2, 3, 9, 10], "hr_discussion": [3, 4, 8], "fundraising": [7, 6],
}
FEEDBACK = [
    ("safe_space", 4, 5, "Çok güvenli bir alandı. İki gün boyunca birbirimizden öğrendik ve dayanışma sözü verdik."),
    ("safe_space", 6, 5, "Kurduğumuz ilişkiler toplantıların ötesine geçti."),
    ("leave_policies", 3, 4, "Hormon tedavisi iznini politika belgelerimize eklemeye başladık."),
]
PLACEMENTS = [
    # participant, home, host, start offset, days, status, goals, event
    (4, KADIN, BERLIN, 90, 12, "confirmed", "Gönüllü yönetimi ve gönüllü politikalarını yerinde öğrenmek.", "berlin_visit"),
    (7, GENCLIK, AMSTERDAM, 120, 14, "proposed", "Gençlerin yerel karar alma süreçlerine katılım yöntemleri.", None),
]


def load(settings: Settings) -> dict[str, int]:
    """Write what is missing (its messages go out as for any change); how many were new of each kind."""
    counts = dict.fromkeys(("series", "topics", "events", "registrations", "feedback", "placements"), 0)
    today = times.now().date()
    with open_pool(settings, NAME, min_size=1, max_size=1) as pool, pool.connection() as conn:
        with conn.transaction(), conn.cursor() as cur:
            program = {key: _series(cur, counts, key, title, kind) for key, (title, kind) in SERIES.items()}
            topics = {row[0]: _topic(cur, counts, *row) for row in TOPICS}
            events = {row[0]: _event(cur, counts, today, program, topics, *row) for row in EVENTS}
            for key, people in REGISTRATIONS.items():
                for index in people:
                    events[key] = _registration(cur, counts, events[key], index)
            for key, index, rating, comment in FEEDBACK:
                _feedback(cur, counts, events[key], key, index, rating, comment)
            for row in PLACEMENTS:
                _placement(cur, counts, today, events, *row)
    return counts


def _once(cur, counts: dict, table: str, row_id, make) -> dict:
    """The row with this id; made by `make()`, and counted, when it is missing."""
    row = rows.get(cur, table, row_id)
    if row is None:
        row = make()
        counts[table] += 1
    return row


def _series(cur, counts, key, title, kind) -> dict:
    values = {"id": demo_id("series", key), "title": title, "kind": kind}
    return _once(cur, counts, "series", values["id"], lambda: series.create(cur, DEMO, values))


def _topic(cur, counts, key, title, tags, proposer, voters) -> dict:
    def propose() -> dict:
        topic = rows.insert(cur, "topics", store.to_db({
            "id": demo_id("topic", key), "title": title, "tags": tags, "organization_id": organization_id(proposer),
            "proposed_by": DEMO.subject}))
        for voter in voters:
            topic = store.add_vote(cur, topic["id"], organization_id(voter), DEMO.subject)
        return topic
    return _once(cur, counts, "topics", demo_id("topic", key), propose)


def _event(cur, counts, today: date, program, topics, key, series_key, format_, title, offset, start, hours, zone,
           organizers, extra) -> dict:
    starts_at = times.from_local(datetime.combine(today + timedelta(days=offset), start), zone)
    ends_at = starts_at + timedelta(hours=hours)
    extra = dict(extra)
    topic = topics.get(extra.pop("topic", None))
    values = {
        "id": demo_id("event", key), "series_id": program[series_key]["id"], "kind": SERIES[series_key][1],
        "format": format_, "title": title, "languages": ["tr", "en"] if series_key == "thematic" else ["tr"],
        "starts_at": starts_at, "ends_at": ends_at, "time_zone": zone,
        "online_url": ONLINE + key if format_ != "in_person" else None,
        "organizer_ids": [organization_id(o) for o in organizers], "visibility": "members",
        "status": "completed" if ends_at < times.now() else "scheduled", "created_by": DEMO.subject,
        "topic_id": topic["id"] if topic else None,
        "description": {"en": "From the BİRLİKTE Learning Community's program."},
    }
    for name in ("partner_ids", "invited_ids"):
        if name in extra:
            extra[name] = [organization_id(o) for o in extra[name]]
    if "host_id" in extra:
        extra["host_id"] = organization_id(extra["host_id"])
    values.update(extra)

    def schedule() -> dict:
        event = rows.insert(cur, "events", store.to_db(values))
        if topic:
            rows.update(cur, "topics", topic["id"], {"status": "scheduled", "event_id": event["id"]})
        emit(cur, "event", event["status"], event)  # scheduled, or completed for a past one
        return event
    return _once(cur, counts, "events", values["id"], schedule)


def _registration(cur, counts, event: dict, index: int) -> dict:
    """The event, as counted once the person is registered for it (attended or not, once it is past)."""
    registration_id = demo_id("registration", str(event["id"]), str(index))
    if rows.get(cur, "registrations", registration_id) is not None:
        return event
    past = event["status"] == "completed"
    row, event = store.add_registration(cur, event, {
        "id": registration_id, "person_id": person_id(index), "organization_id": organization_id(PEOPLE[index][4]),
        "registered_by": DEMO.subject, "attendance": ("attended" if index % 4 else "no_show") if past else None})
    counts["registrations"] += 1
    emit(cur, "registration", "created", row, waitlist_position=None)
    return event


def _feedback(cur, counts, event: dict, key, index, rating, comment) -> None:
    values = {"id": demo_id("feedback", key, str(index)), "rating": rating, "comment": comment, "consent_to_quote": True}
    _once(cur, counts, "feedback", values["id"], lambda: feedback.give(cur, DEMO, event, person_id(index), values))


def _placement(cur, counts, today, events, participant, home, host, offset, days, status, goals, event_key) -> None:
    starts_on = today + timedelta(days=offset)
    values = {
        "id": demo_id("placement", str(participant), str(host)), "participant_id": person_id(participant),
        "home_organization_id": organization_id(home), "host_organization_id": organization_id(host),
        "starts_on": starts_on, "ends_on": starts_on + timedelta(days=days - 1), "goals": goals, "status": status,
        "event_id": events[event_key]["id"] if event_key else None, "created_by": DEMO.subject}

    def propose() -> dict:
        row = rows.insert(cur, "placements", values)
        emit(cur, "placement", status, row)
        return row
    _once(cur, counts, "placements", values["id"], propose)
