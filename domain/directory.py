"""Agencies and the practitioners who work for them."""

from typing import Literal
from uuid import UUID

from eventsourcing.domain import event

from domain.aggregate import KeyworkAggregate, require_choice, require_text
from domain.stamp import Stamp

Sector = Literal["health", "education", "social_care", "housing", "voluntary", "other"]


class Agency(KeyworkAggregate):
    @classmethod
    def register(cls, stamp: Stamp, name: str, sector: Sector) -> "Agency":
        require_text("name", name, 200)
        require_choice("sector", sector, Sector)
        return cls(stamp, name, sector)

    @event("Registered")
    def __init__(self, stamp: Stamp, name: str, sector: Sector) -> None:
        self.name = name
        self.sector = sector


class Practitioner(KeyworkAggregate):
    @classmethod
    def register(
        cls,
        stamp: Stamp,
        *,
        name: str,
        role_title: str,
        agency_id: UUID,
        email: str | None = None,
        phone: str | None = None,
        postal_address: str | None = None,
        team_id: str | None = None,
    ) -> "Practitioner":
        require_text("name", name, 200)
        require_text("role_title", role_title, 200)
        return cls(stamp, name, role_title, agency_id, email, phone, postal_address, team_id)

    @event("Registered")
    def __init__(
        self,
        stamp: Stamp,
        name: str,
        role_title: str,
        agency_id: UUID,
        email: str | None,
        phone: str | None,
        postal_address: str | None,
        team_id: str | None,
    ) -> None:
        self.name = name
        self.role_title = role_title
        self.agency_id = agency_id
        self.email = email
        self.phone = phone
        self.postal_address = postal_address
        self.team_id = team_id
