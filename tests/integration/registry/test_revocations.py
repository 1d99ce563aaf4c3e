"""The registry's side of revocation: what changes a token's claims or ends access is recorded in the
transaction that makes the change (its own verifier refuses the old tokens within seconds; the message
tells the other services)."""
import base64

from services.registry.operations import grants, sessions
from tests.support.registry import bearer, eventually, join, outbox_types, rows_of


def _revocations(settings, subject) -> list[tuple]:
    return rows_of(settings, "SELECT reason FROM registry.token_revocations WHERE subject = %s", subject)


def test_deactivating_a_person_ends_their_sessions_and_stops_their_tokens(client, tokens, create_person,
                                                                        registry_pool, settings):
    person = create_person()
    with registry_pool.connection() as conn, conn.cursor() as cur:
        session, _ = sessions.start(cur, settings, person["id"], ["otp"], user_agent=None, address=None)
        grants.save_refresh(cur, settings, "refresh-" + person["id"], session_id=session["id"], client_id="web",
                            person_id=person["id"], scope="openid offline_access")
    token = bearer(tokens, person["id"], sid=str(session["id"]))
    assert client.get("/me", headers=token).status_code == 200
    deactivated = client.post(f"/people/{person['id']}/deactivate", headers={**tokens.coordinator(), "If-Match": '"v1"'})
    assert deactivated.status_code == 200
    assert _revocations(settings, person["id"]) == [("person deactivated",)]
    assert rows_of(settings, "SELECT ended_reason FROM registry.sessions WHERE id = %s", session["id"]) == \
        [("person deactivated",)]
    assert outbox_types(settings, session["id"]) == ["registry.session.ended"]
    assert outbox_types(settings, person["id"])[-1] == "registry.person.deactivated"
    assert eventually(lambda: client.get("/me", headers=token).status_code == 401)
    # and the session's refresh token gets nothing more (as before: the person is not active)
    with registry_pool.connection() as conn, conn.cursor() as cur:
        refresh = grants.find_refresh(cur, "refresh-" + person["id"])
        assert refresh["revoked_at"] is not None and not grants.is_usable(refresh)


def test_ending_a_membership_stops_the_persons_tokens_which_named_the_organization(client, tokens, create_person,
                                                                                  create_organization, settings):
    organization, person = create_organization(), create_person()
    membership = join(client, tokens, organization, person)
    token = bearer(tokens, person["id"], member_of=[organization["id"]])
    assert client.get(f"/memberships/{membership['id']}", headers=token).status_code == 200
    ended = client.post(f"/memberships/{membership['id']}/end",
                        headers={**tokens.admin_of(organization["id"]), "If-Match": '"v1"'})
    assert ended.status_code == 200
    assert _revocations(settings, person["id"]) == [("membership ended",)]
    assert eventually(lambda: client.get(f"/memberships/{membership['id']}", headers=token).status_code == 401)


def test_revoking_a_partner_client_stops_the_tokens_it_holds(client, tokens, create_organization, settings):
    wheel = create_organization(country="IE")
    admin = tokens.admin_of(wheel["id"])
    registered = client.post(f"/organizations/{wheel['id']}/clients", headers=admin,
                             json={"name": "The Wheel sync", "scopes": ["registry:read"]}).get_json()
    basic = base64.b64encode(f"{registered['client_id']}:{registered['client_secret']}".encode()).decode()
    grant = client.post("/oauth/token", data={"grant_type": "client_credentials"},
                        headers={"Authorization": f"Basic {basic}"}).get_json()
    token = {"Authorization": f"Bearer {grant['access_token']}"}
    assert client.get("/organizations", headers=token).status_code == 200
    revoked = client.post(f"/organizations/{wheel['id']}/clients/{registered['id']}/revoke",
                          headers={**admin, "If-Match": '"v1"'})
    assert revoked.status_code == 200
    assert _revocations(settings, f"client:{registered['client_id']}") == [("client revoked",)]
    assert eventually(lambda: client.get("/organizations", headers=token).status_code == 401)
    assert "revoked" in client.get("/organizations", headers=token).get_json()["detail"]
