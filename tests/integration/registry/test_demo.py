"""Demo data: the community from the seed text, loadable any number of times."""
import psycopg

from shared import community
from services.registry import demo


def test_demo_data_loads_once_and_describes_the_community(settings):
    first = demo.load(settings)
    second = demo.load(settings)
    assert second == {"organizations": 0, "people": 0, "memberships": 0, "partnerships": 0, "role_grants": 0}
    assert first["organizations"] in (0, len(demo.ORGANIZATIONS))  # 0 when another test loaded it first
    with psycopg.connect(settings.database_url) as conn:
        wheel = conn.execute("SELECT country, roles FROM registry.organizations WHERE name = 'The Wheel'").fetchone()
        hosts = conn.execute("SELECT count(*) FROM registry.organizations WHERE 'host_organization' = ANY(roles)").fetchone()
        published = conn.execute(
            "SELECT count(*) FROM registry.outbox WHERE envelope->>'subject' = %s",
            (str(community.organization_id(1)),)).fetchone()
    assert wheel == ("IE", ["partner_umbrella"])
    assert hosts[0] >= 2
    assert published[0] == 1
    with psycopg.connect(settings.database_url) as conn:
        coordinators = conn.execute(
            """SELECT p.email FROM registry.role_grants g JOIN registry.people p ON p.id = g.person_id
               WHERE g.role = 'coordinator' AND g.status = 'active'""").fetchall()
    assert ("ayse.yilmaz@stgm.example",) in coordinators  # the demo's coordinator can sign in as one
