"""Who receives a signed plan: the distribution_list read model's answer, once it has caught up.

The projection runner keeps the read model (in this process or in another), so when the notifier
handles a `PlanSigned` the list may not yet have applied it. The notifier waits a little, and
otherwise leaves the event for a later batch rather than send the plan to a list that is behind.
"""

from datetime import date
from uuid import UUID

from eventsourcing.postgres import PostgresDatastore

from projections.distribution_list import DistributionList, Recipient
from projections.generations import live_generation
from services.rules import ServiceRules

CATCH_UP_SECONDS = 5.0


class PlanRecipients:
    def __init__(
        self,
        datastore: PostgresDatastore,
        rules: ServiceRules,
        wait_seconds: float = CATCH_UP_SECONDS,
    ) -> None:
        self.datastore = datastore
        self.rules = rules
        self.wait_seconds = wait_seconds
        self._model: DistributionList | None = None

    def of(self, case_id: UUID, on: date, position: int) -> list[tuple[str, Recipient]] | None:
        """The case's list on the day, by recipient key, as at the event at `position` or
        later; None if the read model has not reached that event within the wait."""
        model = self._live()
        if not model.wait_for(position, self.wait_seconds):
            return None
        return model.keyed(case_id, on)

    def _live(self) -> DistributionList:
        # A rebuild switches to a new generation, and the old one no longer moves on.
        generation = live_generation(self.datastore, DistributionList.name)
        if self._model is None or self._model.generation != generation:
            self._model = DistributionList(self.datastore, generation, self.rules)
        return self._model
