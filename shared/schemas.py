"""What the services' HTTP schemas share (marshmallow, no Flask)."""
from __future__ import annotations

from marshmallow import Schema


class Patch(Schema):
    """Any subset of the fields; what is left out stays as it is (no defaults applied). Mix it in
    first: `class PersonPatch(Patch, PersonIn)`."""

    def __init__(self, **kwargs):
        super().__init__(partial=True, **kwargs)
