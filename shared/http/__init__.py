"""HTTP conventions every service shares: problems, pagination, versions, idempotency, health."""
