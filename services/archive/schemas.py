"""Request and response schemas of the archive API."""
from __future__ import annotations

from marshmallow import Schema, ValidationError, fields, validate, validates_schema

from shared.paging import PageArgsSchema
from shared.schemas import Patch, Pattern

TYPES = ("recording", "publication", "material", "link")
VISIBILITIES = ("public", "members", "participants")
LANGUAGES = ("tr", "en")
TAG = Pattern(r"^[a-z0-9][a-z0-9_-]{1,59}$", error="Use lower-case words joined by _ or -.")


def texts(max_length: int, **kwargs):
    return fields.Dict(keys=fields.String(validate=validate.OneOf(LANGUAGES)),
                       values=fields.String(validate=validate.Length(min=1, max=max_length)), **kwargs)


class Speaker(Schema):
    name = fields.String(required=True, validate=validate.Length(min=1, max=200))
    person_id = fields.UUID(allow_none=True, metadata={"description": "needed on recordings: consent is theirs"})


class ItemFields(Schema):
    type = fields.String(required=True, validate=validate.OneOf(TYPES))
    media = fields.String(validate=validate.OneOf(("video", "audio")), allow_none=True)
    title = texts(300, required=True, validate=validate.Length(min=1))
    description = texts(20000, load_default=dict)
    language = fields.String(required=True, validate=validate.OneOf(LANGUAGES),
                             metadata={"description": "the item's language: decides how it is searched"})
    published_on = fields.Date(allow_none=True)
    topics = fields.List(fields.String(validate=TAG), load_default=list)
    event_ids = fields.List(fields.UUID(), load_default=list)
    organization_ids = fields.List(fields.UUID(), load_default=list)
    speakers = fields.List(fields.Nested(Speaker), load_default=list)
    license = fields.String(validate=validate.Length(max=100), allow_none=True,
                            metadata={"description": "e.g. CC-BY-4.0"})
    external_url = fields.URL(schemes={"https", "http"}, allow_none=True,
                              metadata={"description": "for links, e.g. a video channel"})
    visibility = fields.String(load_default="members", validate=validate.OneOf(VISIBILITIES))


class ItemIn(ItemFields):
    @validates_schema
    def _link_has_url(self, data, **_):
        if data.get("type") == "link" and not data.get("external_url"):
            raise ValidationError({"external_url": ["A link needs its URL."]})
        if data.get("visibility") == "participants" and not data.get("event_ids"):
            raise ValidationError({"visibility": ["'participants' needs the events whose participants may see it."]})


class ItemPatch(Patch, ItemFields):
    pass


class FileInfo(Schema):
    name = fields.String(attribute="file_name")
    size = fields.Integer(attribute="file_size")
    sha256 = fields.String(attribute="file_sha256")
    content_type = fields.String()


class ItemOut(ItemFields):
    id = fields.UUID()
    status = fields.String()
    version = fields.Integer()
    file = fields.Method("_file")
    captions = fields.List(fields.String(), dump_default=list, metadata={"description": "languages with captions"})
    rank = fields.Float(allow_none=True, metadata={"description": "search relevance, when searching"})
    created_at = fields.DateTime()
    published_at = fields.DateTime(allow_none=True)

    def _file(self, item):
        return FileInfo().dump(item) if item.get("file_key") else None


class ItemQuery(PageArgsSchema):
    q = fields.String(validate=validate.Length(min=1, max=200), metadata={"description": "words, in Turkish or English"})
    type = fields.String(validate=validate.OneOf(TYPES))
    topic = fields.String(validate=TAG)
    event_id = fields.UUID()
    organization_id = fields.UUID()
    language = fields.String(validate=validate.OneOf(LANGUAGES))
    date_from = fields.Date(data_key="from")
    date_to = fields.Date(data_key="to")
    status = fields.String(validate=validate.OneOf(("draft", "published", "withdrawn")))
