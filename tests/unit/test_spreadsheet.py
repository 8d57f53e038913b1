"""CSV cells that a spreadsheet would run as a formula are written as text (api/spreadsheet.py)."""

import csv
import io

from api.spreadsheet import FORMULA_STARTS, csv_text


def test_a_cell_that_starts_like_a_formula_is_written_as_text() -> None:
    cells = [f"{start}SUM(A1:A9)" for start in FORMULA_STARTS]
    [_, row] = list(csv.reader(io.StringIO(csv_text(["cells"] * len(cells), [cells]), newline="")))
    assert row == [f"'{cell}" for cell in cells]


def test_other_text_and_numbers_are_written_as_they_are() -> None:
    text = csv_text(["reason", "change", "share"], [["Moved to Leeds", -2, 12.5]])
    assert text == "reason,change,share\r\nMoved to Leeds,-2,12.5\r\n"
