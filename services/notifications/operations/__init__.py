"""Notifications' use cases: one plain function per state change, called by views, message
handlers, timers and the demo alike. Each checks its rules, writes and emits its messages; the
caller's transaction commits it. The timers (`fire_due`, `send_digests`, `send_due`,
`deliver_due`) take their connections from the pool themselves: the senders commit each step,
because they hold claims on a lease while they talk to mail servers and partners' systems."""
