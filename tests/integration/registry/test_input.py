"""Input the registry refuses with a 422 naming the field, or answers plainly, and never a 500: searches
without a word, over-long time zones, values with a trailing newline, made-up countries, blank names,
query arguments no endpoint takes."""
from __future__ import annotations

import pytest

from tests.support.registry import organization_body, person_body, unique

PROBLEM = "application/problem+json"


def refused(response, field: str) -> list[str]:
    assert response.status_code == 422, response.get_data(as_text=True)
    assert response.content_type == PROBLEM
    return response.get_json()["errors"][field]


@pytest.mark.parametrize("path", ["/organizations", "/people", "/directory/organizations"])
@pytest.mark.parametrize("q", ["-", "*", "'", "!", "&|", "()", ":*", "- *"])
def test_a_search_without_a_letter_or_digit_finds_nothing(client, tokens, create_organization, path, q):
    create_organization()
    response = client.get(path, query_string={"q": q}, headers=tokens.coordinator())
    assert response.status_code == 200, response.get_data(as_text=True)
    assert response.get_json()["items"] == []


def test_a_search_finds_each_part_of_a_hyphenated_name_whatever_the_punctuation(client, tokens, create_organization):
    org = create_organization(name=unique("Kadın-Eşitlik Platformu"))
    for q in ("kadın-eşit", "Kadın Eşitlik", "eşit!", "(kadın) & platform"):
        found = client.get("/organizations", query_string={"q": q, "limit": 200}, headers=tokens.coordinator())
        assert org["id"] in [o["id"] for o in found.get_json()["items"]], q


def test_a_time_zone_too_long_to_be_a_file_name_is_a_422(client, tokens, create_person):
    zone = "Europe/" + "x" * 300
    assert refused(client.post("/people", json=person_body(time_zone=zone), headers=tokens.coordinator()),
                   "time_zone") == ["Use an IANA time zone, e.g. Europe/Istanbul or Europe/Dublin."]
    person = create_person()
    patch = client.patch(f"/people/{person['id']}", json={"time_zone": zone},
                         headers={**tokens.coordinator(), "If-Match": '"v1"'})
    assert refused(patch, "time_zone")
    assert refused(client.post("/people", json=person_body(time_zone="Mars/Olympus"), headers=tokens.coordinator()),
                   "time_zone")
    assert client.post("/people", json=person_body(time_zone="Europe/Dublin"),
                       headers=tokens.coordinator()).status_code == 201


@pytest.mark.parametrize("country", ["TR\n", "XX", "ZZ", "EU", "tr", "TUR", " TR"])
def test_only_a_real_country_code_is_taken_and_nothing_around_it(client, tokens, country):
    response = client.post("/organizations", json=organization_body(country=country), headers=tokens.coordinator())
    assert refused(response, "country") == ["Use an ISO 3166 alpha-2 code, e.g. TR or IE."]
    assert client.get("/organizations", query_string={"country": country},
                      headers=tokens.coordinator()).status_code == 422


def test_real_country_codes_are_taken(client, tokens):
    for country in ("TR", "IE", "DE", "XK"):
        response = client.post("/organizations", json=organization_body(country=country),
                               headers=tokens.coordinator())
        assert response.status_code == 201 and response.get_json()["country"] == country


def test_a_name_of_only_spaces_is_refused_and_spaces_around_a_name_are_dropped(client, tokens, create_organization):
    assert refused(client.post("/organizations", json=organization_body(name="    "), headers=tokens.coordinator()),
                   "name")
    assert refused(client.post("/people", json=person_body(full_name=" \t "), headers=tokens.coordinator()),
                   "full_name")
    org = create_organization()
    assert refused(client.post(f"/organizations/{org['id']}/clients", json={"name": "   ", "scopes": ["events:read"]},
                               headers=tokens.admin_of(org["id"])), "name")
    name = unique("Dayanışma Ağı")
    created = client.post("/organizations", json=organization_body(name=f"  {name}  "), headers=tokens.coordinator())
    assert created.status_code == 201 and created.get_json()["name"] == name


@pytest.mark.parametrize("path, argument", [
    ("/people", "email"), ("/organizations", "name"), ("/memberships", "person"), ("/partnerships", "partner"),
    ("/directory/organizations", "status"), ("/me/invitations", "q")])
def test_a_query_argument_no_endpoint_takes_is_a_422_naming_it(client, tokens, path, argument):
    response = client.get(path, query_string={argument: "someone@example.org", "limit": 5},
                          headers=tokens.coordinator())
    assert refused(response, argument) == ["Unknown field."]


def test_paging_and_filters_are_still_taken(client, tokens, create_organization):
    for _ in range(3):
        create_organization(country="IE")
    first = client.get("/organizations?country=IE&limit=2&status=active", headers=tokens.coordinator())
    assert first.status_code == 200 and len(first.get_json()["items"]) == 2
    after = client.get("/organizations", query_string={"country": "IE", "limit": 2,
                                                       "cursor": first.get_json()["next_cursor"]},
                       headers=tokens.coordinator())
    assert after.status_code == 200 and after.get_json()["items"]
