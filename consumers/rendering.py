"""Rendering a notice with its template: the first line is the subject, the rest the body."""

from pathlib import Path

from jinja2 import Environment, FileSystemLoader, StrictUndefined

from consumers.notices import Notice

TEMPLATES = Environment(
    loader=FileSystemLoader(Path(__file__).parent / "templates"),
    undefined=StrictUndefined,
    autoescape=False,  # plain-text mail
    keep_trailing_newline=True,
)


def render(notice: Notice) -> tuple[str, str]:
    """The notice's subject and body."""
    text = TEMPLATES.get_template(f"{notice.template}.txt").render(notice.context)
    subject, _, body = text.partition("\n")
    return subject, body
