"""A real SMTP server for the tests (aiosmtpd on localhost) that keeps what it accepted."""
from __future__ import annotations

import asyncio
import email
import email.policy
import socket
import threading
import time

from aiosmtpd.controller import Controller


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class Mailbox:
    """The aiosmtpd handler: every accepted message, parsed; optional failure or delay on DATA."""

    def __init__(self):
        self.messages: list[email.message.EmailMessage] = []
        self.lock = threading.Lock()
        self.refuse_with: str | None = None   # e.g. "451 try again later"
        self.stall_subject: str | None = None  # hold a message with this subject until the client goes away
        self.stalled = threading.Event()
        self.seconds_per_message = 0.0         # a slow server: each DATA answered after this long

    async def handle_DATA(self, server, session, envelope):
        if self.refuse_with:
            return self.refuse_with
        if self.seconds_per_message:
            await asyncio.sleep(self.seconds_per_message)
        message = email.message_from_bytes(envelope.content, policy=email.policy.default)
        if self.stall_subject and message["Subject"] == self.stall_subject:
            self.stalled.set()
            while not server.transport.is_closing():
                await asyncio.sleep(0.05)
            # The client vanished before our 250: like a real server, keep no copy of what it never confirmed.
            return "421 connection lost"
        with self.lock:
            self.messages.append(message)
        return "250 Message accepted for delivery"

    def to(self, address: str, kind: str | None = None) -> list:
        """What reached `address` (of one kind only, by X-Birlikte-Kind: "sign_in", "event_new", …)."""
        with self.lock:
            return [m for m in self.messages
                    if address in str(m["To"]) and (kind is None or m["X-Birlikte-Kind"] == kind)]

    def count_to(self, addresses) -> dict[str, int]:
        """How many messages reached each of `addresses` (by the To header's address)."""
        counts = dict.fromkeys(addresses, 0)
        with self.lock:
            for message in self.messages:
                for to in message["To"].addresses:
                    if to.addr_spec in counts:
                        counts[to.addr_spec] += 1
        return counts

    def wait_for(self, address: str, count: int = 1, timeout: float = 10.0, kind: str | None = None) -> list:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            found = self.to(address, kind)
            if len(found) >= count:
                return found
            time.sleep(0.05)
        return self.to(address, kind)


class SmtpServer:
    def __init__(self):
        self.mailbox = Mailbox()
        self.port = free_port()
        self.controller = Controller(self.mailbox, hostname="127.0.0.1", port=self.port)

    def start(self) -> "SmtpServer":
        self.controller.start()
        return self

    def stop(self) -> None:
        self.controller.stop()
