"""The archive's state changes: one plain function per use case, `op(cur, actor, …)`. Each checks
its rules, writes, emits its messages, and never commits (the caller's transaction does)."""
