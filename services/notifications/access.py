"""Who may read and change what in notifications: pure decisions over the caller (and the
organization a webhook subscription belongs to); each refuses with Forbidden."""
from __future__ import annotations

from shared.auth.principal import Principal
from shared.errors import require

WEBHOOKS_SCOPE = "notifications:webhooks"


def require_inbox_owner(principal: Principal) -> None:
    require(not principal.is_partner_client, "The inbox belongs to people, not to API clients.")


def require_preferences_owner(principal: Principal) -> None:
    require(not principal.is_partner_client, "Preferences belong to people.")


def require_webhook_reader(principal: Principal) -> None:
    if principal.is_partner_client:
        require(principal.has_scope(WEBHOOKS_SCOPE), f"This client needs the {WEBHOOKS_SCOPE} scope.")


def require_webhook_owner(principal: Principal, organization_id) -> None:
    """An organization's webhooks are managed by its admins (and coordinators), and by its own
    partner clients with the webhooks scope."""
    if principal.is_partner_client:
        require(principal.has_scope(WEBHOOKS_SCOPE) and principal.organization == str(organization_id),
                f"This client needs the {WEBHOOKS_SCOPE} scope, for its own organization.")
    else:
        require(principal.can_admin(str(organization_id)),
                "Only a coordinator or an admin of this organization manages its webhooks.")


def webhook_organizations(principal: Principal) -> list[str] | None:
    """The organizations whose webhook subscriptions the caller sees; None means all of them."""
    if principal.is_coordinator:
        return None
    mine = [principal.organization] if principal.is_partner_client else sorted(principal.admin_of)
    return [m for m in mine if m]
