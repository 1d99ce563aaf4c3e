"""Bearer tokens for each kind of caller, signed with the run's test key."""
from __future__ import annotations

import uuid

from shared.auth.tokens import TokenIssuer


class Tokens:
    """Bearer headers for each kind of caller the registry distinguishes."""

    def __init__(self, settings):
        self.issuer = TokenIssuer(settings)

    def _bearer(self, subject=None, **claims) -> dict:
        token = self.issuer.issue(subject or str(uuid.uuid4()), **claims)
        return {"Authorization": f"Bearer {token}"}

    def coordinator(self) -> dict:
        return self._bearer(roles=("coordinator",))

    def admin_of(self, *organization_ids, subject=None) -> dict:
        ids = tuple(str(o) for o in organization_ids)
        return self._bearer(subject, roles=("org_admin", "member"), admin_of=ids, member_of=ids)

    def member_of(self, *organization_ids, subject=None) -> dict:
        return self._bearer(subject, roles=("member",), member_of=tuple(str(o) for o in organization_ids))

    def partner(self, organization_id, *scopes) -> dict:
        return self._bearer(f"client:{uuid.uuid4().hex[:8]}", roles=("partner_client",), scopes=scopes,
                            organization=str(organization_id))
