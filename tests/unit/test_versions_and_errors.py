"""Versions and refusals: a change names the version it was made against, and every domain error
becomes the same problem+json answer whichever service raises it."""
import pytest
from flask import Flask

from shared import errors
from shared.auth.principal import Principal
from shared.http.errors import install, status_of
from shared.rows import keyset, prefix_query
from shared.versions import ANY, Precondition, etag


def test_a_change_without_if_match_is_refused_when_one_is_required():
    with pytest.raises(errors.PreconditionRequired):
        Precondition.from_header(None).check(3)
    Precondition.from_header(None, required=False).check(3)  # optional: nothing to compare, nothing refused


def test_a_change_against_an_older_version_is_refused_and_names_the_current_one():
    with pytest.raises(errors.PreconditionFailed) as info:
        Precondition.from_header('"v2"').check(3)
    assert info.value.current_version == 3


@pytest.mark.parametrize("header", ['"v3"', 'W/"v3"', '"v1", "v3"', "*"])
def test_the_current_version_or_any_passes(header):
    Precondition.from_header(header).check(3)
    ANY.check(3)
    assert etag(3) == '"v3"'


@pytest.mark.parametrize("kind, status", [
    (errors.BadRequest, 400), (errors.Forbidden, 403), (errors.NotFound, 404), (errors.Conflict, 409),
    (errors.TooLarge, 413), (errors.UnsupportedMediaType, 415), (errors.Invalid, 422),
    (errors.PreconditionRequired, 428), (errors.Unavailable, 503)])
def test_each_kind_has_its_status_and_a_services_own_error_that_of_its_kind(kind, status):
    class ServiceSpecific(kind):
        pass
    assert status_of(kind("t")) == status == status_of(ServiceSpecific("t"))


def _answer(error: errors.DomainError):
    app = Flask("unit")
    install(app)

    @app.get("/")
    def view():
        raise error
    return app.test_client().get("/")


def test_a_domain_error_is_answered_as_a_problem_with_its_field_errors_and_extras():
    response = _answer(errors.Conflict("Already voted", "Your organization has voted.", errors={"topic": ["Once."]},
                                       organization_id="o-1"))
    assert response.status_code == 409 and response.content_type == "application/problem+json"
    assert response.get_json() == {"type": "about:blank", "title": "Already voted", "status": 409,
                                   "detail": "Your organization has voted.", "instance": "/",
                                   "errors": {"topic": ["Once."]}, "organization_id": "o-1"}


def test_a_lost_update_answers_412_with_the_current_etag_and_bad_credentials_401_with_a_challenge():
    lost = _answer(errors.PreconditionFailed("Precondition failed", "Changed.", current_version=4))
    assert lost.status_code == 412 and lost.headers["ETag"] == '"v4"' and lost.get_json()["current_etag"] == '"v4"'
    denied = _answer(errors.Unauthenticated("Invalid client", "Wrong secret.", challenge='Basic realm="birlikte"'))
    assert denied.status_code == 401 and denied.headers["WWW-Authenticate"] == 'Basic realm="birlikte"'


def test_require_refuses_with_forbidden():
    errors.require(True, "fine")
    with pytest.raises(errors.Forbidden, match="Coordinators only"):
        errors.require(False, "Coordinators only.")


def test_a_cursor_of_another_listing_is_a_bad_request():
    assert keyset(["starts_at", "id"], ("2027-01-01", "x")) == ("(starts_at, id) > (%s, %s)", ["2027-01-01", "x"])
    with pytest.raises(errors.BadRequest):
        keyset(["starts_at", "id"], ("2027-01-01",))


def test_search_words_become_a_prefix_query():
    assert prefix_query("the whe") == "the:* & whe:*"
    assert prefix_query("Kadın-Eşitlik!") == "Kadın:* & Eşitlik:*"  # the parts of a hyphenated name are words
    assert prefix_query("- * !(a|b)") == "a:* & b:*"  # nothing to_tsquery would read as an operator
    assert prefix_query("-") == ""


def test_a_system_actor_is_named_and_no_token_can_claim_to_be_one():
    actor = Principal.system("calendar-import", organization="o-1")
    assert actor.is_system and actor.subject == "system:calendar-import" and actor.organization == "o-1"
    assert not actor.is_coordinator and not actor.is_partner_client
    forged = Principal.from_claims({"sub": "x", "roles": ["system", "member"]})
    assert not forged.is_system and forged.roles == {"member"}


def test_only_a_person_has_a_person_id():
    person = Principal.from_claims({"sub": "5f0c8a3e-8f5e-4a51-9a34-1b2b7c2f4e10", "roles": ["member"]})
    assert str(person.person_id) == "5f0c8a3e-8f5e-4a51-9a34-1b2b7c2f4e10"
    assert Principal.from_claims({"sub": "client:bk_x", "roles": ["partner_client"]}).person_id is None
    assert Principal.from_claims({"sub": "dev-coordinator", "roles": ["coordinator"]}).person_id is None
    assert Principal.system("demo").person_id is None
