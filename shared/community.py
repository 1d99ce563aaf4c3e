"""The BİRLİKTE learning community as the seed text describes it, for every service's demo data.

STGM coordinates; The Wheel (Ireland) is the program partner; Turkish participant organizations
work on workers' rights, gender equality, refugees, environment…; European host organizations
receive 10–15 day study visits. Names other than STGM and The Wheel are invented. Ids are
derived from names, so each service's demo refers to the same organizations and people
without reading another service's data.
"""
from __future__ import annotations

import uuid

NAMESPACE = uuid.UUID("6f1c2a52-4f0e-4a8e-9a57-2d1b5e0c7a11")

ORGANIZATIONS = [
    # name, kind, country, city, languages, focus areas, roles, description
    ("Sivil Toplum Geliştirme Merkezi (STGM)", "association", "TR", "Ankara", ["tr", "en"],
     ["civil_society"], ["coordinator", "participant"],
     "Coordinates the BİRLİKTE Learning Community."),
    ("The Wheel", "network", "IE", "Dublin", ["en", "ga"], ["civil_society"], ["partner_umbrella"],
     "Ireland's national association of community and voluntary organisations; program partner."),
    ("Emek Dayanışma Derneği", "association", "TR", "İstanbul", ["tr"], ["workers_rights"], ["participant"],
     "Workers' rights and human resource practice in civil society."),
    ("Kadın Eşitlik Platformu", "platform", "TR", "İzmir", ["tr", "en"], ["gender_equality"], ["participant"],
     "Gender equality; working on menstrual and hormone-therapy leave policies."),
    ("Mülteci Destek Ağı", "network", "TR", "Gaziantep", ["tr", "ar", "en"], ["refugees", "human_rights"],
     ["participant"], "Legal and social support for refugees."),
    ("Yeşil Gelecek Kooperatifi", "cooperative", "TR", "Eskişehir", ["tr"], ["environment"], ["participant"],
     "Environmental education and local climate action."),
    ("Gençlik ve Demokrasi Girişimi", "initiative", "TR", "Diyarbakır", ["tr", "ku"], ["youth", "democracy"],
     ["participant"], "Youth participation in local democracy."),
    ("Engelsiz Yaşam Vakfı", "foundation", "TR", "Ankara", ["tr"], ["disability"], ["participant"],
     "Accessibility and the rights of disabled people."),
    ("Cork Community Rights Network", "network", "IE", "Cork", ["en"], ["human_rights", "poverty"],
     ["participant"], "Irish peer organization in the thematic meetings."),
    ("Galway Governance Forum", "association", "IE", "Galway", ["en", "ga"], ["civil_society"], ["participant"],
     "Good governance and data systems for Irish non-profits."),
    ("Forum Zivilgesellschaft Berlin", "association", "DE", "Berlin", ["de", "en"], ["civil_society", "refugees"],
     ["host_organization"], "Hosts study visits on volunteer management."),
    ("Amsterdam Civic Lab", "foundation", "NL", "Amsterdam", ["nl", "en"], ["democracy", "youth"],
     ["host_organization"], "Hosts study visits on participatory methods."),
]

PEOPLE = [
    # full name, email, language, time zone, organization index, membership kind, admin
    ("Ayşe Yılmaz", "ayse.yilmaz@stgm.example", "tr", "Europe/Istanbul", 0, "employee", True),
    ("Mehmet Demir", "mehmet.demir@stgm.example", "tr", "Europe/Istanbul", 0, "employee", False),
    ("Siobhán Murphy", "siobhan.murphy@thewheel.example", "en", "Europe/Dublin", 1, "employee", True),
    ("Elif Kaya", "elif.kaya@emek.example", "tr", "Europe/Istanbul", 2, "board", True),
    ("Zeynep Arslan", "zeynep.arslan@kadin.example", "tr", "Europe/Istanbul", 3, "employee", True),
    ("Ahmad Haddad", "ahmad.haddad@multeci.example", "en", "Europe/Istanbul", 4, "volunteer", False),
    ("Deniz Çelik", "deniz.celik@yesil.example", "tr", "Europe/Istanbul", 5, "member", True),
    ("Berfin Aydın", "berfin.aydin@genclik.example", "tr", "Europe/Istanbul", 6, "contact", True),
    ("Ali Şahin", "ali.sahin@engelsiz.example", "tr", "Europe/Istanbul", 7, "employee", True),
    ("Ciarán O'Brien", "ciaran.obrien@corkrights.example", "en", "Europe/Dublin", 8, "employee", True),
    ("Aoife Kelly", "aoife.kelly@galwayforum.example", "en", "Europe/Dublin", 9, "board", True),
    ("Jonas Becker", "jonas.becker@forum-berlin.example", "en", "Europe/Berlin", 10, "employee", True),
    ("Sanne de Vries", "sanne.devries@civiclab.example", "en", "Europe/Amsterdam", 11, "employee", True),
]

COORDINATORS = ["ayse.yilmaz@stgm.example"]  # STGM's program coordinator holds the platform's coordinator role

PARTNERSHIPS = [
    # organization index, partner index, kind, description
    (0, 1, "program_partner", "BİRLİKTE thematic meetings with Irish civil society."),
    (10, 3, "study_visit_host", "On-the-job learning: volunteer management."),
    (11, 6, "study_visit_host", "On-the-job learning: participatory methods."),
    (2, 8, "peer", "Exchange on HR management in CSOs."),
    (6, 11, "joint_project", "Joint project started after the study visit."),
]


def demo_id(*parts: str) -> uuid.UUID:
    return uuid.uuid5(NAMESPACE, "/".join(parts))


def organization_id(index: int) -> uuid.UUID:
    return demo_id("organization", ORGANIZATIONS[index][0])


def person_id(index: int) -> uuid.UUID:
    return demo_id("person", PEOPLE[index][1])

# The online information sessions beyond the two the events demo names itself (leave_policies,
# fundraising): webinars that member organizations lead in their fields of expertise, 22 in the
# two years with those two. One a month around the day of loading (SESSION_DAYS): ten in the year
# past, each recorded for those who could not attend live, and ten in the year ahead.
INFORMATION_SESSIONS = [
    # key, leading organization index, topics, title
    ("strategic_planning", 0, ["good_governance"],
     {"tr": "Küçük örgütler için stratejik planlama", "en": "Strategic planning for small organizations"}),
    ("finding_volunteers", 5, ["volunteer_management", "environment"],
     {"tr": "Gönüllü bulmak ve gönüllüyle kalmak", "en": "Finding volunteers and keeping them"}),
    ("refugee_legal_support", 4, ["refugees", "human_rights"],
     {"tr": "Mültecilere hukuki destek: sahadan deneyimler",
      "en": "Legal support for refugees: lessons from the field"}),
    ("accessible_events", 7, ["disability"],
     {"tr": "Erişilebilir etkinlikler nasıl düzenlenir?", "en": "How to run accessible events"}),
    ("individual_donors", 6, ["fundraising"],
     {"tr": "Bireysel bağışçılarla ilişki kurmak", "en": "Building relationships with individual donors"}),
    ("employment_contracts", 2, ["workers_rights", "hr_management"],
     {"tr": "STK çalışanları için iş sözleşmeleri", "en": "Employment contracts for CSO staff"}),
    ("data_protection", 0, ["data_systems"],
     {"tr": "STK'lar ve kişisel verilerin korunması", "en": "Personal data protection for CSOs"}),
    ("young_people_decide", 6, ["youth", "democracy"],
     {"tr": "Gençlerin yerel karar alma süreçlerine katılımı", "en": "Young people in local decision-making"}),
    ("grant_reporting", 0, ["fundraising", "good_governance"],
     {"tr": "Hibe raporlaması: sık yapılan hatalar", "en": "Grant reporting: common mistakes"}),
    ("climate_locally", 5, ["environment"],
     {"tr": "İklim krizini yerelde anlatmak", "en": "Talking about the climate crisis locally"}),
    ("digital_security", 0, ["data_systems"],
     {"tr": "STK'lar için dijital güvenlik", "en": "Digital security for CSOs"}),
    ("gender_policy", 3, ["gender_equality"],
     {"tr": "Örgüt içinde toplumsal cinsiyet eşitliği politikası",
      "en": "A gender equality policy for your organization"}),
    ("disabled_volunteers", 7, ["volunteer_management", "disability"],
     {"tr": "Engelli gönüllülerle birlikte çalışmak", "en": "Working with disabled volunteers"}),
    ("board_roles", 0, ["good_governance"],
     {"tr": "Yönetim kurulunun rolü ve sorumlulukları", "en": "The board's role and responsibilities"}),
    ("social_media_advocacy", 6, ["youth", "democracy"],
     {"tr": "Sosyal medyada savunuculuk", "en": "Advocacy on social media"}),
    ("working_hours", 2, ["workers_rights"],
     {"tr": "Çalışma saatleri ve fazla mesai politikaları", "en": "Working hours and overtime policies"}),
    ("refugee_volunteers", 4, ["refugees", "volunteer_management"],
     {"tr": "Mülteci gönüllülerle birlikte çalışmak", "en": "Working together with refugee volunteers"}),
    ("measuring_impact", 0, ["data_systems"],
     {"tr": "Etkimizi nasıl ölçeriz?", "en": "How do we measure our impact?"}),
    ("municipalities", 5, ["environment", "democracy"],
     {"tr": "Belediyelerle iş birliği", "en": "Working with municipalities"}),
    ("sign_language", 7, ["disability"],
     {"tr": "Etkinliklerde işaret dili ve altyazı", "en": "Sign language and captions at events"}),
]
SESSION_DAYS = [*range(-345, -60, 30), *range(50, 350, 30)]  # days from the day of loading, one a month


def information_sessions() -> list[tuple]:
    """(key, day offset, organization index, topics, title) of each session of INFORMATION_SESSIONS."""
    return [(key, day, org, topics, title)
            for (key, org, topics, title), day in zip(INFORMATION_SESSIONS, SESSION_DAYS, strict=True)]
