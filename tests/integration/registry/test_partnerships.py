"""Partnerships between organizations."""
import uuid

from tests.support.registry import outbox_types


def test_admin_of_either_side_records_a_study_visit_host_partnership(client, tokens, create_organization, settings):
    host = create_organization(country="DE", city="Berlin", roles=["host_organization"])
    participant = create_organization()
    body = {"organization_id": host["id"], "partner_id": participant["id"], "kind": "study_visit_host",
            "description": "10-15 day on-the-job learning visit"}
    assert client.post("/partnerships", json=body, headers=tokens.admin_of(uuid.uuid4())).status_code == 403
    created = client.post("/partnerships", json=body, headers=tokens.admin_of(participant["id"]))
    assert created.status_code == 201, created.get_json()
    assert client.post("/partnerships", json=body, headers=tokens.coordinator()).status_code == 409

    partnership = created.get_json()
    listed = client.get(f"/partnerships?organization_id={participant['id']}", headers=tokens.member_of(host["id"]))
    assert [p["id"] for p in listed.get_json()["items"]] == [partnership["id"]]

    ended = client.post(f"/partnerships/{partnership['id']}/end", headers={**tokens.admin_of(host["id"]), "If-Match": '"v1"'})
    assert ended.status_code == 200 and ended.get_json()["status"] == "ended"
    assert outbox_types(settings, partnership["id"]) == ["registry.partnership.created", "registry.partnership.ended"]


def test_an_organization_cannot_partner_with_itself(client, tokens, create_organization):
    org = create_organization()
    response = client.post("/partnerships", headers=tokens.coordinator(),
                           json={"organization_id": org["id"], "partner_id": org["id"], "kind": "peer"})
    assert response.status_code == 422 and "partner_id" in response.get_json()["errors"]


def test_bad_kind_is_named(client, tokens, create_organization):
    a, b = create_organization(), create_organization()
    response = client.post("/partnerships", headers=tokens.coordinator(),
                           json={"organization_id": a["id"], "partner_id": b["id"], "kind": "rival"})
    assert response.status_code == 422 and "kind" in response.get_json()["errors"]
