"""The events service: not built yet (see the open issues)."""
