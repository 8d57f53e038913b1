"""Synthetic key working histories for demos and benchmarks, made by driving the domain itself.

Children are referred through all three routes over the history, and most are found eligible.
Each gets a key worker, an agreement, a Team Around the Child, contacts at roughly the agreed
frequency (some late), reviews every six months with outcome scores and a plan signed and sent
after each, feedback asked for (some answered), and now and then a handover, a cover or a
closure, which is audited. Key workers are trained and supervised.

Synthetic answers to feedback are saved with their chunk of cases: fake families, nothing to
keep apart (the service itself never writes an answer beside its case).

A fixed seed gives the same histories: each chunk of cases from a random generator of its own,
so chunks can be decided in any order, apart. demo/loader.py writes them.
"""

import random
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import datetime, timedelta
from functools import partial
from typing import Any, get_args
from uuid import UUID

from domain.aggregate import KeyworkAggregate
from domain.case import Case, Child, Referrer
from domain.case_base import FamilyMember
from domain.directory import Agency, Practitioner
from domain.eligibility import NORFOLK_RULES as RULES
from domain.eligibility import EligibilityFacts
from domain.feedback import QUESTIONS, FeedbackAnswer, invitation_month
from domain.functions import KeyWorkingFunction
from domain.outcomes import OutcomeMeasure
from domain.stamp import Stamp, event_id

ACTOR = "keywork-synthetic"
COORDINATOR = "synthetic-coordinator"
# Cases per transaction: about 1,800 events, and twice as many reads.
CHUNK = 20
DIRECTORY_CHUNK = 2_000  # agencies or practitioners per transaction
SECTORS = ("health", "education", "social_care", "housing", "voluntary")
ROUTES = (("professional", 0.6), ("single_point", 0.3), ("self", 0.1))
CLOSURE_REASONS = (
    ("needs_met", 0.5),
    ("family_withdrew", 0.2),
    ("age_limit", 0.2),
    ("adult_services", 0.1),
)
MEETS = EligibilityFacts(True, True, 4, 3)
FALLS_SHORT = EligibilityFacts(True, False, 1, 1, severe_learning_or_physical_disability=False)
REVIEW_EVERY = timedelta(days=182)
TAC_SIZE = 5
FUNCTIONS: list[KeyWorkingFunction] = list(get_args(KeyWorkingFunction))
YEAR = timedelta(days=365)
MEASURE = OutcomeMeasure()
DRIFT = (-1, 0, 0, 1, 1, 2)  # an area's change from one review to the next
FEEDBACK_ANSWERED = 0.4
SUPERVISION_KINDS = (("one_to_one", 0.7), ("peer", 0.2), ("group", 0.1))


@dataclass(frozen=True)
class Scale:
    name: str
    children: int  # referred over the history; about 70% are still open at its end
    agencies: int
    practitioners: int
    key_workers: int  # the practitioners who hold caseloads
    years: int = 3


SCALES = {
    "county": Scale("county", children=1_150, agencies=200, practitioners=1_500, key_workers=300),
    "england": Scale(
        "england", children=143_750, agencies=25_000, practitioners=187_500, key_workers=37_500
    ),
}


@dataclass(frozen=True)
class Directory:
    key_workers: list[UUID]
    others: list[UUID]


# Writes, chunk by chunk, the aggregates of a kind not written before (the key names them, the
# event names their first event); returns all their ids in order.
Written = Callable[[str, str, list[Callable[[], KeyworkAggregate]]], list[UUID]]


def chunks(scale: Scale) -> int:
    return -(-scale.children // CHUNK)


def chunk_histories(
    directory: Directory, scale: Scale, seed: int, chunk: int, start: datetime, now: datetime
) -> tuple[list[Case], list[FeedbackAnswer]]:
    """The chunk's cases and the feedback their families gave."""
    rng = random.Random(f"{seed}/{chunk}")
    first = chunk * CHUNK
    answers: list[FeedbackAnswer] = []
    cases = [
        _case(rng, directory, start, now, answers)
        for _ in range(first, min(first + CHUNK, scale.children))
    ]
    return cases, answers


def directory(
    scale: Scale, seed: int, start: datetime, now: datetime, written: Written
) -> Directory:
    """The agencies, then the practitioners, each written once in chunks and read back."""
    rng = random.Random(f"{seed}/directory")
    stamp = Stamp(ACTOR, start, start)
    prefix = f"{scale.name}/{seed}/directory"
    agencies = written(
        f"{prefix}/agencies",
        "AgencyRegistered",
        [
            lambda n=n: Agency.register(stamp, f"Agency {n}", rng.choice(SECTORS))  # type: ignore[arg-type,misc]
            for n in range(scale.agencies)
        ],
    )
    supervisors: list[UUID] = []

    def practitioner(n: int) -> Practitioner:
        made = Practitioner.register(
            stamp,
            name=f"Practitioner {n}",
            role_title="Key worker" if n < scale.key_workers else "Specialist",
            agency_id=agencies[n % len(agencies)],
            email=f"practitioner{n}@example.org",
            team_id=_team(n, scale),
        )
        if n < scale.key_workers:
            if supervisors:  # each key worker is supervised by the one registered before
                _workforce(rng, made, supervisors[-1], start, now)
            supervisors.append(made.id)
        return made

    practitioners = written(
        f"{prefix}/practitioners",
        "PractitionerRegistered",
        [partial(practitioner, n) for n in range(scale.practitioners)],
    )
    return Directory(practitioners[: scale.key_workers], practitioners[scale.key_workers :])


def _workforce(
    rng: random.Random, worker: Practitioner, supervisor: UUID, start: datetime, now: datetime
) -> None:
    """Most key workers inducted and trained in safeguarding (renewed every three years);
    supervision about every six weeks, now and then missed."""

    def at(day: datetime) -> Stamp:
        return Stamp(ACTOR, day, day)

    if rng.random() < 0.9:
        worker.record_training(
            at(start), course="key_working_induction", completed_on=start.date(), expires_on=None
        )
    trained = start - timedelta(days=rng.randint(0, 3 * 365))
    worker.record_training(
        at(start),
        course="safeguarding",
        completed_on=trained.date(),
        expires_on=(trained + 3 * YEAR).date(),
    )
    held = start + timedelta(days=rng.randint(7, 42))
    while held < now:
        worker.record_supervision(
            at(held),
            held_on=held.date(),
            kind=_weighted(rng, SUPERVISION_KINDS),  # type: ignore[arg-type]
            supervisor_id=supervisor,
            cases_discussed=[],
            actions=[],
        )
        held += timedelta(days=rng.choice((35, 42, 42, 49, 70)))


def _team(practitioner: int, scale: Scale) -> str | None:
    """Key workers in teams of about eight; other practitioners in none."""
    if practitioner >= scale.key_workers:
        return None
    return f"team-{practitioner % max(scale.key_workers // 8, 1)}"


def _weighted(rng: random.Random, choices: tuple[tuple[str, float], ...]) -> str:
    return rng.choices([c for c, _ in choices], weights=[w for _, w in choices])[0]


def _case(
    rng: random.Random,
    directory: Directory,
    start: datetime,
    now: datetime,
    answers: list[FeedbackAnswer],
) -> Case:
    referred = start + timedelta(seconds=rng.uniform(0, (now - start).total_seconds()))
    case: Case | None = None

    def at(moment: datetime) -> Stamp:
        recorded = min(moment + timedelta(hours=rng.uniform(0, 48)), now)
        # Recorded by the case's key worker once it has one, as in service, so that each has a
        # trail of their own; before that, by the service's coordinator.
        worker = case.current_key_worker() if case is not None else None
        actor = str(worker.practitioner_id) if worker and worker.practitioner_id else COORDINATOR
        return Stamp(actor, moment, recorded)

    age = rng.randint(0, 17)
    born = (referred - timedelta(days=365 * age + rng.randint(0, 364))).date()
    parent = f"Parent {rng.randint(1, 10**6)}"
    case = Case.refer(
        at(referred),
        area="norfolk",
        route=_weighted(rng, ROUTES),  # type: ignore[arg-type]
        referrer=Referrer("Referrer"),
        child=Child("Child", f"Family{rng.randint(1, 10**6)}", born),
        family=[FamilyMember(parent, "mother", True, "email", "parent@example.org")],
        needs=["co-ordination"],
        consent_to_share=rng.random() < 0.9,
    )
    decided = referred + timedelta(days=rng.randint(3, 10))
    if decided >= now:
        return case
    if rng.random() < 0.1:
        case.decide_eligibility(at(decided), RULES, FALLS_SHORT)
        if decided + timedelta(days=1) < now:
            case.close(at(decided + timedelta(days=1)), RULES, reason="not_eligible")
        return case
    case.decide_eligibility(at(decided), RULES, MEETS)
    allocated = decided + timedelta(days=rng.randint(2, 25))
    if allocated >= now:
        return case
    worker = rng.choice(directory.key_workers)
    case.allocate_key_worker(
        at(allocated),
        kind="designated" if rng.random() < 0.8 else "non_designated",
        from_date=allocated.date(),
        practitioner_id=worker,
    )
    for member in rng.sample(directory.others, TAC_SIZE):
        case.add_tac_member(
            at(allocated),
            practitioner_id=member,
            role="Specialist",
            receives_plans=True,
            channel="email",
        )
    every = rng.choice((7, 14, 28))
    case.sign_service_agreement(
        at(allocated), contact_every_days=every, signed_by=parent, signed_on=allocated.date()
    )
    closes = allocated + timedelta(days=rng.expovariate(1 / (4 * 365)))
    for moment, step in sorted(
        _steps(rng, case, directory, worker, allocated, every, parent, answers),
        key=lambda pair: pair[0],
    ):
        if moment >= min(closes, now):
            break
        step(at(moment))
    if closes < now:
        _close(case, at(closes), _weighted(rng, CLOSURE_REASONS))
        audited = closes + timedelta(days=rng.randint(3, 40))
        if audited < now:
            case.audit_closure(at(audited), outcome="good", findings="Plan followed")
    return case


def _close(case: Case, stamp: Stamp, reason: Any) -> None:
    """Agreed with the family (unless they withdrew), the signed plan in force the final one; for
    age only once the child has reached it."""
    if reason == "age_limit" and not case.has_reached_age_limit(stamp.occurred_at.date(), RULES):
        reason = "needs_met"
    signed = max((v for v, plan in case.plans.items() if plan.status == "signed"), default=None)
    agreed = None if reason == "family_withdrew" else True
    case.close(stamp, RULES, reason=reason, final_plan_version=signed, family_agreed=agreed)


def _steps(
    rng: random.Random,
    case: Case,
    directory: Directory,
    worker: UUID,
    allocated: datetime,
    every: int,
    parent: str,
    answers: list[FeedbackAnswer],
) -> Iterator[tuple[datetime, Callable[[Stamp], Any]]]:
    horizon = allocated + 6 * YEAR
    moment = allocated
    while moment < horizon:
        # Mostly sooner than agreed; about one contact in forty late.
        late = rng.random() < 0.025
        factor = rng.uniform(1.05, 1.5) if late else rng.uniform(0.15, 0.9)
        moment += timedelta(days=every * factor)
        served = rng.sample(FUNCTIONS, k=rng.randint(1, 3))
        contact = partial(case.record_contact, kind="home_visit", participants=[], note=None)
        yield moment, partial(contact, functions=served)
    review = allocated + REVIEW_EVERY
    while review < horizon:
        yield review, partial(_review, case, review, parent, rng, answers)
        review += REVIEW_EVERY
    if rng.random() < 0.4:
        handover = allocated + timedelta(days=rng.randint(120, 700))
        incoming = incoming_key_worker(rng, directory.key_workers, worker)
        overlap = handover.date() + timedelta(days=7) if rng.random() < 0.5 else None
        yield (
            handover,
            partial(
                case.hand_over,
                kind="designated",
                on=handover.date(),
                reason="Caseload",
                to_practitioner_id=incoming,
                overlap_until=overlap,
            ),
        )


def incoming_key_worker(rng: random.Random, key_workers: list[UUID], outgoing: UUID) -> UUID:
    """Any key worker but the outgoing one, each as likely: drawn again if it is the outgoing
    one, since filtering England's 37,500 for each handover once took 40 % of a case's time."""
    if len(key_workers) < 2:
        raise ValueError("a handover needs a key worker besides the outgoing one")
    while (incoming := rng.choice(key_workers)) == outgoing:
        pass
    return incoming


def _review(
    case: Case,
    held: datetime,
    parent: str,
    rng: random.Random,
    answers: list[FeedbackAnswer],
    stamp: Stamp,
) -> None:
    """A review held, with its outcome scores (mostly rising); then the plan it leads to signed
    and sent to the Team Around the Child; the family asked for feedback, and some answer."""
    review_id = event_id(case.id, case.version + 1)
    case.schedule_review(
        stamp, review_id=review_id, at=held, location="Home", requested_by="key_worker"
    )
    case.record_review_outcome(
        stamp,
        review_id=review_id,
        attendees=[parent],
        child_views="Likes school",
        decisions=["Carry on"],
        next_review_on=(held + REVIEW_EVERY).date(),
        key_worker_confirmed=True,
    )
    before = case.outcomes[-1].scores if case.outcomes else dict.fromkeys(MEASURE.areas, 4)
    scores = {area: min(max(score + rng.choice(DRIFT), 1), 10) for area, score in before.items()}
    case.measure_outcomes(stamp, review_id=review_id, scores=scores, measure=MEASURE)
    case.record_feedback_invitation(stamp, occasion="review", emailed=1, posted=0)
    if rng.random() < FEEDBACK_ANSWERED:
        answered = {question: rng.choice((3, 4, 4, 5, 5)) for question in QUESTIONS}
        answers.append(
            FeedbackAnswer.give(
                stamp,
                answer_id=UUID(int=rng.getrandbits(128)),
                area=case.area,
                month=invitation_month(held.date()),
                answers=answered,
            )
        )
    case.draft_plan(stamp, summary="Plan", outcomes=["Sleep better"], actions=[])
    version = max(case.plans)
    case.sign_plan(stamp, plan_version=version, signed_by=parent, signed_on=held.date())
    for member in case.tac:
        case.record_plan_copy(
            stamp,
            plan_version=version,
            recipient=f"practitioner:{member}",
            channel="email",
            sent=True,
        )
