"""The Birlikte services. Each is a package laid out alike (see shared/service.py) whose
`__init__.py` describes it; none imports another."""
from __future__ import annotations

from services import archive, events, notifications, registry, web
from shared.service import Service

ALL: tuple[Service, ...] = (registry.SERVICE, events.SERVICE, notifications.SERVICE, archive.SERVICE, web.SERVICE)
SERVICES: tuple[str, ...] = tuple(s.name for s in ALL)


def service(name: str) -> Service:
    for described in ALL:
        if described.name == name:
            return described
    raise KeyError(f"no service named {name!r}; the services are {', '.join(SERVICES)}")
