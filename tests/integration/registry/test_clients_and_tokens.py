"""Partner API clients and the OAuth2 client-credentials grant."""
import base64
import uuid

from shared.auth.tokens import TokenVerifier
from tests.support.registry import rows_of


def _register(client, tokens, organization, scopes=("events:read", "events:write")):
    response = client.post(f"/organizations/{organization['id']}/clients", headers=tokens.admin_of(organization["id"]),
                           json={"name": "The Wheel events sync", "scopes": list(scopes)})
    assert response.status_code == 201, response.get_json()
    return response.get_json()


def _basic(client_id, secret):
    return {"Authorization": "Basic " + base64.b64encode(f"{client_id}:{secret}".encode()).decode()}


def test_admin_registers_a_client_whose_secret_is_shown_once(client, tokens, create_organization):
    wheel = create_organization(country="IE", roles=["partner_umbrella"])
    registered = _register(client, tokens, wheel)
    assert registered["client_secret"] and registered["client_id"].startswith("bk_")
    read = client.get(f"/organizations/{wheel['id']}/clients/{registered['id']}", headers=tokens.admin_of(wheel["id"]))
    assert read.status_code == 200 and "client_secret" not in read.get_json()
    listed = client.get(f"/organizations/{wheel['id']}/clients", headers=tokens.admin_of(wheel["id"])).get_json()
    assert [c["id"] for c in listed["items"]] == [registered["id"]]
    stranger = tokens.admin_of(uuid.uuid4())
    assert client.get(f"/organizations/{wheel['id']}/clients", headers=stranger).status_code == 403
    bad_scope = client.post(f"/organizations/{wheel['id']}/clients", headers=tokens.admin_of(wheel["id"]),
                            json={"name": "x sync", "scopes": ["everything"]})
    assert bad_scope.status_code == 422


def test_a_retried_registration_creates_one_client_and_never_repeats_or_keeps_its_secret(
        client, tokens, create_organization, settings):
    wheel = create_organization(country="IE", roles=["partner_umbrella"])
    headers = {**tokens.admin_of(wheel["id"]), "Idempotency-Key": str(uuid.uuid4())}
    body = {"name": "The Wheel CRM", "scopes": ["events:read"]}
    first = client.post(f"/organizations/{wheel['id']}/clients", headers=headers, json=body)
    again = client.post(f"/organizations/{wheel['id']}/clients", headers=headers, json=body)
    assert first.status_code == again.status_code == 201 and again.headers["Idempotent-Replayed"] == "true"
    secret = first.get_json()["client_secret"]
    assert again.get_json()["id"] == first.get_json()["id"] and "client_secret" not in again.get_json()
    assert rows_of(settings, "SELECT 1 FROM registry.idempotency_keys WHERE convert_from(body, 'UTF8') LIKE %s",
                   f"%{secret}%") == []
    listed = client.get(f"/organizations/{wheel['id']}/clients", headers=tokens.admin_of(wheel["id"])).get_json()
    assert len(listed["items"]) == 1


def test_client_credentials_grant_issues_a_verifiable_scoped_token(client, tokens, create_organization, settings):
    wheel = create_organization(country="IE", roles=["partner_umbrella"])
    registered = _register(client, tokens, wheel, scopes=("events:read", "events:write", "registry:read"))
    response = client.post("/oauth/token", data={"grant_type": "client_credentials", "scope": "events:read"},
                           headers=_basic(registered["client_id"], registered["client_secret"]))
    assert response.status_code == 200, response.get_json()
    assert response.headers["Cache-Control"] == "no-store"
    grant = response.get_json()
    assert grant["token_type"] == "Bearer" and grant["scope"] == "events:read"
    principal = TokenVerifier(settings).verify(grant["access_token"])
    assert principal.is_partner_client and principal.organization == wheel["id"]
    assert principal.has_scope("events:read") and not principal.has_scope("events:write")

    form = client.post("/oauth/token", data={"grant_type": "client_credentials", "client_id": registered["client_id"],
                                             "client_secret": registered["client_secret"]})
    assert form.status_code == 200 and set(form.get_json()["scope"].split()) == {"events:read", "events:write", "registry:read"}
    token = {"Authorization": f"Bearer {form.get_json()['access_token']}"}
    assert client.get("/organizations", headers=token).status_code == 200


def test_token_endpoint_refusals_follow_rfc_6749(client, tokens, create_organization):
    wheel = create_organization(country="IE")
    registered = _register(client, tokens, wheel)
    wrong = client.post("/oauth/token", data={"grant_type": "client_credentials"},
                        headers=_basic(registered["client_id"], "wrong"))
    assert wrong.status_code == 401 and wrong.get_json()["error"] == "invalid_client"
    scope = client.post("/oauth/token", data={"grant_type": "client_credentials", "scope": "archive:read"},
                        headers=_basic(registered["client_id"], registered["client_secret"]))
    assert scope.status_code == 400 and scope.get_json()["error"] == "invalid_scope"
    grant = client.post("/oauth/token", data={"grant_type": "password"},
                        headers=_basic(registered["client_id"], registered["client_secret"]))
    assert grant.status_code == 400 and grant.get_json()["error"] == "unsupported_grant_type"


def test_revoked_client_gets_no_token(client, tokens, create_organization, settings):
    wheel = create_organization(country="IE")
    registered = _register(client, tokens, wheel)
    revoked = client.post(f"/organizations/{wheel['id']}/clients/{registered['id']}/revoke",
                          headers={**tokens.admin_of(wheel["id"]), "If-Match": '"v1"'})
    assert revoked.status_code == 200 and revoked.get_json()["status"] == "revoked"
    response = client.post("/oauth/token", data={"grant_type": "client_credentials"},
                           headers=_basic(registered["client_id"], registered["client_secret"]))
    assert response.status_code == 401


def test_jwks_and_discovery_are_public(client):
    keys = client.get("/.well-known/jwks.json")
    assert keys.status_code == 200 and keys.get_json()["keys"][0]["kty"] == "RSA"
    discovery = client.get("/.well-known/openid-configuration").get_json()
    assert discovery["token_endpoint"].endswith("/oauth/token")
