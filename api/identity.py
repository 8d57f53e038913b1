"""Who a person signed in by the organisation's provider is to us.

Their claims (from the ID token at sign-in, or a provider access token on the API) are read
through the settings' claim mapping: one of our roles, their area, and the practitioner in the
directory they are linked to. The practitioner's id is who they are in every event and check.
"""

from dataclasses import dataclass
from typing import Any, cast
from uuid import UUID

from api.auth import Principal
from projections.caseloads import practitioners_with_email
from projections.key_working import KeyWorking
from services.commands import NotFound
from services.keywork import Keywork
from services.permissions import Role
from services.settings import Settings

# A person with several of our roles acts in the first of them here. Systems sign in with
# `keywork token`, never as a person, so "downstream" is not a person's role.
PERSON_ROLES: tuple[Role, ...] = (
    "admin",
    "manager",
    "coordinator",
    "business_support",
    "key_worker",
    "commissioner",
)


class NoAccess(Exception):
    """The person is known to the provider but has no access here; the message says why."""


@dataclass(frozen=True)
class ClaimMapping:
    roles_claim: str
    role_map: dict[str, Role]
    area_claim: str
    team_claim: str | None
    link_claim: str
    link_field: str

    @classmethod
    def of(cls, settings: Settings) -> "ClaimMapping":
        return cls(
            settings.oidc_roles_claim,
            settings.oidc_role_map,
            settings.oidc_area_claim,
            settings.oidc_team_claim,
            settings.oidc_link_claim,
            settings.oidc_link_field,
        )

    def role(self, claims: dict[str, Any]) -> Role:
        named = claims.get(self.roles_claim)
        listed = [named] if isinstance(named, str) else named if isinstance(named, list) else []
        names = [name for name in listed if isinstance(name, str)]
        ours = {self.role_map.get(name) if self.role_map else name for name in names}
        for role in PERSON_ROLES:
            if role in ours:
                return role
        raise NoAccess("Your account has no role in this service.")

    def text(self, claims: dict[str, Any], claim: str | None) -> str | None:
        value = claims.get(claim) if claim else None
        return value if isinstance(value, str) and value else None


def person(
    claims: dict[str, Any], mapping: ClaimMapping, keywork: Keywork, directory: KeyWorking
) -> Principal:
    """The person the claims describe, or NoAccess saying why they may not come in."""
    role = mapping.role(claims)
    practitioner_id = _linked_practitioner(
        mapping.text(claims, mapping.link_claim), mapping, directory
    )
    try:
        practitioner = keywork.practitioner(practitioner_id)
    except NotFound:
        raise NoAccess(NO_PRACTITIONER) from None
    if practitioner.left_on is not None and practitioner.left_on <= keywork.clock().date():
        raise NoAccess("Your record in the directory says you have left the agency.")
    team = mapping.text(claims, mapping.team_claim) or practitioner.team_id
    return Principal(str(practitioner_id), role, team, mapping.text(claims, mapping.area_claim))


NO_PRACTITIONER = "Your account is not linked to a practitioner in this service's directory."


def _linked_practitioner(link: str | None, mapping: ClaimMapping, directory: KeyWorking) -> UUID:
    if link is None:
        raise NoAccess(NO_PRACTITIONER)
    if mapping.link_field == "practitioner_id":
        try:
            return UUID(link)
        except ValueError:
            raise NoAccess(NO_PRACTITIONER) from None
    found = practitioners_with_email(directory, link)
    if len(found) > 1:
        raise NoAccess("More than one practitioner in the directory has your email address.")
    if not found:
        raise NoAccess(NO_PRACTITIONER)
    return cast(UUID, found[0])
