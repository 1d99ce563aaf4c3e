"""The notifications demo: preferences for the community's people, kept when the registry speaks."""
from shared import community
from services.notifications import demo


def test_demo_preferences_load_once_and_survive_the_registry_message(settings, bus, notifications_pool):
    demo.load(settings)
    assert demo.load(settings) == {"preferences": 0}
    elif_id = str(community.person_id(3))
    full_name, email, *_ = community.PEOPLE[3]
    bus.person(id=elif_id, language="tr", version=1)  # the registry's message arrives after the demo
    with notifications_pool.connection() as conn:
        row = conn.execute("SELECT version, followed_topics, email FROM recipients WHERE id = %s", (elif_id,)).fetchone()
    assert row["version"] == 1 and row["followed_topics"] == ["workers_rights", "hr_management"]
    assert row["email"] != email  # the registry's (test) address replaced the demo's placeholder
