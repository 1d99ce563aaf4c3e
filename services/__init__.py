"""The Birlikte services. Each is a package with `app.create_app`, `worker.create_worker`
and `migrations/`; none imports another."""

SERVICES = ("registry", "events", "notifications", "archive")
