"""What the notifications service publishes: the outcome of each email and webhook delivery."""
from marshmallow import Schema, fields

from shared.contracts import register


class EmailDelivery(Schema):
    notification_id = fields.UUID(required=True)
    recipient_id = fields.UUID(required=True)
    kind = fields.String(required=True)
    channel = fields.String(required=True)
    attempts = fields.Integer(required=True)
    error = fields.String(allow_none=True)


class WebhookDelivery(Schema):
    delivery_id = fields.UUID(required=True)
    subscription_id = fields.UUID(required=True)
    organization_id = fields.UUID(required=True)
    webhook_id = fields.String(required=True)
    event_type = fields.String(required=True)
    attempts = fields.Integer(required=True)
    status_code = fields.Integer(allow_none=True)
    error = fields.String(allow_none=True)


for type_, schema in (
    ("notifications.delivery.sent", EmailDelivery), ("notifications.delivery.failed", EmailDelivery),
    ("notifications.delivery.webhook_delivered", WebhookDelivery),
    ("notifications.delivery.webhook_failed", WebhookDelivery),
):
    register(type_, schema)
