"""Standard Webhooks signatures: a subscription's secret, and the signed request each delivery is."""
from __future__ import annotations

import base64
import json
import secrets
from datetime import datetime

from standardwebhooks.webhooks import Webhook

USER_AGENT = "Birlikte-Webhooks/1"


def new_secret() -> str:
    """whsec_ + base64 of 24 random bytes, as Standard Webhooks prescribes."""
    return "whsec_" + base64.b64encode(secrets.token_bytes(24)).decode()


def signed_request(secret: str, webhook_id: str, payload: dict, sent_at: datetime) -> tuple[bytes, dict]:
    """The body and headers of a delivery: `webhook-id`, `webhook-timestamp`, `webhook-signature`."""
    body = json.dumps(payload, separators=(",", ":"), ensure_ascii=False)
    headers = {"webhook-id": webhook_id, "webhook-timestamp": str(int(sent_at.timestamp())),
               "webhook-signature": Webhook(secret).sign(webhook_id, sent_at, body),
               "Content-Type": "application/json", "User-Agent": USER_AGENT}
    return body.encode(), headers
