"""What the registry publishes."""
from marshmallow import Schema, fields

from shared.contracts import register


class Organization(Schema):
    id = fields.UUID(required=True)
    name = fields.String(required=True)
    kind = fields.String(required=True)
    country = fields.String(required=True)
    city = fields.String(allow_none=True)
    roles = fields.List(fields.String(), required=True)
    focus_areas = fields.List(fields.String(), required=True)
    status = fields.String(required=True)
    version = fields.Integer(required=True)


class Person(Schema):
    id = fields.UUID(required=True)
    full_name = fields.String(required=True)
    email = fields.Email(required=True)  # notifications needs it to reach the person
    preferred_language = fields.String(required=True)
    time_zone = fields.String(required=True)
    consent_contact = fields.Boolean(required=True)
    consent_recording = fields.Boolean(required=True)
    status = fields.String(required=True)
    version = fields.Integer(required=True)


class Membership(Schema):
    id = fields.UUID(required=True)
    organization_id = fields.UUID(required=True)
    person_id = fields.UUID(required=True)
    kind = fields.String(required=True)
    is_admin = fields.Boolean(required=True)
    status = fields.String(required=True)


class Partnership(Schema):
    id = fields.UUID(required=True)
    organization_id = fields.UUID(required=True)
    partner_id = fields.UUID(required=True)
    kind = fields.String(required=True)
    status = fields.String(required=True)


class Client(Schema):
    id = fields.UUID(required=True)
    client_id = fields.String(required=True)  # the public id its tokens name (`client:<client_id>`)
    organization_id = fields.UUID(required=True)
    name = fields.String(required=True)
    scopes = fields.List(fields.String(), required=True)
    status = fields.String(required=True)


class Session(Schema):
    """A person's signed-in session on a device; `ended` means its tokens stop working everywhere."""
    id = fields.UUID(required=True)
    person_id = fields.UUID(required=True)
    reason = fields.String(required=True)


class RoleGrant(Schema):
    id = fields.UUID(required=True)
    person_id = fields.UUID(required=True)
    role = fields.String(required=True)
    status = fields.String(required=True)


for entity, schema, actions in (
    ("organization", Organization, ("created", "updated", "deactivated")),
    ("person", Person, ("created", "updated", "deactivated")),
    ("membership", Membership, ("created", "ended")),
    ("partnership", Partnership, ("created", "ended")),
    ("client", Client, ("created", "revoked")),
    ("session", Session, ("ended",)),
    ("role", RoleGrant, ("granted", "withdrawn")),
):
    for action in actions:
        register(f"registry.{entity}.{action}", schema)
