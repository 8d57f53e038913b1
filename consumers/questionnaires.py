"""Paper questionnaires: a stack printed for no one in particular, one page each, each with its
own one-time code. Business support puts one in each feedback letter's envelope."""

from dataclasses import dataclass

from consumers.pdf import Document
from domain.errors import InvalidValue
from domain.feedback import AGREEMENT, QUESTIONS
from services.clock import Clock
from services.feedback import FeedbackTokens

BOX = "[  ]"


@dataclass(frozen=True)
class PaperQuestionnaires:
    tokens: FeedbackTokens
    answer_at: str  # where a family answers online with the code: the pages' /feedback
    clock: Clock

    def print_stack(self, area: str | None, count: int) -> bytes:
        """`count` questionnaires for `area` (the caller's) as one PDF, each with its own code,
        signed for this month; nothing records which code is in which envelope."""
        if area is None:
            raise InvalidValue("area", "known_area", "the caller has no area to print for")
        today = self.clock().date()
        codes = [self.tokens.paper_code(area, today) for _ in range(count)]
        return questionnaires(codes, self.answer_at)


def questionnaires(codes: list[str], answer_at: str) -> bytes:
    pdf = Document(margin=18)
    for number, code in enumerate(codes):
        if number:
            pdf.add_page()
        pdf.font(15, bold=True)
        pdf.lines(8, "Tell us how key working is going for your family")
        pdf.font(10)
        pdf.ln(2)
        pdf.lines(
            5,
            "Your answers are anonymous: this questionnaire carries no name, and nobody at the "
            "service can tell which family it came from. Answer as many questions as you like.",
        )
        pdf.ln(2)
        pdf.lines(
            5,
            f"Answer online at {answer_at} with the code below, or tick the boxes "
            "and post this page back.",
        )
        pdf.ln(3)
        pdf.font(13, bold=True)
        pdf.lines(7, f"Code: {code}")
        pdf.font(10)
        for question in QUESTIONS.values():
            pdf.ln(3)
            pdf.font(10, bold=True)
            pdf.lines(5, question)
            pdf.font(9)
            pdf.lines(5, "    ".join(f"{BOX} {label}" for label in AGREEMENT.values()))
    return bytes(pdf.output())
