"""Paper questionnaires: a stack printed for no one in particular, one page each, each with its
own one-time code. Business support puts one in each feedback letter's envelope."""

from consumers.pdf import Document
from domain.feedback import AGREEMENT, QUESTIONS

BOX = "[  ]"


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
