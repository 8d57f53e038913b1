"""Errors the domain raises when a command breaks one of its rules."""


class DomainError(Exception):
    """A command the domain refuses. `field` and `rule` name what was wrong."""

    def __init__(self, field: str, rule: str, detail: str) -> None:
        super().__init__(detail)
        self.field = field
        self.rule = rule
        self.detail = detail


class InvalidValue(DomainError):
    """A value in the command is not acceptable, whatever the case's state."""

    def errors(self) -> list[tuple[str, str]]:
        """Each (field, rule) broken."""
        return [(self.field, self.rule)]


class MissingValues(InvalidValue):
    """Values the command needs are missing: each is named, so that all can be asked at once."""

    def __init__(self, fields: list[str], detail: str) -> None:
        super().__init__(fields[0], "missing", detail)
        self.fields = fields

    def errors(self) -> list[tuple[str, str]]:
        return [(field, "missing") for field in self.fields]


class NotAllowedNow(DomainError):
    """The command is well formed but the case's current state forbids it."""
