"""The notifications service: not built yet (see the open issues)."""
