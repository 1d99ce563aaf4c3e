"""Request-scoped context that follows work across threads of one request or message."""
from __future__ import annotations

import contextvars
import uuid

correlation_id: contextvars.ContextVar[str | None] = contextvars.ContextVar("correlation_id", default=None)


def current_correlation_id() -> str:
    """The correlation id in force, or a fresh one for work that starts here."""
    value = correlation_id.get()
    if value is None:
        value = str(uuid.uuid4())
        correlation_id.set(value)
    return value
