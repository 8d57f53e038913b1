"""The subject access export as a PDF, for posting to the family."""

import json
from typing import Any

from fpdf import FPDF, XPos, YPos

TITLE = "Information we hold about the child"


def printable(text: str) -> str:
    """The PDF's built-in font covers Latin-1; anything beyond it prints as '?'."""
    return text.encode("latin-1", "replace").decode("latin-1")


def subject_access_pdf(export: dict[str, Any]) -> bytes:
    pdf = FPDF(format="A4")
    pdf.set_margins(18, 18, 18)
    pdf.add_page()
    pdf.set_font("Helvetica", style="B", size=15)
    _lines(pdf, 8, TITLE)
    pdf.set_font("Helvetica", size=10)
    _lines(pdf, 5, f"Case {export['case_id']}, produced {export['produced_at']}")
    if export["erased"]:
        _lines(pdf, 5, "The child's personal data has been erased; what remains is below.")
    _section(pdf, "What was recorded, oldest first")
    for entry in export["events"]:
        pdf.set_font("Helvetica", style="B", size=10)
        _lines(pdf, 5, printable(f"{entry['occurred_at']}  {entry['type']}"))
        pdf.set_font("Helvetica", size=9)
        lines = [f"by {entry['actor']}, recorded {entry['recorded_at']}"]
        if entry.get("reason"):
            lines.append(f"reason: {entry['reason']}")
        lines += [f"{name}: {_text(value)}" for name, value in entry["details"].items()]
        _lines(pdf, 4.5, printable("\n".join(lines)))
        pdf.ln(1)
    for name, tables in export["read_models"].items():
        for table, rows in tables.items():
            if rows:
                _section(pdf, f"Held in {name} ({table})")
                _rows(pdf, rows)
    _section(pdf, "Who has looked at the record")
    _rows(pdf, export["access_trail"])
    return bytes(pdf.output())


def _lines(pdf: FPDF, height: float, text: str) -> None:
    pdf.multi_cell(0, height, text, new_x=XPos.LMARGIN, new_y=YPos.NEXT)


def _section(pdf: FPDF, title: str) -> None:
    pdf.ln(3)
    pdf.set_font("Helvetica", style="B", size=12)
    _lines(pdf, 7, printable(title))


def _rows(pdf: FPDF, rows: list[dict[str, Any]]) -> None:
    pdf.set_font("Helvetica", size=9)
    for row in rows:
        _lines(pdf, 4.5, printable(", ".join(f"{k}: {_text(v)}" for k, v in row.items())))


def _text(value: Any) -> str:
    return value if isinstance(value, str) else json.dumps(value, default=str)
