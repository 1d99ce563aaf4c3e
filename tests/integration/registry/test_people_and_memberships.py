"""People and memberships: personal data stays with the people allowed to see it."""
import uuid

from tests.support.registry import outbox_types, person_body


def _join(client, tokens, organization, person, kind="member", is_admin=False):
    response = client.post("/memberships", headers=tokens.coordinator(), json={
        "organization_id": organization["id"], "person_id": person["id"], "kind": kind, "is_admin": is_admin})
    assert response.status_code == 201, response.get_json()
    return response.get_json()


def test_person_is_created_with_defaults_and_published(client, tokens, settings):
    response = client.post("/people", headers=tokens.coordinator(),
                           json={"full_name": "Siobhán Murphy", "email": f"{uuid.uuid4().hex}@thewheel.example"})
    assert response.status_code == 201
    person = response.get_json()
    assert person["preferred_language"] == "tr" and person["consent_recording"] is False
    assert outbox_types(settings, person["id"]) == ["registry.person.created"]


def test_bad_person_input_names_each_field(client, tokens):
    response = client.post("/people", headers=tokens.coordinator(), json={
        "full_name": "A", "email": "nope", "preferred_language": "de", "time_zone": "Mars/Olympus"})
    assert response.status_code == 422
    assert {"full_name", "email", "preferred_language", "time_zone"} <= set(response.get_json()["errors"])


def test_same_email_twice_is_a_409_whatever_the_case(client, tokens, create_person):
    person = create_person()
    again = client.post("/people", headers=tokens.coordinator(), json=person_body(email=person["email"].upper()))
    assert again.status_code == 409


def test_members_see_their_own_organizations_people_only(client, tokens, create_organization, create_person):
    ours, theirs = create_organization(), create_organization()
    colleague, stranger, me = create_person(), create_person(), create_person()
    _join(client, tokens, ours, colleague)
    _join(client, tokens, ours, me)
    _join(client, tokens, theirs, stranger)
    my_token = tokens.member_of(ours["id"], subject=me["id"])

    assert client.get(f"/people/{colleague['id']}", headers=my_token).status_code == 200
    assert client.get(f"/people/{stranger['id']}", headers=my_token).status_code == 403
    listed = client.get("/people?status=all&limit=200", headers=my_token).get_json()["items"]
    ids = {p["id"] for p in listed}
    assert {colleague["id"], me["id"]} <= ids and stranger["id"] not in ids
    assert client.get("/people", headers=tokens.partner(ours["id"], "registry:read")).status_code == 403


def test_a_person_updates_their_own_consent(client, tokens, create_person, settings):
    person = create_person()
    response = client.patch(f"/people/{person['id']}", json={"consent_recording": True},
                            headers={**tokens.member_of(subject=person["id"]), "If-Match": '"v1"'})
    assert response.status_code == 200 and response.get_json()["consent_recording"] is True
    other = client.patch(f"/people/{person['id']}", json={"consent_recording": False},
                         headers={**tokens.member_of(), "If-Match": '"v2"'})
    assert other.status_code == 403
    assert outbox_types(settings, person["id"])[-1] == "registry.person.updated"


def test_membership_rules(client, tokens, create_organization, create_person, settings):
    org, person = create_organization(), create_person()
    body = {"organization_id": org["id"], "person_id": person["id"], "kind": "volunteer"}
    assert client.post("/memberships", json=body, headers=tokens.admin_of(uuid.uuid4())).status_code == 403
    created = client.post("/memberships", json=body, headers=tokens.admin_of(org["id"]))
    assert created.status_code == 201
    assert created.get_json()["status"] == "invited"  # the person is not in the organization yet: they say yes first
    assert client.post("/memberships", json=body, headers=tokens.coordinator()).status_code == 409
    membership = created.get_json()
    accepted = client.post(f"/memberships/{membership['id']}/accept", headers=tokens.member_of(subject=person["id"]))
    assert accepted.status_code == 200 and accepted.get_json()["status"] == "active"

    listed = client.get(f"/memberships?organization_id={org['id']}", headers=tokens.member_of(org["id"]))
    assert [m["id"] for m in listed.get_json()["items"]] == [membership["id"]]
    assert client.get(f"/memberships/{membership['id']}", headers=tokens.member_of(uuid.uuid4())).status_code == 403

    ended = client.post(f"/memberships/{membership['id']}/end", headers={**tokens.admin_of(org["id"]), "If-Match": '"v2"'})
    assert ended.status_code == 200 and ended.get_json()["status"] == "ended"
    assert outbox_types(settings, membership["id"]) == ["registry.membership.created", "registry.membership.ended"]
    assert client.post("/memberships", json=body, headers=tokens.coordinator()).status_code == 201


def test_no_membership_in_an_inactive_organization_or_for_unknown_people(client, tokens, create_organization, create_person):
    org, person = create_organization(), create_person()
    client.post(f"/organizations/{org['id']}/deactivate", headers={**tokens.coordinator(), "If-Match": '"v1"'})
    refused = client.post("/memberships", headers=tokens.coordinator(),
                          json={"organization_id": org["id"], "person_id": person["id"], "kind": "member"})
    assert refused.status_code == 409
    missing = client.post("/memberships", headers=tokens.coordinator(),
                          json={"organization_id": create_organization()["id"], "person_id": str(uuid.uuid4()),
                                "kind": "member"})
    assert missing.status_code == 404


def test_person_deactivation(client, tokens, create_person, settings):
    person = create_person()
    response = client.post(f"/people/{person['id']}/deactivate", headers={**tokens.coordinator(), "If-Match": '"v1"'})
    assert response.status_code == 200 and response.get_json()["status"] == "inactive"
    assert outbox_types(settings, person["id"])[-1] == "registry.person.deactivated"
