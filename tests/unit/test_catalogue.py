from pathlib import Path

from domain.catalogue import catalogue

CATALOGUE = Path(__file__).resolve().parents[2] / "docs" / "events.md"


def test_the_event_catalogue_in_docs_is_current() -> None:
    assert CATALOGUE.read_text() == catalogue(), "run: python -m domain.catalogue > docs/events.md"


def test_the_catalogue_lists_every_case_event_with_its_fields() -> None:
    text = catalogue()
    assert "| `KeyWorkerHandedOver` | `incoming`: KeyWorker, `on`: date," in text
    assert "`PractitionerContactDetailsChanged`" in text
    assert "Created" not in text
