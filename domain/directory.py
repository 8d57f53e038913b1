"""Agencies and the practitioners who work for them."""

from datetime import date
from typing import Literal
from uuid import UUID

from eventsourcing.domain import event

from domain.aggregate import KeyworkAggregate, require_choice, require_text
from domain.errors import InvalidValue, NotAllowedNow
from domain.stamp import Stamp

Sector = Literal["health", "education", "social_care", "housing", "voluntary", "other"]


class Agency(KeyworkAggregate):
    @classmethod
    def register(cls, stamp: Stamp, name: str, sector: Sector) -> "Agency":
        require_text("name", name, 200)
        require_choice("sector", sector, Sector)
        return cls(stamp, name, sector)

    @event("AgencyRegistered")
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

    @event("PractitionerRegistered")
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
        self.left_on: date | None = None

    def change_contact_details(
        self, stamp: Stamp, *, email: str | None, phone: str | None, postal_address: str | None
    ) -> None:
        self._require_in_post()
        if (email, phone, postal_address) == (self.email, self.phone, self.postal_address):
            raise InvalidValue("email", "a_change", "the contact details are unchanged")
        self._contact_details_changed(
            stamp, email=email, phone=phone, postal_address=postal_address
        )

    @event("PractitionerContactDetailsChanged")
    def _contact_details_changed(
        self, stamp: Stamp, email: str | None, phone: str | None, postal_address: str | None
    ) -> None:
        self.email = email
        self.phone = phone
        self.postal_address = postal_address

    def leave_agency(self, stamp: Stamp, *, on: date, reason: str) -> None:
        self._require_in_post()
        require_text("reason", reason)
        self._left_agency(stamp, on=on, reason=reason)

    @event("PractitionerLeftAgency")
    def _left_agency(self, stamp: Stamp, on: date, reason: str) -> None:
        self.left_on = on

    def _require_in_post(self) -> None:
        if self.left_on is not None:
            raise NotAllowedNow("practitioner_id", "in_post", "the practitioner has left")
