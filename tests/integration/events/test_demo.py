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
