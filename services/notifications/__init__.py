"""Notifications: tells people what concerns them — by email, in an in-app inbox, and by signed
webhooks to partner organizations' systems — once, in their language and time zone."""
from pathlib import Path

NAME = "notifications"
MIGRATIONS = Path(__file__).parent / "migrations"
