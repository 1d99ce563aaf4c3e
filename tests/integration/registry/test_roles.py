"""Coordinators grant and withdraw the coordinator role through the API, audited (who, when); a
withdrawal stops the person's tokens; the community never runs out of coordinators."""
import uuid

import pytest
from psycopg.rows import dict_row

from shared.auth.principal import Principal
from shared.auth.tokens import TokenVerifier
from shared.errors import Conflict
from shared.versions import ANY
from services.registry.operations import grants, roles, sessions
from tests.support.registry import bearer, eventually, outbox_types, rows_of


def _grant(client, tokens, person, headers=None):
    return client.post(f"/people/{person['id']}/roles", json={"role": "coordinator"},
                       headers=headers or tokens.coordinator())


def test_a_coordinator_grants_the_role_and_the_grant_is_audited(client, tokens, create_person, settings):
    person = create_person()
    coordinator = tokens.coordinator()
    granted = _grant(client, tokens, person, coordinator)
    assert granted.status_code == 201, granted.get_json()
    grant = granted.get_json()
    assert grant["status"] == "active" and grant["granted_at"] and grant["granted_by"]
    assert granted.headers["Location"].endswith(f"/people/{person['id']}/roles/{grant['id']}")
    assert outbox_types(settings, grant["id"]) == ["registry.role.granted"]
    assert _grant(client, tokens, person).status_code == 409  # holds it already
    assert client.get("/me", headers=bearer(tokens, person["id"])).get_json()["roles"] == ["coordinator"]
    listed = client.get(f"/people/{person['id']}/roles", headers=coordinator).get_json()["items"]
    assert [g["id"] for g in listed] == [grant["id"]]


def test_only_coordinators_see_grant_and_withdraw_roles(client, tokens, create_person, create_organization):
    organization, person = create_organization(), create_person()
    admin = tokens.admin_of(organization["id"])
    assert _grant(client, tokens, person, admin).status_code == 403
    assert _grant(client, tokens, person, bearer(tokens, person["id"])).status_code == 403  # not oneself either
    assert client.get(f"/people/{person['id']}/roles", headers=admin).status_code == 403
    grant = _grant(client, tokens, person).get_json()
    withdraw = f"/people/{person['id']}/roles/{grant['id']}/withdraw"
    assert client.post(withdraw, headers={**admin, "If-Match": '"v1"'}).status_code == 403
    assert client.post(withdraw, headers=tokens.coordinator()).status_code == 428
    assert client.post(f"/people/{uuid.uuid4()}/roles/{grant['id']}/withdraw",
                       headers={**tokens.coordinator(), "If-Match": '"v1"'}).status_code == 404
    assert client.post(f"/people/{uuid.uuid4()}/roles", json={"role": "coordinator"},
                       headers=tokens.coordinator()).status_code == 404
    assert client.post(f"/people/{person['id']}/roles", json={"role": "emperor"},
                       headers=tokens.coordinator()).status_code == 422


def test_withdrawing_the_role_is_audited_and_stops_the_persons_tokens(client, tokens, create_person, settings, app):
    person = create_person()
    _grant(client, tokens, create_person())  # someone else stays coordinator
    grant = _grant(client, tokens, person).get_json()
    before = bearer(tokens, person["id"], roles=("coordinator",))
    assert client.get("/me", headers=before).status_code == 200
    withdrawer = tokens.coordinator()
    withdrawn = client.post(f"/people/{person['id']}/roles/{grant['id']}/withdraw",
                            headers={**withdrawer, "If-Match": '"v1"'})
    assert withdrawn.status_code == 200, withdrawn.get_json()
    body = withdrawn.get_json()
    assert body["status"] == "withdrawn" and body["withdrawn_at"] and body["withdrawn_by"] != body["granted_by"]
    assert outbox_types(settings, grant["id"]) == ["registry.role.granted", "registry.role.withdrawn"]
    assert rows_of(settings, "SELECT reason FROM registry.token_revocations WHERE subject = %s",
                   person["id"]) == [("role withdrawn",)]
    assert eventually(lambda: client.get("/me", headers=before).status_code == 401)
    listed = client.get(f"/people/{person['id']}/roles", headers=tokens.coordinator()).get_json()["items"]
    assert [(g["status"], g["withdrawn_by"]) for g in listed] == [("withdrawn", body["withdrawn_by"])]
    # the next token (a refresh) carries the claims as they are now, and is not taken for an old one
    with app.extensions["birlikte"]["pool"]().connection() as conn, conn.cursor(row_factory=dict_row) as cur:
        session, _ = sessions.start(cur, settings, person["id"], ["otp"], user_agent=None, address=None)
        fresh = grants.access_token(cur, app.extensions["registry_provider"].issuer, person_id=person["id"],
                                    session_id=session["id"], client_id="web", scope="openid")
    assert "coordinator" not in TokenVerifier(settings, keys=app.extensions["birlikte"]["verification_keys"]) \
        .verify(fresh).roles
    assert eventually(lambda: client.get("/me", headers={"Authorization": f"Bearer {fresh}"}).status_code == 200)
    again = client.post(f"/people/{person['id']}/roles/{grant['id']}/withdraw",
                        headers={**withdrawer, "If-Match": '"v2"'})
    assert again.status_code == 200  # withdrawing twice changes nothing, and says nothing again
    assert outbox_types(settings, grant["id"]).count("registry.role.withdrawn") == 1


def test_the_last_coordinator_cannot_withdraw_their_own_role(registry_pool, create_person, settings):
    person = create_person()
    me = Principal(subject=person["id"], roles=frozenset({"coordinator"}))
    with registry_pool.connection() as conn:
        try:
            with conn.cursor(row_factory=dict_row) as cur:
                grant = roles.grant(cur, me, uuid.UUID(person["id"]), "coordinator")
                # the others' grants withdrawn inside this transaction only (rolled back below)
                cur.execute("UPDATE role_grants SET status = 'withdrawn' WHERE status = 'active' AND id <> %s",
                            (grant["id"],))
                with pytest.raises(Conflict, match="last coordinator"):
                    roles.withdraw(cur, me, uuid.UUID(person["id"]), grant["id"], ANY)
                second = create_person_in(cur)
                roles.grant(cur, me, second, "coordinator")
                assert roles.withdraw(cur, me, uuid.UUID(person["id"]), grant["id"], ANY)["status"] == "withdrawn"
        finally:
            conn.rollback()


def create_person_in(cur) -> uuid.UUID:
    cur.execute("INSERT INTO people (full_name, email) VALUES ('Second Coordinator', %s) RETURNING id",
                (f"{uuid.uuid4().hex[:10]}@example.org",))
    return cur.fetchone()["id"]
