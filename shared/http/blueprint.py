"""flask-smorest's Blueprint, with each argument schema built once at import rather than on every
request (webargs instantiates a schema class per request, and building one costs more than using it)."""
from __future__ import annotations

import flask_smorest


class Blueprint(flask_smorest.Blueprint):
    def arguments(self, schema, *args, **kwargs):
        if isinstance(schema, type):
            schema = schema()
        return super().arguments(schema, *args, **kwargs)
