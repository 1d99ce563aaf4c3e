"""A local mail catcher for `birlikte up`: where no SMTP server is configured, emails are accepted
on localhost and written as .eml files under the state directory, to be opened in any mail reader."""
from __future__ import annotations

import uuid
from pathlib import Path

from aiosmtpd.controller import Controller


class _SaveToDisk:
    def __init__(self, directory: Path):
        self.directory = directory

    async def handle_DATA(self, server, session, envelope):
        (self.directory / f"{uuid.uuid4().hex}.eml").write_bytes(envelope.content)
        return "250 Message accepted for delivery"


def start(directory: Path, port: int, host: str = "127.0.0.1") -> tuple[Controller, int]:
    directory.mkdir(parents=True, exist_ok=True)
    controller = Controller(_SaveToDisk(directory), hostname=host, port=port)
    controller.start()
    return controller, port
