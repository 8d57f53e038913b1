"""The subject access export as a PDF, for posting to the family."""

import json
from typing import Any

from consumers.pdf import Document

TITLE = "Information we hold about the child"


def subject_access_pdf(export: dict[str, Any]) -> bytes:
    pdf = Document(margin=18)
    pdf.font(15, bold=True)
    pdf.lines(8, TITLE)
    pdf.font(10)
    pdf.lines(5, f"Case {export['case_id']}, produced {export['produced_at']}")
    if export["erased"]:
        pdf.lines(5, "The child's personal data has been erased; what remains is below.")
    _section(pdf, "What was recorded, oldest first")
    for entry in export["events"]:
        pdf.font(10, bold=True)
        pdf.lines(5, f"{entry['occurred_at']}  {entry['type']}")
        pdf.font(9)
        lines = [f"by {entry['actor']}, recorded {entry['recorded_at']}"]
        if entry.get("reason"):
            lines.append(f"reason: {entry['reason']}")
        lines += [f"{name}: {_text(value)}" for name, value in entry["details"].items()]
        pdf.lines(4.5, "\n".join(lines))
        pdf.ln(1)
    for name, tables in export["read_models"].items():
        for table, rows in tables.items():
            if rows:
                _section(pdf, f"Held in {name} ({table})")
                _rows(pdf, rows)
    _section(pdf, "Who has looked at the record")
    _rows(pdf, export["access_trail"])
    return bytes(pdf.output())


def _section(pdf: Document, title: str) -> None:
    pdf.ln(3)
    pdf.font(12, bold=True)
    pdf.lines(7, title)


def _rows(pdf: Document, rows: list[dict[str, Any]]) -> None:
    pdf.font(9)
    for row in rows:
        pdf.lines(4.5, ", ".join(f"{k}: {_text(v)}" for k, v in row.items()))


def _text(value: Any) -> str:
    return value if isinstance(value, str) else json.dumps(value, default=str)
