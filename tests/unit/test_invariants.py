"""Random stories of one case: whatever the order of commands, the key working rules hold.

The machine drives a Case through allocations, handovers (with and without overlaps), cover,
contacts, closures and reopenings, with time moving forward between commands. Refused commands
are part of the story (they must leave no trace); after every step the invariants are checked
against the case and against a small model of what the accepted commands should have done.
"""

from collections.abc import Callable
from copy import deepcopy
from datetime import date, timedelta
from typing import Any
from uuid import UUID, uuid4

from eventsourcing.domain import CanMutateAggregate
from hypothesis import settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, initialize, invariant, precondition, rule

from domain.case import Case
from domain.errors import DomainError
from tests.unit.story import MEETS_NORFOLK, NORFOLK_RULES, TODAY, refer, stamp, stamp_on

PRACTITIONERS = [uuid4() for _ in range(3)]
PARENT = "Alex Parent"
REOPEN_WINDOW_DAYS = 60

key_workers = st.sampled_from([*PRACTITIONERS, PARENT])
covers = st.sampled_from([*PRACTITIONERS, uuid4()])


def naming(who: UUID | str, practitioner_field: str) -> dict[str, Any]:
    """The command fields naming a key worker: a practitioner, or the parent/carer."""
    if isinstance(who, str):
        return {"kind": "parent_carer", "parent_carer_name": who}
    return {"kind": "designated", practitioner_field: who}


class CaseStories(RuleBasedStateMachine):
    def __init__(self) -> None:
        super().__init__()
        self.case = refer()
        self.case.decide_eligibility(stamp(days_ago=20), NORFOLK_RULES, MEETS_NORFOLK)
        self.events: list[CanMutateAggregate[Any]] = list(self.case.collect_events())
        self.today = TODAY
        # The model: when the current episode's key working began (None before an allocation or
        # after a closure), the days on which an accepted handover let two workers overlap, and
        # the accepted covers (who, first day, last day).
        self.episode_start: date | None = None
        self.overlaps: list[tuple[date, date]] = []
        self.covers: list[tuple[UUID, date, date]] = []

    def attempt(self, command: Callable[[], None]) -> bool:
        """Runs a command; a refused one must change nothing and emit nothing."""
        before = deepcopy(vars(self.case))
        try:
            command()
        except DomainError:
            assert self.case.collect_events() == []
            assert vars(self.case) == before
            return False
        self.events.extend(self.case.collect_events())
        return True

    @rule(days=st.integers(min_value=0, max_value=15))
    def time_passes(self, days: int) -> None:
        self.today += timedelta(days=days)

    @initialize(who=key_workers, offset=st.integers(min_value=-10, max_value=10))
    def first_allocation(self, who: UUID | str, offset: int) -> None:
        self.allocate(who, offset)

    @rule(who=key_workers, offset=st.integers(min_value=-40, max_value=10))
    def allocate(self, who: UUID | str, offset: int) -> None:
        from_date = self.today + timedelta(days=offset)
        if self.attempt(
            lambda: self.case.allocate_key_worker(
                stamp_on(self.today), from_date=from_date, **naming(who, "practitioner_id")
            )
        ):
            self.episode_start = from_date

    @rule(
        who=key_workers,
        offset=st.integers(min_value=-10, max_value=20),
        overlap=st.none() | st.integers(min_value=-2, max_value=15),
    )
    def hand_over(self, who: UUID | str, offset: int, overlap: int | None) -> None:
        on = self.today + timedelta(days=offset)
        overlap_until = None if overlap is None else on + timedelta(days=overlap)
        if (
            self.attempt(
                lambda: self.case.hand_over(
                    stamp_on(self.today),
                    on=on,
                    overlap_until=overlap_until,
                    reason="family asked for a change",
                    **naming(who, "to_practitioner_id"),
                )
            )
            and overlap_until is not None
        ):
            self.overlaps.append((on, overlap_until))

    @rule(
        who=covers,
        offset=st.integers(min_value=-10, max_value=20),
        length=st.integers(min_value=-1, max_value=30),
    )
    def arrange_cover(self, who: UUID, offset: int, length: int) -> None:
        from_date = self.today + timedelta(days=offset)
        until = from_date + timedelta(days=length)
        if self.attempt(
            lambda: self.case.arrange_cover(
                stamp_on(self.today),
                practitioner_id=who,
                from_date=from_date,
                until=until,
                reason="sick leave",
            )
        ):
            self.covers.append((who, from_date, until))

    @rule(offset=st.integers(min_value=-10, max_value=20))
    def end_cover(self, offset: int) -> None:
        on = self.today + timedelta(days=offset)
        if self.attempt(lambda: self.case.end_cover(stamp_on(self.today), on=on)):
            self.covers = [
                (who, start, on - timedelta(days=1) if start <= on <= end else end)
                for who, start, end in self.covers
            ]

    @rule(days_ago=st.integers(min_value=0, max_value=10))
    def record_contact(self, days_ago: int) -> None:
        occurred = stamp_on(self.today - timedelta(days=days_ago))
        recorded = stamp_on(self.today)
        when = type(occurred)(occurred.actor, occurred.occurred_at, recorded.recorded_at)
        self.attempt(
            lambda: self.case.record_contact(when, kind="phone", participants=[], note=None)
        )

    # Closing and reopening on a case that is already closed (or open) are refusals the unit tests
    # cover; here they would only cut the stories short.
    @precondition(lambda self: self.case.status != "closed")
    @rule(reason=st.sampled_from(["needs_met", "family_withdrew", "moved_out_of_area"]))
    def close(self, reason: str) -> None:
        stamp = stamp_on(self.today)
        ending: dict[str, Any] = {"reason": reason, "family_agreed": True}
        if self.attempt(lambda: self.case.close(stamp, NORFOLK_RULES, **ending)):
            closed_on = self.today
            self.episode_start = None
            self.overlaps = [
                (start, min(end, closed_on)) for start, end in self.overlaps if start <= closed_on
            ]
            self.covers = [
                (who, start, min(end, closed_on))
                for who, start, end in self.covers
                if start <= closed_on
            ]

    @precondition(lambda self: self.case.status == "closed")
    @rule()
    def reopen(self) -> None:
        self.attempt(
            lambda: self.case.reopen(
                stamp_on(self.today), reason="new needs", window_days=REOPEN_WINDOW_DAYS
            )
        )

    def days_to_check(self) -> list[date]:
        """Every day from before the first period anything began to after the last one ends."""
        bounds = [self.today]
        for worker in self.case.key_workers:
            bounds += (
                [worker.from_date] if worker.until is None else [worker.from_date, worker.until]
            )
        for cover in self.case.covers:
            bounds += [cover.from_date, cover.until]
        first, last = min(bounds) - timedelta(days=1), max(bounds) + timedelta(days=1)
        return [first + timedelta(days=n) for n in range((last - first).days + 1)]

    @invariant()
    def an_open_case_with_a_key_worker_has_one_every_day_since_the_allocation(self) -> None:
        if self.case.status == "closed" or self.case.current_key_worker() is None:
            return
        assert self.episode_start is not None
        day = self.episode_start
        while day <= self.today:
            assert self.case.key_workers_on(day), f"nobody is key worker on {day}"
            day += timedelta(days=1)

    @invariant()
    def two_key_workers_only_on_the_days_of_an_overlap(self) -> None:
        for day in self.days_to_check():
            workers = len(self.case.key_workers_on(day))
            in_overlap = any(start <= day <= end for start, end in self.overlaps)
            assert workers <= 2, f"{workers} key workers on {day}"
            assert (workers == 2) == in_overlap, f"{workers} key workers on {day}"

    @invariant()
    def the_cover_on_a_day_is_the_one_accepted_cover_spanning_that_day(self) -> None:
        for day in self.days_to_check():
            cover = self.case.cover_on(day)
            if cover is not None:
                assert cover.from_date <= day <= cover.until
            assert sum(c.on(day) for c in self.case.covers) <= 1
            expected = [who for who, start, end in self.covers if start <= day <= end]
            found = [] if cover is None else [cover.practitioner_id]
            assert found == expected, f"cover on {day}"

    @invariant()
    def replaying_the_events_rebuilds_the_same_case(self) -> None:
        rebuilt: Case | None = None
        for event in self.events:
            rebuilt = event.mutate(rebuilt)
        assert rebuilt is not None
        assert vars(rebuilt) == vars(self.case)


CaseStories.TestCase.settings = settings(max_examples=100, stateful_step_count=30, deadline=None)
test_case_stories = CaseStories.TestCase
