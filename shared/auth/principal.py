"""Who acts: a caller's verified token claims, or a named part of the platform itself."""
from __future__ import annotations

import uuid
from dataclasses import dataclass, field

COORDINATOR, ORG_ADMIN, MEMBER, PARTNER_CLIENT = "coordinator", "org_admin", "member", "partner_client"
SYSTEM = "system"


@dataclass(frozen=True)
class Principal:
    subject: str
    roles: frozenset[str] = field(default_factory=frozenset)
    admin_of: frozenset[str] = field(default_factory=frozenset)
    member_of: frozenset[str] = field(default_factory=frozenset)
    scopes: frozenset[str] = field(default_factory=frozenset)
    organization: str | None = None  # a partner client's own organization

    @classmethod
    def from_claims(cls, claims: dict) -> "Principal":
        return cls(
            subject=str(claims["sub"]),
            roles=frozenset(claims.get("roles") or ()) - {SYSTEM},  # no token speaks for the platform itself
            admin_of=frozenset(map(str, claims.get("admin_of") or ())),
            member_of=frozenset(map(str, claims.get("member_of") or ())),
            scopes=frozenset((claims.get("scope") or "").split()),
            organization=claims.get("org"),
        )

    @classmethod
    def system(cls, name: str, *, organization: str | None = None) -> "Principal":
        """A worker, timer or import acting on its own account, e.g. `system:calendar-import`.
        `organization`: the organization on whose behalf it acts, if any (a partner's feed)."""
        return cls(subject=f"system:{name}", roles=frozenset({SYSTEM}),
                   organization=str(organization) if organization else None)

    @property
    def is_system(self) -> bool:
        return SYSTEM in self.roles

    @property
    def person_id(self) -> uuid.UUID | None:
        """The person acting, when the subject is one (a partner's system or the platform is not)."""
        if self.is_partner_client or self.is_system:
            return None
        try:
            return uuid.UUID(self.subject)
        except ValueError:
            return None

    @property
    def is_coordinator(self) -> bool:
        return COORDINATOR in self.roles

    @property
    def is_partner_client(self) -> bool:
        return PARTNER_CLIENT in self.roles

    def can_admin(self, organization_id: str) -> bool:
        return self.is_coordinator or str(organization_id) in self.admin_of

    def is_member_of(self, organization_id: str) -> bool:
        organization_id = str(organization_id)
        return organization_id in self.member_of or organization_id in self.admin_of

    def has_scope(self, scope: str) -> bool:
        return scope in self.scopes
