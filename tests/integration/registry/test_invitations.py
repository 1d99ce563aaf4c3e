"""Joining another organization needs consent (issue 12; the takeover of issue 14): an admin may register
new people for their own organization, but attaching a person who exists already is an invitation that
gives the organization nothing over them until they accept it."""
import uuid

from tests.support.registry import bearer, join, outbox_types, person_body, rows_of


def _invite(client, tokens, organization, person, kind="member", **extra):
    response = client.post("/memberships", headers=tokens.admin_of(organization["id"]), json={
        "organization_id": organization["id"], "person_id": person["id"], "kind": kind, **extra})
    assert response.status_code == 201, response.get_json()
    return response.get_json()


def _settings_of(client):
    return client.application.extensions["birlikte"]["settings"]


def test_an_admin_of_another_organization_cannot_take_over_a_person_by_inviting_them(
        client, tokens, create_organization, create_person, settings):
    home, other = create_organization(), create_organization()
    person = create_person()
    join(client, tokens, home, person)
    invitation = _invite(client, tokens, other, person, is_admin=True)
    assert invitation["status"] == "invited" and invitation["invited_by"]
    admin = tokens.admin_of(other["id"])

    # no personal data, no change, no deactivation, no listing: the organization has no right over them
    assert client.get(f"/people/{person['id']}", headers=admin).status_code == 403
    assert client.patch(f"/people/{person['id']}", json={"email": f"taken-{uuid.uuid4().hex[:8]}@evil.example"},
                        headers={**admin, "If-Match": '"v1"'}).status_code == 403
    assert client.patch(f"/people/{person['id']}", json={"consent_recording": True},
                        headers={**admin, "If-Match": '"v1"'}).status_code == 403
    assert client.post(f"/people/{person['id']}/deactivate", headers={**admin, "If-Match": '"v1"'}).status_code == 403
    assert client.post(f"/people/{person['id']}/email/confirm", json={"code": "000000"}, headers=admin).status_code == 403
    for query in ("status=all&limit=200", f"organization_id={other['id']}&status=all"):
        listed = client.get(f"/people?{query}", headers=admin).get_json()["items"]
        assert person["id"] not in {p["id"] for p in listed}
    # nor can the admin answer for the person
    assert client.post(f"/memberships/{invitation['id']}/accept", headers=admin).status_code == 403
    # the person's claims do not name the organization, and nothing went on the bus
    me = client.get("/me", headers=bearer(tokens, person["id"])).get_json()
    assert me["member_of"] == [home["id"]] and me["admin_of"] == []
    assert outbox_types(settings, invitation["id"]) == []
    assert client.get(f"/people/{person['id']}", headers=tokens.coordinator()).get_json()["version"] == 1


def test_the_person_sees_their_invitation_and_once_they_accept_the_organization_and_the_bus_know(
        client, tokens, create_organization, create_person, settings):
    organization, person = create_organization(), create_person()
    invitation = _invite(client, tokens, organization, person, kind="volunteer")
    mine = bearer(tokens, person["id"])
    [waiting] = client.get("/me/invitations", headers=mine).get_json()["items"]
    assert waiting["id"] == invitation["id"] and waiting["organization_name"] == organization["name"]

    accepted = client.post(f"/memberships/{invitation['id']}/accept", headers=mine)
    assert accepted.status_code == 200 and accepted.get_json()["status"] == "active"
    assert accepted.get_json()["answered_at"]
    assert outbox_types(settings, invitation["id"]) == ["registry.membership.created"]
    assert client.get("/me/invitations", headers=mine).get_json()["items"] == []
    assert client.get("/me", headers=mine).get_json()["member_of"] == [organization["id"]]
    assert client.get(f"/people/{person['id']}", headers=tokens.admin_of(organization["id"])).status_code == 200
    again = client.post(f"/memberships/{invitation['id']}/accept", headers=mine)
    assert again.status_code == 409


def test_a_declined_or_withdrawn_invitation_leaves_nothing_behind(client, tokens, create_organization, create_person,
                                                                   settings):
    organization, person = create_organization(), create_person()
    mine = bearer(tokens, person["id"])
    declined = _invite(client, tokens, organization, person)
    answer = client.post(f"/memberships/{declined['id']}/decline", headers=mine)
    assert answer.status_code == 200 and answer.get_json()["status"] == "declined"
    assert client.get(f"/people/{person['id']}", headers=tokens.admin_of(organization["id"])).status_code == 403
    assert client.post(f"/memberships/{declined['id']}/accept", headers=mine).status_code == 409

    withdrawn = _invite(client, tokens, organization, person)  # asked again: the person may still say no
    ended = client.post(f"/memberships/{withdrawn['id']}/end",
                        headers={**tokens.admin_of(organization["id"]), "If-Match": '"v1"'})
    assert ended.status_code == 200 and ended.get_json()["status"] == "withdrawn"
    assert client.post(f"/memberships/{withdrawn['id']}/accept", headers=mine).status_code == 409
    assert outbox_types(settings, declined["id"]) == outbox_types(settings, withdrawn["id"]) == []
    # no right was given, so none was taken back: the person's tokens were not revoked
    assert rows_of(settings, "SELECT 1 FROM registry.token_revocations WHERE subject = %s", person["id"]) == []


def test_a_coordinator_attaches_directly_and_an_admin_adds_their_own_people_directly(
        client, tokens, create_organization, create_person, settings):
    organization, person = create_organization(), create_person()
    direct = join(client, tokens, organization, person)  # a coordinator: no invitation
    assert outbox_types(settings, direct["id"]) == ["registry.membership.created"]
    # the person is in the organization already: another kind of membership gives it no new right over them
    board = _invite(client, tokens, organization, person, kind="board")
    assert board["status"] == "active"
    assert outbox_types(settings, board["id"]) == ["registry.membership.created"]


def test_an_admin_registers_a_new_person_for_their_own_organization_with_the_membership(
        client, tokens, create_organization, settings):
    organization, elsewhere = create_organization(), create_organization()
    admin = tokens.admin_of(organization["id"])
    body = person_body(organization_id=organization["id"], kind="volunteer", title="Field coordinator")
    created = client.post("/people", json=body, headers=admin)
    assert created.status_code == 201, created.get_json()
    person = created.get_json()
    assert person["membership"]["status"] == "active" and person["membership"]["kind"] == "volunteer"
    assert person["membership"]["organization_id"] == organization["id"]
    assert outbox_types(settings, person["id"]) == ["registry.person.created"]
    assert outbox_types(settings, person["membership"]["id"]) == ["registry.membership.created"]
    assert client.get(f"/people/{person['id']}", headers=admin).status_code == 200

    assert client.post("/people", json=person_body(), headers=admin).status_code == 403  # for no organization
    foreign = person_body(organization_id=elsewhere["id"], kind="member")
    assert client.post("/people", json=foreign, headers=admin).status_code == 403
    no_kind = client.post("/people", json=person_body(organization_id=organization["id"]), headers=admin)
    assert no_kind.status_code == 422 and "kind" in no_kind.get_json()["errors"]
    no_organization = client.post("/people", json=person_body(kind="member"), headers=tokens.coordinator())
    assert no_organization.status_code == 422 and "organization_id" in no_organization.get_json()["errors"]
    # someone who exists already is not registered again: the answer names them, to be invited instead
    existing = client.post("/people", json=person_body(email=person["email"].upper(), organization_id=elsewhere["id"],
                                                       kind="member"), headers=tokens.admin_of(elsewhere["id"]))
    assert existing.status_code == 409 and existing.get_json()["person_id"] == person["id"]
    assert rows_of(settings, "SELECT count(*) FROM registry.memberships WHERE person_id = %s",
                   person["id"]) == [(1,)]


def test_a_person_leaves_an_organization(client, tokens, create_organization, create_person, settings):
    organization, person, colleague = create_organization(), create_person(), create_person()
    membership, theirs = join(client, tokens, organization, person), join(client, tokens, organization, colleague)
    mine = {**bearer(tokens, person["id"], member_of=[organization["id"]]), "If-Match": '"v1"'}
    assert client.post(f"/memberships/{theirs['id']}/end", headers=mine).status_code == 403  # one's own only
    left = client.post(f"/memberships/{membership['id']}/end", headers=mine)
    assert left.status_code == 200 and left.get_json()["status"] == "ended"
    assert outbox_types(settings, membership["id"]) == ["registry.membership.created", "registry.membership.ended"]


def test_invitations_are_seen_by_the_organizations_admins_and_the_person_only(
        client, tokens, create_organization, create_person):
    organization, person = create_organization(), create_person()
    invitation = _invite(client, tokens, organization, person)
    query = f"/memberships?organization_id={organization['id']}&status=invited"
    member = tokens.member_of(organization["id"])
    assert client.get(query, headers=member).get_json()["items"] == []
    assert client.get(f"/memberships/{invitation['id']}", headers=member).status_code == 403
    for allowed in (tokens.admin_of(organization["id"]), bearer(tokens, person["id"]), tokens.coordinator()):
        assert [m["id"] for m in client.get(query, headers=allowed).get_json()["items"]] == [invitation["id"]]
        assert client.get(f"/memberships/{invitation['id']}", headers=allowed).status_code == 200


def test_the_invited_person_is_emailed_in_their_language(client, tokens, create_organization, create_person,
                                                        deliver, mailbox):
    organization, person = create_organization(), create_person(preferred_language="tr")
    _invite(client, tokens, organization, person, kind="board")
    deliver()
    [message] = mailbox.to(person["email"])
    assert message["Subject"] == f"{organization['name']} sizi Birlikte'de aralarına davet ediyor"
    body = message.get_body(("plain",)).get_content()
    assert "yönetim kurulu üyesi" in body
    assert f"    {_settings_of(client).web_url}/account\r\n" in body  # the page of one's invitations
    deliver()
    assert len(mailbox.to(person["email"])) == 1  # once
