"""A case's chronology: its milestones and the events marked significant, oldest first, each
with when it occurred and was recorded, who did it, and any correction; as entries, and as a
PDF to print."""

from dataclasses import dataclass
from datetime import datetime
from uuid import UUID

from api.routers.case_reads import timeline_entries
from api.schemas.cases import TimelineEntry
from api.web.story import headline
from consumers.pdf import Document
from domain.case import Case
from domain.significance import MILESTONES
from services.commands import NotFound
from services.keywork import Keywork

TITLE = "Chronology"


@dataclass(frozen=True)
class ChronologyEntry:
    entry: TimelineEntry
    who: str  # the actor's name where the directory knows them, else their id
    why: str | None  # why it was marked significant; None for a milestone
    corrected: bool


def chronology(keywork: Keywork, case: Case) -> list[ChronologyEntry]:
    entries = timeline_entries(case.id, keywork.timeline(case.id))
    names: dict[str, str] = {}
    return [
        ChronologyEntry(
            entry,
            _name(keywork, entry.actor, names),
            case.significant.get(entry.event_id),
            entry.corrected_by is not None,
        )
        for entry in entries
        if entry.type in MILESTONES or entry.event_id in case.significant
    ]


def _name(keywork: Keywork, actor: str, known: dict[str, str]) -> str:
    if actor not in known:
        try:
            known[actor] = keywork.practitioner(UUID(actor)).name
        except (ValueError, NotFound):
            known[actor] = actor
    return known[actor]


def chronology_pdf(case: Case, entries: list[ChronologyEntry], produced_at: datetime) -> bytes:
    pdf = Document(margin=18)
    pdf.font(15, bold=True)
    pdf.lines(8, f"{TITLE}: {case.child.given_name} {case.child.family_name}")
    pdf.font(10)
    pdf.lines(5, f"Case {case.id}, printed {produced_at:%d %B %Y %H:%M} UTC")
    pdf.ln(4)
    for each in entries:
        entry = each.entry
        pdf.font(10, bold=True)
        pdf.lines(5, f"{entry.occurred_at:%d %B %Y %H:%M}  {headline(entry)}")
        pdf.font(9)
        lines = [f"by {each.who}, recorded {entry.recorded_at:%d %B %Y %H:%M}"]
        if entry.reason:
            lines.append(f"reason: {entry.reason}")
        if each.why:
            lines.append(f"significant because: {each.why}")
        if each.corrected:
            lines.append("corrected later: see the correction")
        pdf.lines(4.5, "\n".join(lines))
        pdf.ln(2)
    return bytes(pdf.output())
