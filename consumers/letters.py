"""Letters: rendered to PDF into a print queue that business support lists and marks posted."""

from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path
from uuid import NAMESPACE_URL, UUID, uuid5

from eventsourcing.postgres import PostgresDatastore
from psycopg.sql import SQL, Identifier

from consumers.pdf import Document
from services.commands import NotFound

LETTER_NAMESPACE = uuid5(NAMESPACE_URL, "urn:keywork:letter")
SERVICE_NAME = "The key working service"


@dataclass(frozen=True)
class Letter:
    letter_id: UUID
    case_id: UUID | None
    recipient: str
    subject: str
    created_at: datetime
    posted_at: datetime | None
    path: str
    accessible_format: str | None  # large_print, easy_read: business support prints it so


# Type sizes (body, subject) in points: large print is 16 point and up.
SIZES = {None: (11, 13), "large_print": (16, 20)}


def letter_id(event_id: UUID, recipient: str) -> UUID:
    """The same letter however often its event is handled."""
    return uuid5(LETTER_NAMESPACE, f"{event_id}/{recipient}")


def render(
    path: Path,
    name: str,
    address: str,
    subject: str,
    body: str,
    on: date,
    accessible_format: str | None = None,
) -> None:
    size, heading = SIZES.get(accessible_format, SIZES[None])
    line = size * 0.55  # millimetres a line, for the type size
    pdf = Document(margin=20)
    pdf.font(size)
    pdf.lines(line, SERVICE_NAME, align="R")
    pdf.ln(8)
    pdf.lines(line, "\n".join([name, *address.split(", ")]))
    pdf.ln(6)
    pdf.lines(line, on.strftime("%d %B %Y"))
    pdf.ln(6)
    pdf.font(heading, bold=True)
    pdf.lines(heading * 0.6, subject)
    pdf.font(size)
    pdf.ln(2)
    pdf.lines(line, body)
    path.parent.mkdir(parents=True, exist_ok=True)
    pdf.output(str(path))


class PrintQueue:
    def __init__(self, datastore: PostgresDatastore, folder: Path) -> None:
        self.datastore = datastore
        self.folder = folder
        self.table = Identifier(datastore.schema, "letters")
        with datastore.transaction(commit=True) as cursor:
            cursor.execute(
                SQL(
                    "CREATE TABLE IF NOT EXISTS {table} (letter_id uuid PRIMARY KEY, "
                    "recipient text NOT NULL, subject text NOT NULL, path text NOT NULL, "
                    "created_at timestamptz NOT NULL DEFAULT now(), posted_at timestamptz)"
                ).format(table=self.table)
            )
            for column in ("case_id uuid", "accessible_format text"):
                cursor.execute(
                    SQL("ALTER TABLE {table} ADD COLUMN IF NOT EXISTS " + column).format(
                        table=self.table
                    )
                )

    def add(
        self,
        case_id: UUID,
        event: UUID,
        recipient: str,
        name: str,
        address: str,
        subject: str,
        body: str,
        on: date,
        accessible_format: str | None = None,
    ) -> UUID:
        letter = letter_id(event, recipient)
        path = self.folder / f"{letter}.pdf"
        render(path, name, address, subject, body, on, accessible_format)
        with self.datastore.transaction(commit=True) as cursor:
            cursor.execute(
                SQL(
                    "INSERT INTO {table} (letter_id, case_id, recipient, subject, path, "
                    "accessible_format) VALUES (%s, %s, %s, %s, %s, %s) ON CONFLICT DO NOTHING"
                ).format(table=self.table),
                (letter, case_id, recipient, subject, str(path), accessible_format),
            )
        return letter

    def waiting(self) -> list[Letter]:
        return self._select("WHERE posted_at IS NULL")

    def get(self, letter: UUID) -> Letter | None:
        found = self._select("WHERE letter_id = %s", letter)
        return found[0] if found else None

    def printable(self, letter: UUID) -> Path:
        """The letter's PDF; NotFound for no such letter, or one whose PDF went with an erasure."""
        found = self.get(letter)
        if found is None or not Path(found.path).exists():
            raise NotFound("letter")
        return Path(found.path)

    def post(self, letter: UUID) -> bool:
        """Marks the letter posted; whether it was waiting until now (NotFound: no such letter)."""
        if self.get(letter) is None:
            raise NotFound("letter")
        return self.mark_posted(letter)

    def mark_posted(self, letter: UUID) -> bool:
        with self.datastore.transaction(commit=True) as cursor:
            cursor.execute(
                SQL(
                    "UPDATE {table} SET posted_at = now() "
                    "WHERE letter_id = %s AND posted_at IS NULL"
                ).format(table=self.table),
                (letter,),
            )
            return cursor.rowcount == 1

    def erase_case(self, case_id: UUID) -> None:
        """Destroys the PDFs of a case whose personal data is erased, and the formats its family
        needed; the queue keeps the rows."""
        for letter in self._select("WHERE case_id = %s", case_id):
            Path(letter.path).unlink(missing_ok=True)
        with self.datastore.transaction(commit=True) as cursor:
            cursor.execute(
                SQL("UPDATE {table} SET accessible_format = NULL WHERE case_id = %s").format(
                    table=self.table
                ),
                (case_id,),
            )

    def _select(self, where: str, *params: object) -> list[Letter]:
        with self.datastore.transaction(commit=False) as cursor:
            cursor.execute(
                SQL(
                    "SELECT letter_id, case_id, recipient, subject, created_at, posted_at, path, "
                    "accessible_format FROM {table} " + where + " ORDER BY created_at, letter_id"
                ).format(table=self.table),
                params,
            )
            return [Letter(**row) for row in cursor.fetchall()]
