"""CSV that is safe to open in a spreadsheet. A text cell that starts as a formula would (=, +,
-, @, a tab or a carriage return) is written with an apostrophe in front, so that free text such
as a reason is shown, never run (OWASP: CSV injection). Numbers are written as they are."""

import csv
import io
from collections.abc import Iterable, Sequence

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def csv_text(header: Sequence[str], rows: Iterable[Sequence[object]]) -> str:
    out = io.StringIO()
    # Lines end in CRLF (RFC 4180), so that a cell holding either character is quoted.
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(header)
    writer.writerows([inert(cell) for cell in row] for row in rows)
    return out.getvalue()


def inert(cell: object) -> object:
    if isinstance(cell, str) and cell.startswith(FORMULA_STARTS):
        return f"'{cell}"
    return cell
