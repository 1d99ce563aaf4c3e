"""The archive service: not built yet (see the open issues)."""
