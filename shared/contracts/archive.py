"""What the archive publishes."""
from marshmallow import Schema, fields

from shared.contracts import register


class Item(Schema):
    id = fields.UUID(required=True)
    type = fields.String(required=True)
    title = fields.Dict(keys=fields.String(), values=fields.String(), required=True)
    language = fields.String(required=True)
    event_ids = fields.List(fields.UUID(), required=True)
    organization_ids = fields.List(fields.UUID(), required=True)
    visibility = fields.String(required=True)
    status = fields.String(required=True)
    topics = fields.List(fields.String(), required=True)


for action in ("created", "published", "withdrawn"):
    register(f"archive.item.{action}", Item)
