"""The service metrics for a period, from the metrics read model's facts as known at a time.

Every figure is defined in docs/metrics.md: what is counted, over what, and by which time. Days
are judged by when things occurred; `known_at` keeps only the facts recorded by then, so a report
can be reproduced exactly as it was published. Small numbers are suppressed (`suppression.py`).
"""

import re
from dataclasses import dataclass, replace
from datetime import date, timedelta
from typing import get_args

from domain.directory import Course
from domain.feedback import QUESTIONS
from projections.known_facts import Facts
from projections.suppression import Figure, count, counts_of, measure, share


@dataclass(frozen=True)
class Period:
    first: date
    last: date
    label: str


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


def service_metrics(facts: Facts) -> list[Figure]:
    """The figures of the period the facts were tallied for, as published."""
    workers = facts.caseloads["workers"] or 0
    return [
        *counts_of("referrals", facts.referrals),
        *measure("referral_to_key_worker_days", [float(d) for d in facts.days_to_key_worker]),
        *counts_of("key_worker_approaches", facts.approaches),
        share("open_cases_with_key_worker_pct", facts.open_with_key_worker, facts.open_cases),
        share(
            "cases_with_every_contact_on_time_pct", facts.contacts_on_time, facts.contacts_judged
        ),
        share("reviews_held_on_time_pct", facts.reviews_on_time, facts.reviews_judged),
        *_plan_distribution(facts),
        count("key_worker_changes", facts.key_worker_changes),
        count("key_worker_overlaps", facts.key_worker_overlaps),
        *counts_of("closures", facts.closures),
        share(
            "closure_audits_within_28_days_pct",
            facts.closures_audited_on_time,
            sum(facts.closures.values()),
        ),
        *_caseloads(facts),
        *counts_of("returns_within_12_months", facts.returns),
        *counts_of("contact_functions", facts.functions),
        *_distance_travelled(facts),
        *(
            replace(
                share("key_workers_trained_pct", facts.trained.get(course, 0), workers),
                group=course,
            )
            for course in get_args(Course)
        ),
        share("key_workers_supervised_in_last_6_weeks_pct", facts.supervised, workers),
        *_feedback(facts),
    ]


def _plan_distribution(facts: Facts) -> list[Figure]:
    turnaround = [round(seconds / 86400, 1) for seconds in facts.seconds_to_distributed]
    return [
        share("plans_fully_distributed_pct", len(turnaround), facts.plans_signed),
        *measure("plan_signed_to_distributed_days", turnaround),
    ]


def _caseloads(facts: Facts) -> list[Figure]:
    workers, cases, most = (facts.caseloads[key] for key in ("workers", "cases", "most"))
    workers = workers or 0
    mean = round((cases or 0) / workers, 1) if workers else None
    return [
        Figure.of("caseload_per_key_worker_mean", mean, workers),
        Figure.of("caseload_per_key_worker_max", most, workers),
    ]


def _distance_travelled(facts: Facts) -> list[Figure]:
    """The mean change from a case's first scores to its last, over the cases last measured in
    the period with an earlier measurement: per area, and over all areas ("all", per case)."""
    metric = "outcome_distance_travelled_mean"
    mean_per_case, cases = facts.distance_per_case
    return [
        *(
            Figure.of(metric, _mean(total, n), n, area)
            for area, (total, n) in sorted(facts.distance_by_area.items())
        ),
        Figure.of(metric, None if mean_per_case is None else round(mean_per_case, 2), cases),
    ]


def _mean(total: int, n: int) -> float | None:
    return round(total / n, 2) if n else None


def _feedback(facts: Facts) -> list[Figure]:
    """Questionnaires sent in the period, the share answered, and each question's mean score."""
    sent = facts.questionnaires_sent
    if facts.answers is None:
        return [count("feedback_questionnaires_sent", sent)]
    answered, scores = facts.answers
    return [
        count("feedback_questionnaires_sent", sent),
        share("feedback_response_rate_pct", answered, sent),
        *(
            Figure.of("feedback_score_mean", _mean(total, n), n, question)
            for question in QUESTIONS
            for total, n in [scores.get(question, (0, 0))]
        ),
    ]
