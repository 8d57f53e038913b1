"""The service metrics for a period, from the metrics read model's facts as known at a time.

Every figure is defined in docs/metrics.md: what is counted, over what, and by which time. Days
are judged by when things occurred; `known_at` keeps only the facts recorded by then, so a report
can be reproduced exactly as it was published. Small numbers are suppressed (`suppression.py`).
"""

import re
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, replace
from datetime import date, timedelta
from itertools import pairwise
from typing import get_args
from uuid import UUID

from psycopg.rows import DictRow

from domain.closure import RETURN_WINDOW_DAYS, audit_due_on
from domain.directory import Course, Training
from domain.feedback import QUESTIONS
from projections.known_facts import Facts
from projections.suppression import Figure, count, counts_by, measure, share


@dataclass(frozen=True)
class Period:
    first: date
    last: date
    label: str

    def holds(self, day: date | None) -> bool:
        return day is not None and self.first <= day <= self.last


class InvalidPeriod(ValueError):
    pass


def period(text: str) -> Period:
    """A month (2026-07), a quarter (2026-Q3) or a year (2026)."""
    if match := re.fullmatch(r"(\d{4})-Q([1-4])", text):
        year, quarter = int(match[1]), int(match[2])
        first = date(year, 3 * quarter - 2, 1)
        return Period(first, _month_end(date(year, 3 * quarter, 1)), text)
    if (match := re.fullmatch(r"(\d{4})-(\d{2})", text)) and 1 <= int(match[2]) <= 12:
        month = date(int(match[1]), int(match[2]), 1)
        return Period(month, _month_end(month), text)
    if re.fullmatch(r"\d{4}", text):
        return Period(date(int(text), 1, 1), date(int(text), 12, 31), text)
    raise InvalidPeriod("a period is a year (2026), a quarter (2026-Q3) or a month (2026-07)")


def _month_end(day: date) -> date:
    following = date(day.year + day.month // 12, day.month % 12 + 1, 1)
    return following - timedelta(days=1)


def service_metrics(facts: Facts, within: Period, supervision_every_days: int) -> list[Figure]:
    # The key workers holding open cases at the period's end, and how many each.
    loads = _caseloads_on(facts, within.last)
    return [
        *_referrals(facts, within),
        *_time_to_key_worker(facts, within),
        *counts_by(
            "key_worker_approaches",
            (
                a["answer"]
                for rows in facts.approaches.values()
                for a in rows
                if within.holds(a["approached_on"])
            ),
        ),
        _with_key_worker(facts, within),
        _contacts_on_time(facts, within),
        _reviews_on_time(facts, within),
        *_plan_distribution(facts, within),
        *_key_worker_changes(facts, within),
        *counts_by(
            "closures",
            (c["reason"] for c in _all_closures(facts) if within.holds(c["closed_on"])),
        ),
        _audits_on_time(facts, within),
        *_caseloads(loads),
        *_returns(facts, within),
        *counts_by("contact_functions", (f for day, f in facts.functions if within.holds(day))),
        *_distance_travelled(facts, within),
        *_training_coverage(facts, loads, within.last),
        _supervision_coverage(facts, loads, within.last, supervision_every_days),
        *_feedback(facts, within),
    ]


def _referrals(facts: Facts, within: Period) -> list[Figure]:
    routes = (case["route"] for case in facts.cases.values() if within.holds(case["referred_on"]))
    return counts_by("referrals", routes)


def _time_to_key_worker(facts: Facts, within: Period) -> list[Figure]:
    days = [
        (periods[0]["from_date"] - facts.cases[case_id]["referred_on"]).days
        for case_id, periods in facts.periods.items()
        if within.holds(periods[0]["from_date"])
    ]
    return measure("referral_to_key_worker_days", days)


def _closed_on(facts: Facts, case_id: UUID, day: date) -> date | None:
    """The day the case was closed, if it stood closed on `day`."""
    for closure in facts.closures.get(case_id, []):
        reopened = closure["reopened_on"]
        if closure["closed_on"] <= day and (reopened is None or reopened > day):
            return closure["closed_on"]
    return None


def _open_on(facts: Facts, day: date) -> list[UUID]:
    return [
        case_id
        for case_id, case in facts.cases.items()
        if case["referred_on"] <= day and _closed_on(facts, case_id, day) is None
    ]


def _key_workers_on(facts: Facts, case_id: UUID, day: date) -> list[DictRow]:
    return [
        period
        for period in facts.periods.get(case_id, [])
        if period["from_date"] <= day and (period["until"] is None or period["until"] >= day)
    ]


def _with_key_worker(facts: Facts, within: Period) -> Figure:
    open_cases = _open_on(facts, within.last)
    named = [c for c in open_cases if _key_workers_on(facts, c, within.last)]
    return share("open_cases_with_key_worker_pct", len(named), len(open_cases))


def _contacts_on_time(facts: Facts, within: Period) -> Figure:
    on_time = judged = 0
    for case_id, agreements in facts.agreements.items():
        signed = [a for a in agreements if a["signed_on"] <= within.last]
        if not signed:
            continue
        agreement = max(signed, key=lambda a: a["signed_on"])
        start = max(within.first, agreement["signed_on"])
        end = _closed_on(facts, case_id, within.last) or within.last
        if end < start or facts.cases[case_id]["referred_on"] > within.last:
            continue
        contacts = facts.contacts.get(case_id, [])
        before = [day for day in contacts if day <= start]
        anchors = [before[-1] if before else agreement["signed_on"]]
        anchors += [day for day in contacts if start < day <= end]
        gaps = [b - a for a, b in zip(anchors, [*anchors[1:], end], strict=True)]
        judged += 1
        on_time += all(gap.days <= agreement["contact_every_days"] for gap in gaps)
    return share("cases_with_every_contact_on_time_pct", on_time, judged)


def _reviews_on_time(facts: Facts, within: Period) -> Figure:
    on_time = judged = 0
    for reviews in facts.reviews.values():
        held = sorted((r for r in reviews if r["held_on"] is not None), key=lambda r: r["held_on"])
        for earlier, review in pairwise(held):
            due = earlier["next_review_on"]
            if due is not None and within.holds(review["held_on"]):
                judged += 1
                on_time += review["held_on"] <= due
    return share("reviews_held_on_time_pct", on_time, judged)


def _plan_distribution(facts: Facts, within: Period) -> list[Figure]:
    signed = [plan for plan in facts.plans if within.holds(plan["signed_at"].date())]
    turnaround = []
    for plan in signed:
        copies = facts.copies.get((plan["case_id"], plan["plan_version"]), [])
        if copies and all(copy["sent"] for copy in copies):
            last = max(copy["at"] for copy in copies)
            turnaround.append(round((last - plan["signed_at"]).total_seconds() / 86400, 1))
    return [
        share("plans_fully_distributed_pct", len(turnaround), len(signed)),
        *measure("plan_signed_to_distributed_days", turnaround),
    ]


def _key_worker_changes(facts: Facts, within: Period) -> list[Figure]:
    changes = overlaps = 0
    for periods in facts.periods.values():
        for outgoing, incoming in pairwise(periods):
            if within.holds(incoming["from_date"]):
                changes += 1
                until = outgoing["until"]
                overlaps += until is not None and until >= incoming["from_date"]
    return [count("key_worker_changes", changes), count("key_worker_overlaps", overlaps)]


def _all_closures(facts: Facts) -> list[DictRow]:
    return [c for case_id in facts.cases for c in facts.closures.get(case_id, [])]


def _audits_on_time(facts: Facts, within: Period) -> Figure:
    closed = [c for c in _all_closures(facts) if within.holds(c["closed_on"])]
    audited = [
        c
        for c in closed
        if c["audited_on"] is not None and c["audited_on"] <= audit_due_on(c["closed_on"])
    ]
    return share("closure_audits_within_28_days_pct", len(audited), len(closed))


def _caseloads_on(facts: Facts, day: date) -> dict[UUID, int]:
    """The open cases each practitioner is key worker to on `day` (parent/carers aside), in a
    role of the kind in scope."""
    loads: dict[UUID, int] = defaultdict(int)
    for case_id in _open_on(facts, day):
        for period in _key_workers_on(facts, case_id, day):
            if period["practitioner_id"] is not None and facts.key_worker_kind in (
                None,
                period["kind"],
            ):
                loads[period["practitioner_id"]] += 1
    return loads


def _caseloads(loads: dict[UUID, int]) -> list[Figure]:
    workers = len(loads)
    mean = round(sum(loads.values()) / workers, 1) if workers else None
    return [
        Figure.of("caseload_per_key_worker_mean", mean, workers),
        Figure.of("caseload_per_key_worker_max", max(loads.values(), default=None), workers),
    ]


def _returns(facts: Facts, within: Period) -> list[Figure]:
    kinds = []
    for case in facts.cases.values():
        previous = case["previous_case_id"]
        if previous is None or not within.holds(case["referred_on"]):
            continue
        window_start = case["referred_on"] - timedelta(days=RETURN_WINDOW_DAYS)
        closed = [c["closed_on"] for c in facts.closures.get(previous, [])]
        if any(window_start <= day <= case["referred_on"] for day in closed):
            kinds.append("re_referral")
    kinds += ["reopening" for c in _all_closures(facts) if within.holds(c["reopened_on"])]
    return counts_by("returns_within_12_months", kinds)


def _distance_travelled(facts: Facts, within: Period) -> list[Figure]:
    """The mean change from a case's first scores to its last, over the cases last measured in
    the period with an earlier measurement: per area, and over all areas ("all", per case)."""
    by_area: dict[str, list[int]] = defaultdict(list)
    per_case: list[float] = []
    for rows in facts.outcomes.values():
        first_day, last_day = rows[0]["measured_on"], rows[-1]["measured_on"]
        if not within.holds(last_day) or first_day == last_day:
            continue
        first = {row["area"]: row["score"] for row in rows if row["measured_on"] == first_day}
        changes = {
            row["area"]: row["score"] - first[row["area"]]
            for row in rows
            if row["measured_on"] == last_day and row["area"] in first
        }
        for area, change in changes.items():
            by_area[area].append(change)
        if changes:
            per_case.append(sum(changes.values()) / len(changes))
    metric = "outcome_distance_travelled_mean"
    return [
        *(
            Figure.of(metric, _mean(values), len(values), area)
            for area, values in sorted(by_area.items())
        ),
        Figure.of(metric, _mean(per_case), len(per_case)),
    ]


def _mean(values: list[float] | list[int]) -> float | None:
    return round(sum(values) / len(values), 2) if values else None


def _training_coverage(facts: Facts, workers: Iterable[UUID], day: date) -> list[Figure]:
    """Per course, the share of `workers` whose training in it was current on `day`."""
    workers = list(workers)
    figures = []
    for course in get_args(Course):
        current = [
            worker
            for worker in workers
            if any(
                row["course"] == course
                and Training(course, row["completed_on"], row["expires_on"]).current_on(day)
                for row in facts.trainings.get(worker, [])
            )
        ]
        figures.append(
            replace(share("key_workers_trained_pct", len(current), len(workers)), group=course)
        )
    return figures


def _supervision_coverage(
    facts: Facts, workers: Iterable[UUID], day: date, every_days: int
) -> Figure:
    """The share of `workers` supervised in the interval of `every_days` up to `day`."""
    workers = list(workers)
    since = day - timedelta(days=every_days)
    supervised = [
        worker
        for worker in workers
        if any(since < held <= day for held in facts.supervised.get(worker, []))
    ]
    return share("key_workers_supervised_in_last_6_weeks_pct", len(supervised), len(workers))


def _feedback(facts: Facts, within: Period) -> list[Figure]:
    """Questionnaires sent in the period, the share answered, and each question's mean score."""
    sent = sum(copies for day, copies in facts.invitations if within.holds(day))
    if facts.answers is None:
        return [count("feedback_questionnaires_sent", sent)]
    answered = [answers for month, answers in facts.answers if within.holds(month)]
    scores: dict[str, list[int]] = defaultdict(list)
    for answers in answered:
        for question, score in answers.items():
            scores[question].append(score)
    return [
        count("feedback_questionnaires_sent", sent),
        share("feedback_response_rate_pct", len(answered), sent),
        *(
            Figure.of(
                "feedback_score_mean", _mean(scores[question]), len(scores[question]), question
            )
            for question in QUESTIONS
        ),
    ]
