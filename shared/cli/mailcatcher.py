"""A local mail catcher for `birlikte up`: where no SMTP server is configured, emails are accepted
on localhost and written as .eml files under the state directory, to be opened in any mail reader.
In this development set-up only, it also says each sign-in code out loud (`on_sign_in`), so that
signing in as a demo person needs no mail reader at all."""
from __future__ import annotations

import email
import email.policy
import re
import uuid
from pathlib import Path
from typing import Callable

from aiosmtpd.controller import Controller

CODE = re.compile(r"^\s+(\d{6})\s*$", re.MULTILINE)


class _SaveToDisk:
    def __init__(self, directory: Path, on_sign_in: Callable[[str, str], None] | None):
        self.directory, self.on_sign_in = directory, on_sign_in

    async def handle_DATA(self, server, session, envelope):
        (self.directory / f"{uuid.uuid4().hex}.eml").write_bytes(envelope.content)
        if self.on_sign_in is not None:
            self._say_code(envelope.content)
        return "250 Message accepted for delivery"

    def _say_code(self, content: bytes) -> None:
        message = email.message_from_bytes(content, policy=email.policy.default)
        if message["X-Birlikte-Kind"] != "sign_in":
            return
        found = CODE.search(message.get_body(preferencelist=("plain",)).get_content())
        if found:
            self.on_sign_in(str(message["To"]), found.group(1))


def start(directory: Path, port: int, host: str = "127.0.0.1",
          on_sign_in: Callable[[str, str], None] | None = None) -> tuple[Controller, int]:
    directory.mkdir(parents=True, exist_ok=True)
    controller = Controller(_SaveToDisk(directory, on_sign_in), hostname=host, port=port)
    controller.start()
    return controller, port
