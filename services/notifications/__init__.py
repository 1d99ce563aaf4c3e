"""Notifications: tells people what concerns them — by email, in an in-app inbox, and by signed
webhooks to partner organizations' systems — once, in their language and time zone."""
from shared.service import Service

NAME = "notifications"
SERVICE = Service(name=NAME, title="Birlikte notifications", port=8003, package=__name__)
