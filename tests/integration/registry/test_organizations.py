"""Organizations: every endpoint's happy path, bad input, auth, concurrency and idempotency."""
import threading
import uuid

from tests.support.registry import organization_body, outbox_types


def test_coordinator_creates_an_organization_and_it_reads_back_with_etag(client, tokens, settings):
    body = organization_body(city="Ankara", focus_areas=["gender_equality", "refugees"])
    created = client.post("/organizations", json=body, headers=tokens.coordinator())
    assert created.status_code == 201
    org = created.get_json()
    assert created.headers["Location"].endswith(f"/organizations/{org['id']}")
    assert created.headers["ETag"] == '"v1"'
    assert org["status"] == "active" and org["version"] == 1 and org["city"] == "Ankara"

    read = client.get(f"/organizations/{org['id']}", headers=tokens.member_of(org["id"]))
    assert read.status_code == 200 and read.get_json()["name"] == body["name"]
    assert read.headers["ETag"] == '"v1"'
    cached = client.get(f"/organizations/{org['id']}", headers={**tokens.member_of(org["id"]), "If-None-Match": '"v1"'})
    assert cached.status_code == 304
    assert outbox_types(settings, org["id"]) == ["registry.organization.created"]


def test_invalid_organization_is_refused_with_the_fields_named(client, tokens):
    response = client.post("/organizations", headers=tokens.coordinator(),
                           json={"name": "X", "kind": "club", "country": "Turkey", "website": "not a url"})
    assert response.status_code == 422
    assert response.content_type == "application/problem+json"
    errors = response.get_json()["errors"]
    assert {"name", "kind", "country", "website"} <= set(errors)


def test_duplicate_name_in_the_same_country_is_a_409_whatever_the_case(client, tokens, create_organization):
    org = create_organization()
    again = client.post("/organizations", headers=tokens.coordinator(),
                        json=organization_body(name=org["name"].upper()))
    assert again.status_code == 409
    assert org["name"].upper() in again.get_json()["detail"]
    elsewhere = client.post("/organizations", headers=tokens.coordinator(),
                            json=organization_body(name=org["name"], country="IE"))
    assert elsewhere.status_code == 201


def test_unknown_organization_is_a_404_problem(client, tokens):
    response = client.get(f"/organizations/{uuid.uuid4()}", headers=tokens.coordinator())
    assert response.status_code == 404
    assert response.content_type == "application/problem+json"


def test_no_token_is_401_and_a_member_cannot_create(client, tokens, create_organization):
    assert client.get("/organizations").status_code == 401
    assert client.get("/organizations", headers={"Authorization": "Bearer nonsense"}).status_code == 401
    org = create_organization()
    forbidden = client.post("/organizations", json=organization_body(), headers=tokens.member_of(org["id"]))
    assert forbidden.status_code == 403
    assert forbidden.content_type == "application/problem+json"


def test_partner_client_reads_the_directory_only_with_its_scope(client, tokens, create_organization):
    org = create_organization()
    assert client.get("/organizations", headers=tokens.partner(org["id"], "events:read")).status_code == 403
    assert client.get("/organizations", headers=tokens.partner(org["id"], "registry:read")).status_code == 200


def test_org_admin_updates_own_organization_with_if_match(client, tokens, create_organization, settings):
    org = create_organization()
    admin = tokens.admin_of(org["id"])
    response = client.patch(f"/organizations/{org['id']}", json={"city": "Mersin"},
                            headers={**admin, "If-Match": '"v1"'})
    assert response.status_code == 200, response.get_json()
    assert response.get_json()["city"] == "Mersin" and response.headers["ETag"] == '"v2"'
    assert outbox_types(settings, org["id"])[-1] == "registry.organization.updated"


def test_org_admin_cannot_touch_another_organization_nor_change_roles(client, tokens, create_organization):
    mine, theirs = create_organization(), create_organization()
    admin = tokens.admin_of(mine["id"])
    other = client.patch(f"/organizations/{theirs['id']}", json={"city": "Van"}, headers={**admin, "If-Match": '"v1"'})
    assert other.status_code == 403
    roles = client.patch(f"/organizations/{mine['id']}", json={"roles": ["host_organization"]},
                         headers={**admin, "If-Match": '"v1"'})
    assert roles.status_code == 403


def test_update_needs_if_match_and_a_stale_one_is_412(client, tokens, create_organization):
    org = create_organization()
    path, coordinator = f"/organizations/{org['id']}", tokens.coordinator()
    assert client.patch(path, json={"city": "Van"}, headers=coordinator).status_code == 428
    assert client.patch(path, json={"city": "Van"}, headers={**coordinator, "If-Match": '"v1"'}).status_code == 200
    stale = client.patch(path, json={"city": "Muş"}, headers={**coordinator, "If-Match": '"v1"'})
    assert stale.status_code == 412
    assert client.get(path, headers=coordinator).get_json()["city"] == "Van"


def test_two_updates_with_the_same_etag_one_wins_one_gets_412(app, tokens, create_organization):
    org = create_organization()
    headers = {**tokens.coordinator(), "If-Match": '"v1"'}
    statuses, barrier = [], threading.Barrier(2)

    def update(city):
        with app.test_client() as c:
            barrier.wait()
            statuses.append(c.patch(f"/organizations/{org['id']}", json={"city": city}, headers=headers).status_code)

    threads = [threading.Thread(target=update, args=(city,)) for city in ("Bursa", "Konya")]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(statuses) == [200, 412]


def test_idempotent_post_creates_once_and_replays_the_answer(client, tokens, settings):
    body = organization_body()
    headers = {**tokens.coordinator(), "Idempotency-Key": str(uuid.uuid4())}
    first = client.post("/organizations", json=body, headers=headers)
    second = client.post("/organizations", json=body, headers=headers)
    assert first.status_code == second.status_code == 201
    assert first.get_json() == second.get_json()
    assert second.headers.get("Idempotent-Replayed") == "true"
    assert outbox_types(settings, first.get_json()["id"]) == ["registry.organization.created"]
    other_body = client.post("/organizations", json=organization_body(), headers=headers)
    assert other_body.status_code == 422


def test_deactivation_is_for_coordinators_and_keeps_the_record(client, tokens, create_organization, settings):
    org = create_organization()
    path = f"/organizations/{org['id']}/deactivate"
    assert client.post(path, headers={**tokens.admin_of(org["id"]), "If-Match": '"v1"'}).status_code == 403
    response = client.post(path, headers={**tokens.coordinator(), "If-Match": '"v1"'})
    assert response.status_code == 200
    assert response.get_json()["status"] == "inactive" and response.get_json()["deactivated_at"]
    assert outbox_types(settings, org["id"])[-1] == "registry.organization.deactivated"
    listed = client.get(f"/organizations?status=inactive&q={org['name'].split()[-1]}", headers=tokens.coordinator())
    assert [o["id"] for o in listed.get_json()["items"]] == [org["id"]]


def test_list_filters_by_country_focus_area_role_and_name_words(client, tokens, create_organization):
    tag = uuid.uuid4().hex[:8]
    wheel = create_organization(name=f"The Wheel {tag}", country="IE", city="Dublin",
                                roles=["partner_umbrella"], focus_areas=["civil_society"])
    refugees = create_organization(name=f"Mülteci Destek Ağı {tag}", focus_areas=["refugees"])
    headers = tokens.coordinator()

    def names(query):
        response = client.get(f"/organizations?{query}", headers=headers)
        assert response.status_code == 200, response.get_json()
        return {o["id"] for o in response.get_json()["items"]}

    assert names(f"q=whe {tag}") == {wheel["id"]}
    assert names(f"q={tag}&country=IE") == {wheel["id"]}
    assert names(f"q={tag}&focus_area=refugees") == {refugees["id"]}
    assert names(f"q={tag}&role=partner_umbrella") == {wheel["id"]}
    assert names(f"q=mülteci {tag}") == {refugees["id"]}
    assert client.get("/organizations?focus_area=knitting", headers=headers).status_code == 422


def test_cursor_pagination_walks_every_organization_once(client, tokens, create_organization):
    tag = uuid.uuid4().hex[:8]
    made = {create_organization(name=f"Sayfa {tag} {i:02d}")["id"] for i in range(23)}
    seen, cursor, pages = [], None, 0
    while True:
        query = f"/organizations?q={tag}&limit=5" + (f"&cursor={cursor}" if cursor else "")
        response = client.get(query, headers=tokens.coordinator())
        page = response.get_json()
        seen += [o["id"] for o in page["items"]]
        pages += 1
        cursor = page["next_cursor"]
        assert (f"cursor={cursor}" in response.headers["Link"]) if cursor else "Link" not in response.headers
        if not cursor:
            break
    assert pages == 5 and len(seen) == 23 and set(seen) == made


def test_the_next_page_link_is_built_from_the_configured_address_not_the_host_header(client, tokens, settings,
                                                                                    create_organization):
    for _ in range(3):
        create_organization()
    answer = client.get("/organizations?limit=1", headers={**tokens.coordinator(), "Host": "attacker.example"})
    link = answer.headers["Link"]
    assert link.startswith(f"<{settings.registry_url.rstrip('/')}/organizations?") and "attacker" not in link
