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
from shared.community import PEOPLE, demo_id, information_sessions, organization_id, person_id
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
    ("project_work", {"tr": "Proje bazlı çalışma ve güvencesizlik", "en": "Project-based work and job insecurity"},
     ["workers_rights"], EMEK, [EMEK, MULTECI, GENCLIK, YESIL]),
    ("wellbeing", {"tr": "STK çalışanlarında tükenmişlik", "en": "Burnout among CSO workers"},
     ["workers_rights", "hr_management"], KADIN, [KADIN, ENGELSIZ, EMEK]),
    ("volunteers", {"tr": "Gönüllülerin hakları", "en": "Volunteers' rights"}, ["volunteer_management"], YESIL,
     [YESIL, GENCLIK, MULTECI]),
]

# What each series' events are, in the seed's words
DESCRIPTIONS = {
    "organizational": {"tr": "Örgütlerimizin öncülük ettiği, deneyime dayalı ortak öğrenme alanı: başarılarımızı da "
                             "başarısızlıklarımızı da paylaştığımız açık ve güvenli bir tartışma ortamı.",
                       "en": "A space for collective work and learning, led by our organizations: an open and safe "
                             "space to share our successes and our failures alike."},
    "civil_space": {"tr": "Sivil toplumun güncel konu ve sorunları, örgütlerin oylayarak seçtiği başlıklarla.",
                    "en": "Current topics and challenges in civil society, on the themes the organizations voted for."},
    "information": {"tr": "Üye örgütlerimizin uzmanlık alanlarında yürüttüğü etkileşimli çevrimiçi oturum. Canlı "
                          "katılamayanlar için kaydı platformda paylaşılır.",
                    "en": "An interactive online session led by a member organization in its field of expertise; "
                          "its recording is shared on the platform for those who cannot attend live."},
    "thematic": {"tr": "The Wheel ve İrlanda'daki akran örgütlerle deneyim paylaşımı: iki ülkede sivil toplumun "
                       "yapıları ve iyi uygulamalar.",
                 "en": "Exchanging experience with The Wheel and peer organizations in Ireland: civil society "
                       "structures in both countries, and good practice."},
    "on_the_job": {"tr": "Avrupa'daki deneyimli bir akran örgütte 10–15 günlük çalışma ziyareti: işleyişi yerinde "
                         "gözlemlemek, yakın ilişkiler kurmak, iyi uygulamaları kendi örgütüne uyarlamak.",
                   "en": "A 10–15 day study visit to an experienced peer organization in Europe: observing its "
                         "operations first-hand, building closer relationships, adapting good practice at home."},
}
ONLINE = "https://meet.example.org/birlikte/"
ANKARA = {"name": "STGM Eğitim Salonu", "address": "Kızılay", "city": "Ankara", "country": "TR"}
IZMIR = {"name": "Kadın Eşitlik Platformu Atölyesi", "city": "İzmir", "country": "TR"}
BERLIN_VENUE = {"name": "Forum Zivilgesellschaft Berlin", "city": "Berlin", "country": "DE"}
GAZIANTEP = {"name": "Mülteci Destek Ağı Toplum Merkezi", "city": "Gaziantep", "country": "TR"}
ISTANBUL = {"name": "Emek Dayanışma Derneği Salonu", "address": "Kadıköy", "city": "İstanbul", "country": "TR"}
DUBLIN = {"name": "The Wheel", "city": "Dublin", "country": "IE"}
AMSTERDAM_VENUE = {"name": "Amsterdam Civic Lab", "city": "Amsterdam", "country": "NL"}
PARTICIPANTS = [EMEK, KADIN, MULTECI, YESIL, GENCLIK, ENGELSIZ]
TWO_DAYS = 31  # hours from 10:00 on the first day to 17:00 on the second

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
    # The rest of the two-year program (the seed: five in-person and seven online organizational
    # meetings, civil space discussions on the topics voted for, thematic meetings with The Wheel,
    # 10–15 day study visits; the information sessions come from shared.community).
    ("opening_meeting", "organizational", "in_person",
     {"tr": "Açılış buluşması: birbirimizi tanıyalım", "en": "Opening meeting: getting to know each other"},
     -340, time(10), TWO_DAYS, "Europe/Istanbul", [STGM], {"venue": ANKARA, "capacity": 40, "visibility": "invitation",
                                                          "invited_ids": PARTICIPANTS}),
    ("gaziantep_meeting", "organizational", "in_person",
     {"tr": "Deneyim paylaşımı buluşması: Gaziantep", "en": "Experience-sharing meeting: Gaziantep"},
     -230, time(10), TWO_DAYS, "Europe/Istanbul", [STGM, MULTECI], {"venue": GAZIANTEP, "capacity": 35,
                                                                   "visibility": "invitation",
                                                                   "invited_ids": PARTICIPANTS}),
    ("closing_meeting", "organizational", "in_person",
     {"tr": "Kapanış buluşması: birlikte ne öğrendik?", "en": "Closing meeting: what we learned together"},
     330, time(10), TWO_DAYS, "Europe/Istanbul", [STGM], {"venue": ISTANBUL, "capacity": 40, "visibility": "invitation",
                                                         "invited_ids": PARTICIPANTS}),
    ("online_failures", "organizational", "online",
     {"tr": "Başaramadıklarımızdan öğrenmek", "en": "Learning from what did not work"},
     -300, time(14), 2, "Europe/Istanbul", [STGM, EMEK], {}),
    ("online_volunteers", "organizational", "online",
     {"tr": "Gönüllü yönetiminde deneyimlerimiz", "en": "Our experiences in volunteer management"},
     -265, time(14), 2, "Europe/Istanbul", [YESIL], {"topics": ["volunteer_management"]}),
    ("online_communication", "organizational", "online",
     {"tr": "Örgüt içi iletişim", "en": "Communication inside the organization"},
     -185, time(14), 2, "Europe/Istanbul", [GENCLIK], {}),
    ("online_finance", "organizational", "online",
     {"tr": "Mali yönetim ve şeffaflık", "en": "Financial management and transparency"},
     -90, time(14), 2, "Europe/Istanbul", [ENGELSIZ], {"topics": ["good_governance"]}),
    ("online_advocacy", "organizational", "online",
     {"tr": "Ortak savunuculuk: birlikte ses çıkarmak", "en": "Joint advocacy: speaking up together"},
     105, time(14), 2, "Europe/Istanbul", [MULTECI], {"topics": ["human_rights"]}),
    ("online_policies", "organizational", "online",
     {"tr": "Kurumsal politika belgelerimizi birlikte yazmak", "en": "Writing our policy documents together"},
     175, time(14), 2, "Europe/Istanbul", [KADIN], {"topics": ["gender_equality", "hr_management"]}),
    ("online_sustainability", "organizational", "online",
     {"tr": "Örgütsel sürdürülebilirlik", "en": "Organizational sustainability"},
     265, time(14), 2, "Europe/Istanbul", [STGM], {}),
    ("project_work", "civil_space", "online",
     {"tr": "Proje bazlı çalışma ve güvencesizlik", "en": "Project-based work and job insecurity"},
     -250, time(14), 2.5, "Europe/Istanbul", [STGM, EMEK], {"visibility": "public", "topic": "project_work",
                                                            "topics": ["workers_rights"]}),
    ("wellbeing_discussion", "civil_space", "online",
     {"tr": "STK çalışanlarında tükenmişlik ve iyi olma hali", "en": "Burnout and well-being among CSO workers"},
     -160, time(14), 2.5, "Europe/Istanbul", [STGM, KADIN], {"visibility": "public", "topic": "wellbeing",
                                                            "topics": ["workers_rights", "hr_management"]}),
    ("volunteer_rights", "civil_space", "online",
     {"tr": "Gönüllülerin hakları ve sorumlulukları", "en": "Volunteers' rights and responsibilities"},
     147, time(14), 2.5, "Europe/Istanbul", [STGM, YESIL], {"visibility": "public", "topic": "volunteers",
                                                            "topics": ["volunteer_management"]}),
    ("compare_structures", "thematic", "online",
     {"tr": "İki ülkede sivil toplumun yapısı", "en": "Civil society structures in Ireland and Türkiye"},
     -310, time(11), 2, "Europe/Dublin", [STGM, WHEEL], {"visibility": "public", "partner_ids": [CORK, GALWAY],
                                                         "topics": ["civil_space"],
                                                         "display_time_zones": ["Europe/Istanbul"]}),
    ("hr_ireland", "thematic", "online",
     {"tr": "İnsan kaynakları yönetimi: İrlanda'dan deneyimler", "en": "HR management: experience from Ireland"},
     -205, time(11), 2, "Europe/Dublin", [STGM, WHEEL], {"visibility": "public", "partner_ids": [CORK],
                                                         "topics": ["hr_management"],
                                                         "display_time_zones": ["Europe/Istanbul"]}),
    ("leadership", "thematic", "online",
     {"tr": "Sivil toplumda liderlik", "en": "Leadership in civil society"},
     -95, time(11), 2, "Europe/Dublin", [STGM, WHEEL], {"visibility": "public", "partner_ids": [CORK, GALWAY],
                                                        "topics": ["good_governance"],
                                                        "display_time_zones": ["Europe/Istanbul"]}),
    ("dublin_exchange", "thematic", "in_person",
     {"tr": "Dublin'de iyi uygulama buluşması", "en": "Good practice exchange in Dublin"},
     210, time(10), TWO_DAYS, "Europe/Dublin", [WHEEL, STGM], {"visibility": "public", "venue": DUBLIN, "capacity": 20,
                                                               "partner_ids": [CORK, GALWAY],
                                                               "topics": ["good_governance", "data_systems"],
                                                               "display_time_zones": ["Europe/Istanbul"]}),
    ("berlin_refugees_visit", "on_the_job", "in_person",
     {"tr": "Çalışma ziyareti: Berlin'de mültecilerle dayanışma", "en": "Study visit: refugee solidarity in Berlin"},
     -290, time(9), 24 * 9 + 8, "Europe/Berlin", [STGM], {"venue": BERLIN_VENUE, "host_id": BERLIN, "capacity": 2}),
    ("amsterdam_access_visit", "on_the_job", "in_person",
     {"tr": "Çalışma ziyareti: Amsterdam'da erişilebilir katılım",
      "en": "Study visit: accessible participation in Amsterdam"},
     -200, time(9), 24 * 13 + 8, "Europe/Amsterdam", [STGM], {"venue": AMSTERDAM_VENUE, "host_id": AMSTERDAM,
                                                               "capacity": 2}),
    ("amsterdam_visit", "on_the_job", "in_person",
     {"tr": "Çalışma ziyareti: Amsterdam'da gençlerin katılımı", "en": "Study visit: youth participation in Amsterdam"},
     120, time(9), 24 * 13 + 8, "Europe/Amsterdam", [STGM], {"venue": AMSTERDAM_VENUE, "host_id": AMSTERDAM,
                                                              "capacity": 2}),
    ("berlin_organizing_visit", "on_the_job", "in_person",
     {"tr": "Çalışma ziyareti: Berlin'de mahalle örgütlenmesi",
      "en": "Study visit: neighbourhood organizing in Berlin"},
     250, time(9), 24 * 11 + 8, "Europe/Berlin", [STGM], {"venue": BERLIN_VENUE, "host_id": BERLIN, "capacity": 2}),
    # The online information sessions of shared.community, public, an hour and a half at 15:00
    *((key, "information", "online", title, day, time(15), 1.5, "Europe/Istanbul", [org],
       {"topics": topics, "visibility": "public"}) for key, day, org, topics, title in information_sessions()),
]
# Who comes to an information session of shared.community: four of these, a different four each month
AUDIENCE = [3, 4, 6, 7, 8, 9, 10, 1, 5]

# person index → events they registered for; attended when the event is past, unless in NO_SHOWS
REGISTRATIONS = {
    "safe_space": [3, 4, 5, 6, 7, 8], "work_relations": [3, 4, 5, 7, 9], "leave_policies": [4, 3, 8],
    "governance": [0, 2, 3, 9, 10], "hr_discussion": [3, 4, 8], "fundraising": [7, 6],
    "opening_meeting": [3, 4, 5, 6, 7, 8, 1], "gaziantep_meeting": [3, 4, 5, 6, 7, 8],
    "izmir_meeting": [4, 6, 8], "online_failures": [3, 4, 6, 7, 8], "online_volunteers": [5, 6, 7, 8],
    "online_communication": [3, 6, 7], "online_finance": [3, 4, 8, 1], "online_advocacy": [4, 6, 8],
    "project_work": [3, 5, 6, 7, 9], "wellbeing_discussion": [3, 4, 6, 8], "volunteer_rights": [6, 8],
    "compare_structures": [0, 2, 3, 7, 9, 10], "hr_ireland": [2, 3, 4, 9], "leadership": [2, 6, 7, 8, 10],
    "data_systems": [6, 10], "dublin_exchange": [0, 2, 9, 10],
    "berlin_refugees_visit": [5], "amsterdam_access_visit": [8], "berlin_visit": [4], "amsterdam_visit": [7],
    "individual_donors": [8], "accessible_events": [5],
}
NO_SHOWS = {("safe_space", 8), ("work_relations", 4), ("leave_policies", 8), ("online_failures", 8),
            ("compare_structures", 7), ("strategic_planning", 4)}
FEEDBACK = [
    ("safe_space", 4, 5, "Çok güvenli bir alandı. İki gün boyunca birbirimizden öğrendik ve dayanışma sözü verdik."),
    ("safe_space", 6, 5, "Kurduğumuz ilişkiler toplantıların ötesine geçti."),
    ("leave_policies", 3, 4, "Hormon tedavisi iznini politika belgelerimize eklemeye başladık."),
    # The participants' words in the seed text, as they were given
    ("opening_meeting", 5, 5, "It was a very safe space. We had two days of learning from each other and "
                              "committing to support one another."),
    ("opening_meeting", 7, 5, "Getting to know organizations and their working areas enriches both our methods and "
                              "our personal relationships. It was an exciting meeting, and the idea was highly "
                              "appreciated. The relationships we built here continued beyond the meetings, leading "
                              "to lasting bonds."),
    ("wellbeing_discussion", 4, 5, "This process made us ask how we could improve our existing institutional "
                                   "practices. For example, we never considered allowing leave for hormone therapy "
                                   "treatment, in addition to menstrual leave. We have now started working on adding "
                                   "this to our policy documents."),
    ("individual_donors", 8, 5, "I learned a lot about fundraising. We often felt helpless trying to run our "
                                "organization solely depending on grants. This was incredibly helpful."),
    ("gaziantep_meeting", 3, 5, "I think the meetings were highly participatory. It was well-prepared and structured "
                                "over two days. Listening to experiences and receiving direct support from someone "
                                "within civil society felt truly valuable."),
    ("hr_ireland", 9, 4, None), ("leadership", 10, 5, None), ("project_work", 9, 4, None),
    ("online_failures", 6, 5, None), ("berlin_refugees_visit", 5, 5, None),
]
PLACEMENTS = [
    # participant, home, host, start offset, days, status, goals, event
    (4, KADIN, BERLIN, 90, 12, "confirmed", "Gönüllü yönetimi ve gönüllü politikalarını yerinde öğrenmek.", "berlin_visit"),
    (7, GENCLIK, AMSTERDAM, 120, 14, "proposed", "Gençlerin yerel karar alma süreçlerine katılım yöntemleri.",
     "amsterdam_visit"),
    (5, MULTECI, BERLIN, -290, 10, "completed", "Mültecilere danışmanlık ve gönüllü hizmetlerinin örgütlenişini "
                                                 "yerinde görmek.", "berlin_refugees_visit"),
    (8, ENGELSIZ, AMSTERDAM, -200, 14, "completed", "Katılımcı yöntemleri engelli üyelerle birlikte erişilebilir "
                                                     "kılmak.", "amsterdam_access_visit"),
    (6, YESIL, BERLIN, 250, 12, "proposed", "Mahalle ölçeğinde örgütlenmeyi ve gönüllü katılımını öğrenmek.",
     "berlin_organizing_visit"),
]


def audiences() -> dict[str, list[int]]:
    """Who registered for what: REGISTRATIONS, and four of AUDIENCE at each information session
    of shared.community (besides anyone REGISTRATIONS names there)."""
    found = {key: list(people) for key, people in REGISTRATIONS.items()}
    for n, (key, *_) in enumerate(information_sessions()):
        found.setdefault(key, [])
        found[key] += [i for i in (AUDIENCE[(n + k) % len(AUDIENCE)] for k in range(4)) if i not in found[key]]
    return found


def load(settings: Settings) -> dict[str, int]:
    """Write what is missing (its messages go out as for any change); how many were new of each kind."""
    counts = dict.fromkeys(("series", "topics", "events", "registrations", "feedback", "placements"), 0)
    today = times.now().date()
    with open_pool(settings, NAME, min_size=1, max_size=1) as pool, pool.connection() as conn:
        with conn.transaction(), conn.cursor() as cur:
            program = {key: _series(cur, counts, key, title, kind) for key, (title, kind) in SERIES.items()}
            topics = {row[0]: _topic(cur, counts, *row) for row in TOPICS}
            events = {row[0]: _event(cur, counts, today, program, topics, *row) for row in EVENTS}
            for key, people in audiences().items():
                for index in people:
                    events[key] = _registration(cur, counts, events[key], key, index)
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
    starts_at = times.from_local(datetime.combine(weekday(today + timedelta(days=offset)), start), zone)
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
        "description": DESCRIPTIONS[series_key],
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


def weekday(day: date) -> date:
    """The day, or the Monday after it when it falls on a weekend: the community meets on working days."""
    return day + timedelta(days=7 - day.weekday() if day.weekday() >= 5 else 0)


def _registration(cur, counts, event: dict, key: str, index: int) -> dict:
    """The event, as counted once the person is registered for it (attended or not, once it is past)."""
    registration_id = demo_id("registration", str(event["id"]), str(index))
    if rows.get(cur, "registrations", registration_id) is not None:
        return event
    past = event["status"] == "completed"
    row, event = store.add_registration(cur, event, {
        "id": registration_id, "person_id": person_id(index), "organization_id": organization_id(PEOPLE[index][4]),
        "registered_by": DEMO.subject,
        "attendance": ("no_show" if (key, index) in NO_SHOWS else "attended") if past else None})
    counts["registrations"] += 1
    emit(cur, "registration", "created", row, waitlist_position=None)
    return event


def _feedback(cur, counts, event: dict, key, index, rating, comment) -> None:
    values = {"id": demo_id("feedback", key, str(index)), "rating": rating, "comment": comment, "consent_to_quote": True}
    _once(cur, counts, "feedback", values["id"], lambda: feedback.give(cur, DEMO, event, person_id(index), values))


def _placement(cur, counts, today, events, participant, home, host, offset, days, status, goals, event_key) -> None:
    starts_on = weekday(today + timedelta(days=offset))
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
