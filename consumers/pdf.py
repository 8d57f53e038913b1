"""A4 documents (letters, subject access exports) in a font covering as much of the text as the
machine has: DejaVu Sans where it is installed, else the PDF core font, which holds Latin-1 only
(anything beyond it then prints as "?" rather than stopping the document)."""

from pathlib import Path

from fpdf import FPDF, XPos, YPos

DEJAVU = Path("/usr/share/fonts/truetype/dejavu")
CORE_FONT = "Helvetica"
PDF = "application/pdf"  # the media type


class Document(FPDF):
    def __init__(self, margin: float) -> None:
        super().__init__(format="A4")
        self.set_margins(margin, margin, margin)
        self.family = CORE_FONT
        if (DEJAVU / "DejaVuSans.ttf").exists() and (DEJAVU / "DejaVuSans-Bold.ttf").exists():
            self.add_font("DejaVu", "", str(DEJAVU / "DejaVuSans.ttf"))
            self.add_font("DejaVu", "B", str(DEJAVU / "DejaVuSans-Bold.ttf"))
            self.family = "DejaVu"
        self.add_page()

    def font(self, size: float, bold: bool = False) -> None:
        self.set_font(self.family, style="B" if bold else "", size=size)

    def lines(self, height: float, text: str, align: str = "L") -> None:
        """A paragraph, left at the margin, the next one below it."""
        if self.family == CORE_FONT:
            text = text.encode("latin-1", "replace").decode("latin-1")
        self.multi_cell(0, height, text, align=align, new_x=XPos.LMARGIN, new_y=YPos.NEXT)
