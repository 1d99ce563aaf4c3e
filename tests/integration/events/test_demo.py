"""The events demo: the seed's program, loadable any number of times."""
import psycopg

from shared import community
from services.events import demo


def test_demo_program_loads_once_and_covers_every_kind(settings):
    demo.load(settings)
    again = demo.load(settings)
    assert set(again.values()) == {0}
    with psycopg.connect(settings.database_url) as conn:
        kinds = {r[0] for r in conn.execute("SELECT DISTINCT kind FROM events.events WHERE created_by = %s",
                                            (demo.DEMO.subject,))}
        thematic = conn.execute("SELECT organizer_ids, time_zone FROM events.events WHERE id = %s",
                                (demo.demo_id("event", "governance"),)).fetchone()
        ranking = [r[0] for r in conn.execute(
            "SELECT title->>'en' FROM events.topics WHERE proposed_by = %s ORDER BY votes DESC LIMIT 2",
            (demo.DEMO.subject,))]
        counts = conn.execute("SELECT registered_count, (SELECT count(*) FROM events.registrations r WHERE "
                              "r.event_id = e.id AND r.status = 'registered') FROM events.events e WHERE id = %s",
                              (demo.demo_id("event", "safe_space"),)).fetchone()
    assert kinds == {"organizational_meeting", "civil_space_discussion", "information_session", "thematic_meeting",
                     "study_visit"}
    assert community.organization_id(1) in thematic[0] and thematic[1] == "Europe/Dublin"  # The Wheel co-organizes
    assert ranking == ["Workers' rights in CSOs", "Human resource management in CSOs"]
    assert counts[0] == counts[1] == 6


def test_demo_program_holds_the_seeds_two_years(settings):
    demo.load(settings)
    with psycopg.connect(settings.database_url) as conn:
        kinds = dict(conn.execute("SELECT kind || '/' || format, count(*) FROM events.events WHERE created_by = %s "
                                  "GROUP BY 1", (demo.DEMO.subject,)).fetchall())
        discussions = conn.execute(
            "SELECT count(*), count(t.id) FROM events.events e LEFT JOIN events.topics t ON t.event_id = e.id "
            "AND t.id = e.topic_id AND t.votes > 0 WHERE e.kind = 'civil_space_discussion' AND e.created_by = %s",
            (demo.DEMO.subject,)).fetchone()
        days = "(ends_at AT TIME ZONE time_zone)::date - (starts_at AT TIME ZONE time_zone)::date"
        visits = conn.execute(f"SELECT min({days}), max({days}) FROM events.events "  # noqa: S608 (a fixed piece)
                              "WHERE kind = 'study_visit' AND created_by = %s", (demo.DEMO.subject,)).fetchone()
        past = conn.execute(
            "SELECT count(*) FILTER (WHERE e.status = 'completed'), count(*) FILTER (WHERE e.status = 'scheduled'), "
            "count(*) FILTER (WHERE e.ends_at < now() AND NOT EXISTS (SELECT 1 FROM events.registrations r "
            "WHERE r.event_id = e.id AND r.attendance = 'attended')) FROM events.events e WHERE created_by = %s",
            (demo.DEMO.subject,)).fetchone()
        weekends = conn.execute("SELECT count(*) FROM events.events WHERE created_by = %s AND "
                                "extract(isodow FROM starts_at AT TIME ZONE time_zone) > 5", (demo.DEMO.subject,)).fetchone()
        quoted = conn.execute("SELECT count(*) FROM events.feedback WHERE comment LIKE 'It was a very safe space.%'"
                              ).fetchone()
    assert kinds["organizational_meeting/in_person"] == 5 and kinds["organizational_meeting/online"] == 7
    assert sum(n for k, n in kinds.items() if k.startswith("information_session/")) == 22
    assert discussions[0] == discussions[1] >= 4  # each discussion comes from a topic the organizations voted for
    assert 9 <= visits[0] and visits[1] <= 14  # 10 to 15 days, first and last counted
    assert past[0] >= 20 and past[1] >= 20 and past[2] == 0  # a year behind, a year ahead; someone came to each
    assert weekends[0] == 0  # the community meets on working days
    assert quoted[0] == 1
