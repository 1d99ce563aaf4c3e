"""The events service's state changes: one plain function per use case, `op(cur, actor, …)`. Each
checks its rules, writes, emits its messages, and never commits (the caller's transaction does).
Who may call it is the caller's decision (services/events/access.py)."""

OPEN = ("scheduled", "rescheduled")   # announced, not over: registrations come and go
CLOSED = ("completed", "cancelled")  # over: what they hold stays as it is
