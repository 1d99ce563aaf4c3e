"""The public directory (issue 13): anyone, without a token, reads the community's active
organizations — focus areas, place, description — and their partnerships; nothing personal, no
contact address, no client, and no inactive organization. Everything else still needs a token."""
import uuid

from tests.support.registry import join, unique

PUBLIC = {"id", "name", "kind", "country", "city", "languages", "website", "description", "focus_areas", "roles",
          "partnerships"}


def _tagged(create_organization, tag, **overrides):
    return create_organization(name=unique(f"{tag} Derneği"), email="iletisim@dernek.example", phone="+90 312 000 00 00",
                               description="Kadın emeği ve eşitlik üzerine çalışır.", **overrides)


def _partner(client, tokens, a, b, kind="peer", description="Exchange on HR management in CSOs."):
    response = client.post("/partnerships", headers=tokens.coordinator(), json={
        "organization_id": a["id"], "partner_id": b["id"], "kind": kind, "description": description})
    assert response.status_code == 201, response.get_json()
    return response.get_json()


def test_anyone_reads_active_organizations_with_their_partnerships_and_only_their_public_face(
        client, tokens, create_organization):
    tag = uuid.uuid4().hex[:8]
    host = _tagged(create_organization, tag, country="DE", city="Berlin", focus_areas=["refugees"],
                   roles=["host_organization"])
    member = _tagged(create_organization, tag, city="İzmir", focus_areas=["gender_equality"])
    gone = _tagged(create_organization, tag)
    _partner(client, tokens, host, member, "study_visit_host", "On-the-job learning: volunteer management.")
    _partner(client, tokens, member, gone)
    ended = _partner(client, tokens, host, gone, "joint_project")
    assert client.post(f"/partnerships/{ended['id']}/end", headers={**tokens.coordinator(), "If-Match": '"v1"'}).status_code == 200
    assert client.post(f"/organizations/{gone['id']}/deactivate",
                       headers={**tokens.coordinator(), "If-Match": '"v1"'}).status_code == 200

    listed = client.get(f"/directory/organizations?q={tag}")
    assert listed.status_code == 200
    items = listed.get_json()["items"]
    assert {o["id"] for o in items} == {host["id"], member["id"]}  # the inactive one is not there
    assert all(set(o) == PUBLIC for o in items)  # no email, phone, status, versions
    shown = {o["id"]: o for o in items}
    assert shown[member["id"]]["city"] == "İzmir" and shown[member["id"]]["focus_areas"] == ["gender_equality"]
    assert shown[member["id"]]["description"] == "Kadın emeği ve eşitlik üzerine çalışır."
    # each partnership seen from its side; the one with the inactive organization and the ended one are not
    [seen_by_member] = shown[member["id"]]["partnerships"]
    assert seen_by_member["partner_id"] == host["id"] and seen_by_member["partner_name"] == host["name"]
    assert seen_by_member["kind"] == "study_visit_host" and seen_by_member["partner_country"] == "DE"
    assert seen_by_member["partner_side"] == "organization"  # the partner is the host
    [seen_by_host] = shown[host["id"]]["partnerships"]
    assert seen_by_host["partner_id"] == member["id"] and seen_by_host["description"].startswith("On-the-job")
    assert seen_by_host["partner_side"] == "partner"

    one = client.get(f"/directory/organizations/{member['id']}")
    assert one.status_code == 200 and set(one.get_json()) == PUBLIC
    assert [p["partner_id"] for p in one.get_json()["partnerships"]] == [host["id"]]
    assert client.get(f"/directory/organizations/{gone['id']}").status_code == 404
    assert client.get(f"/directory/organizations/{uuid.uuid4()}").status_code == 404


def test_the_directory_filters_by_focus_area_country_and_name(client, create_organization):
    tag = uuid.uuid4().hex[:8]
    izmir = _tagged(create_organization, tag, focus_areas=["gender_equality"])
    cork = _tagged(create_organization, tag, country="IE", city="Cork", focus_areas=["poverty"])

    def ids(query):
        return [o["id"] for o in client.get(f"/directory/organizations?q={tag}&{query}").get_json()["items"]]
    assert ids("focus_area=gender_equality") == [izmir["id"]]
    assert ids("country=IE") == [cork["id"]]
    assert client.get("/directory/organizations?focus_area=astrology").status_code == 422
    first = client.get(f"/directory/organizations?q={tag}&limit=1").get_json()
    second = client.get(f"/directory/organizations?q={tag}&limit=1&cursor={first['next_cursor']}").get_json()
    assert {first["items"][0]["id"], second["items"][0]["id"]} == {izmir["id"], cork["id"]}


def test_without_a_token_nothing_personal_is_read_and_nothing_changes(client, tokens, create_organization,
                                                                       create_person):
    organization, person = create_organization(), create_person()
    membership = join(client, tokens, organization, person)
    for path in ("/organizations", f"/organizations/{organization['id']}", "/people", f"/people/{person['id']}",
                 "/memberships", f"/memberships/{membership['id']}", "/partnerships",
                 f"/organizations/{organization['id']}/clients", "/me", "/me/sessions", "/me/invitations"):
        assert client.get(path).status_code == 401, path
    assert client.post("/directory/organizations", json={"name": "x"}).status_code == 405
    listed = client.get("/directory/organizations?limit=200").get_json()["items"]
    assert person["email"] not in str(listed) and person["full_name"] not in str(listed)
    # a token is not needed, but one that was sent is checked, as on every endpoint (RFC 6750: 401)
    assert client.get("/directory/organizations", headers={"Authorization": "Bearer nonsense"}).status_code == 401


def test_a_page_asks_for_the_organizations_and_people_it_shows_by_id_and_sees_no_more_than_before(
        client, tokens, create_organization, create_person):
    mine, other = create_organization(), create_organization()
    colleague, stranger = create_person(), create_person()
    join(client, tokens, mine, colleague)
    join(client, tokens, other, stranger)
    member = tokens.member_of(mine["id"])
    found = client.get(f"/organizations?id={mine['id']}&id={other['id']}", headers=member).get_json()["items"]
    assert {o["id"] for o in found} == {mine["id"], other["id"]}
    people = client.get(f"/people?id={colleague['id']}&id={stranger['id']}", headers=member).get_json()["items"]
    assert [p["id"] for p in people] == [colleague["id"]]  # a person of another organization stays unseen
    assert client.get("/people?id=not-a-uuid", headers=member).status_code == 422

