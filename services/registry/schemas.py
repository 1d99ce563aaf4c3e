"""Request and response schemas of the registry API."""
from __future__ import annotations

from marshmallow import Schema, ValidationError, fields, validate, validates_schema

from shared import schemas
from shared.paging import PageArgsSchema
from shared.schemas import Patch, Stripped

ORGANIZATION_KINDS = ("association", "foundation", "cooperative", "union", "platform", "network",
                      "initiative", "umbrella", "public_body", "other")
FOCUS_AREAS = ("workers_rights", "gender_equality", "refugees", "environment", "human_rights",
               "children", "youth", "disability", "lgbti", "democracy", "culture", "health",
               "education", "civil_society", "poverty", "other")
COMMUNITY_ROLES = ("participant", "partner_umbrella", "host_organization", "coordinator")
LANGUAGES = ("tr", "en", "ku", "ar", "de", "fr", "ga", "nl", "es", "it", "el", "pl")
MEMBERSHIP_KINDS = ("member", "employee", "volunteer", "board", "contact")
PARTNERSHIP_KINDS = ("peer", "study_visit_host", "program_partner", "joint_project")
CLIENT_SCOPES = ("registry:read", "events:read", "events:write", "archive:read", "notifications:webhooks")



def _name():
    return Stripped(required=True, validate=validate.Length(min=2, max=200))


def _country(**kwargs):
    return fields.String(validate=schemas.country, **kwargs)


def _list_of(choices, **kwargs):
    return fields.List(fields.String(validate=validate.OneOf(choices)), **kwargs)


def _ids(what: str):
    """A batch filter: a page asks for the rows it shows in one call (?id=…&id=…)."""
    return fields.List(fields.UUID(), data_key="id", validate=validate.Length(max=200),
                       metadata={"description": f"only these {what} (repeat the parameter: ?id=…&id=…)"})


class OrganizationIn(Schema):
    name = _name()
    kind = fields.String(required=True, validate=validate.OneOf(ORGANIZATION_KINDS))
    country = _country(required=True)
    city = fields.String(validate=validate.Length(max=120), allow_none=True)
    languages = _list_of(LANGUAGES, load_default=list)
    website = fields.URL(schemes={"http", "https"}, allow_none=True)
    email = fields.Email(allow_none=True)
    phone = fields.String(validate=validate.Length(max=40), allow_none=True)
    description = fields.String(validate=validate.Length(max=5000), allow_none=True)
    focus_areas = _list_of(FOCUS_AREAS, load_default=list)
    roles = _list_of(COMMUNITY_ROLES, load_default=lambda: ["participant"], validate=validate.Length(min=1))


class OrganizationPatch(Patch, OrganizationIn):
    pass


class OrganizationOut(OrganizationIn):
    id = fields.UUID()
    status = fields.String()
    version = fields.Integer()
    created_at = fields.DateTime()
    updated_at = fields.DateTime()
    deactivated_at = fields.DateTime(allow_none=True)


class OrganizationQuery(PageArgsSchema):
    country = _country()
    focus_area = fields.String(validate=validate.OneOf(FOCUS_AREAS))
    role = fields.String(validate=validate.OneOf(COMMUNITY_ROLES))
    status = fields.String(validate=validate.OneOf(("active", "inactive", "all")), load_default="active")
    q = fields.String(validate=validate.Length(min=1, max=100), metadata={"description": "words of the name"})
    ids = _ids("organizations")


class PersonIn(Schema):
    full_name = _name()
    email = fields.Email(required=True)
    phone = fields.String(validate=validate.Length(max=40), allow_none=True)
    preferred_language = fields.String(validate=validate.OneOf(("tr", "en")), load_default="tr")
    time_zone = fields.String(load_default="Europe/Istanbul", validate=schemas.time_zone)
    consent_contact = fields.Boolean(load_default=False)
    consent_recording = fields.Boolean(load_default=False)


class PersonRegistration(PersonIn):
    """A new person; an organization admin registers them for an organization they administer, with
    their membership of it (`organization_id` and `kind`)."""
    organization_id = fields.UUID(metadata={"description": "also make the person a member of this organization "
                                                           "(required of an organization admin)"})
    kind = fields.String(validate=validate.OneOf(MEMBERSHIP_KINDS), metadata={"description": "the membership's kind"})
    is_admin = fields.Boolean(metadata={"description": "the membership makes them an admin of the organization"})
    title = fields.String(validate=validate.Length(max=120), allow_none=True)

    @validates_schema
    def _membership_together(self, data, **_):
        given = [name for name in ("kind", "is_admin", "title") if name in data]
        if "organization_id" in data and "kind" not in data:
            raise ValidationError("Say which kind of membership the person has.", "kind")
        if "organization_id" not in data and given:
            raise ValidationError("A membership needs its organization_id.", "organization_id")


class PersonPatch(Patch, PersonIn):
    pass


class PersonOut(PersonIn):
    id = fields.UUID()
    status = fields.String()
    version = fields.Integer()
    created_at = fields.DateTime()
    updated_at = fields.DateTime()
    pending_email = fields.String(allow_none=True, metadata={
        "description": "a new address waiting for the code sent to it (reads of one person and changes)"})


class PersonQuery(PageArgsSchema):
    organization_id = fields.UUID()
    q = fields.String(validate=validate.Length(min=1, max=100))
    ids = _ids("people")
    status = fields.String(validate=validate.OneOf(("active", "inactive", "all")), load_default="active")


class MembershipIn(Schema):
    organization_id = fields.UUID(required=True)
    person_id = fields.UUID(required=True)
    kind = fields.String(required=True, validate=validate.OneOf(MEMBERSHIP_KINDS))
    is_admin = fields.Boolean(load_default=False)
    title = fields.String(validate=validate.Length(max=120), allow_none=True)
    started_on = fields.Date()


MEMBERSHIP_STATUSES = ("invited", "active", "declined", "withdrawn", "ended")


class MembershipOut(MembershipIn):
    id = fields.UUID()
    status = fields.String(metadata={"description": "invited (waiting for the person's answer), active, declined, "
                                                    "withdrawn (an invitation taken back), ended"})
    version = fields.Integer()
    invited_by = fields.String(allow_none=True)
    answered_at = fields.DateTime(allow_none=True)
    ended_at = fields.DateTime(allow_none=True)
    created_at = fields.DateTime()


class MembershipQuery(PageArgsSchema):
    organization_id = fields.UUID()
    person_id = fields.UUID()
    kind = fields.String(validate=validate.OneOf(MEMBERSHIP_KINDS))
    status = fields.String(validate=validate.OneOf((*MEMBERSHIP_STATUSES, "all")), load_default="active")


class PersonCreated(PersonOut):
    membership = fields.Nested(MembershipOut, allow_none=True,
                               metadata={"description": "the membership registered with the person, if any"})


class InvitationOut(MembershipOut):
    organization_name = fields.String()
    invited_by_name = fields.String(allow_none=True)


class EmailConfirmation(Schema):
    code = fields.String(required=True, validate=validate.Length(min=1, max=20),
                         metadata={"description": "the code emailed to the new address"})


# --- Roles, and the signed-in person's own account ----------------------------------------------

class RoleGrantIn(Schema):
    role = fields.String(required=True, validate=validate.OneOf(("coordinator",)))


class RoleGrantOut(RoleGrantIn):
    id = fields.UUID()
    person_id = fields.UUID()
    status = fields.String(metadata={"description": "active or withdrawn"})
    granted_by = fields.String()
    granted_at = fields.DateTime()
    withdrawn_by = fields.String(allow_none=True)
    withdrawn_at = fields.DateTime(allow_none=True)
    version = fields.Integer()


class MeOut(Schema):
    person = fields.Nested(PersonOut)
    roles = fields.List(fields.String(), metadata={"description": "platform roles, as the person's next token says"})
    admin_of = fields.List(fields.UUID())
    member_of = fields.List(fields.UUID())


class SessionOut(Schema):
    id = fields.UUID()
    amr = fields.List(fields.String(), metadata={"description": "how the person proved who they are"})
    auth_time = fields.DateTime()
    last_seen_at = fields.DateTime()
    user_agent = fields.String(allow_none=True)
    address = fields.String(allow_none=True)
    expires_at = fields.DateTime()
    ended_at = fields.DateTime(allow_none=True)
    clients = fields.List(fields.String(), metadata={"description": "the apps holding a refresh token of it"})
    current = fields.Boolean(metadata={"description": "the session of the token making this request"})


class SessionsEnded(Schema):
    ended = fields.Integer(metadata={"description": "how many sessions ended"})


class PartnershipIn(Schema):
    organization_id = fields.UUID(required=True)
    partner_id = fields.UUID(required=True)
    kind = fields.String(required=True, validate=validate.OneOf(PARTNERSHIP_KINDS))
    description = fields.String(validate=validate.Length(max=2000), allow_none=True)
    started_on = fields.Date()


class PartnershipOut(PartnershipIn):
    id = fields.UUID()
    status = fields.String()
    version = fields.Integer()
    ended_at = fields.DateTime(allow_none=True)
    created_at = fields.DateTime()


class PartnershipQuery(PageArgsSchema):
    organization_id = fields.UUID(metadata={"description": "either side of the partnership"})
    kind = fields.String(validate=validate.OneOf(PARTNERSHIP_KINDS))
    status = fields.String(validate=validate.OneOf(("active", "ended", "all")), load_default="active")


# --- The public directory: what anyone may read of the community ---------------------------------

class DirectoryQuery(PageArgsSchema):
    country = _country()
    focus_area = fields.String(validate=validate.OneOf(FOCUS_AREAS))
    role = fields.String(validate=validate.OneOf(COMMUNITY_ROLES))
    q = fields.String(validate=validate.Length(min=1, max=100), metadata={"description": "words of the name"})


class DirectoryPartnershipOut(Schema):
    """A partnership seen from one of its organizations: the other one is the `partner`."""
    id = fields.UUID()
    kind = fields.String()
    description = fields.String(allow_none=True)
    started_on = fields.Date(allow_none=True)
    partner_id = fields.UUID()
    partner_name = fields.String()
    partner_country = fields.String()
    partner_side = fields.String(metadata={"description": "organization: the partner is the partnership's "
                                                          "organization_id (of a study_visit_host partnership, the "
                                                          "host); partner: it is its partner_id"})


class DirectoryOrganizationOut(Schema):
    """An active organization's public face: no contact addresses, no people, no clients."""
    id = fields.UUID()
    name = fields.String()
    kind = fields.String()
    country = fields.String()
    city = fields.String(allow_none=True)
    languages = fields.List(fields.String())
    website = fields.String(allow_none=True)
    description = fields.String(allow_none=True)
    focus_areas = fields.List(fields.String())
    roles = fields.List(fields.String())
    partnerships = fields.List(fields.Nested(DirectoryPartnershipOut),
                               metadata={"description": "its active partnerships with active organizations"})


class ClientIn(Schema):
    name = Stripped(required=True, validate=validate.Length(min=2, max=120))
    scopes = _list_of(CLIENT_SCOPES, required=True, validate=validate.Length(min=1))


class ClientOut(ClientIn):
    id = fields.UUID()
    client_id = fields.String()
    organization_id = fields.UUID()
    status = fields.String()
    version = fields.Integer()
    created_at = fields.DateTime()
    revoked_at = fields.DateTime(allow_none=True)


class ClientCreated(ClientOut):
    client_secret = fields.String(metadata={"description": "shown once; only its hash is kept"})


class TokenRequest(Schema):
    grant_type = fields.String(required=True, validate=validate.Equal("client_credentials"))
    client_id = fields.String()
    client_secret = fields.String()
    scope = fields.String()


class TokenResponse(Schema):
    access_token = fields.String()
    token_type = fields.String()
    expires_in = fields.Integer()
    scope = fields.String()
