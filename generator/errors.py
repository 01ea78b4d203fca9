"""Problems found in a package are values, not exceptions.

Every check returns :class:`Issue` values that name the file, the row as a spreadsheet
user counts it (header = row 1), the field, the offending value and what would fix it.
Exceptions exist only at the gates (:class:`ValidationFailed`, :class:`BuildError`) and
all derive from :class:`PerfsiteError`, the one class the command line catches.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import asdict, dataclass

ERROR = "error"
WARNING = "warning"


def shorten(value: object, limit: int = 60) -> str:
    """A value as it can be quoted in a message: one line, at most ``limit`` characters."""
    text = "" if value is None else str(value)
    text = text.replace("\r", "\\r").replace("\n", "\\n").replace("\t", "\\t")
    return text if len(text) <= limit else text[: limit - 1] + "…"


@dataclass(frozen=True)
class Issue:
    """One problem in a package, with where it is and how to fix it."""

    code: str
    message: str
    file: str | None = None
    row: int | None = None
    field: str | None = None
    value: str | None = None
    hint: str | None = None
    severity: str = ERROR

    def location(self) -> str:
        parts = [self.file or "datapackage"]
        if self.row is not None:
            parts.append(f"row {self.row}")
        if self.field:
            parts.append(f"field {self.field}")
        return ", ".join(parts)

    def __str__(self) -> str:
        text = f"{self.location()}: {self.message}"
        if self.value is not None:
            text += f" (value: {shorten(self.value)!r})"
        if self.hint:
            text += f" — {self.hint}"
        return text

    def to_dict(self) -> dict:
        return asdict(self)

    def sort_key(self) -> tuple:
        return (self.file or "", self.row or 0, self.field or "", self.code)


def errors_of(issues: Iterable[Issue]) -> list[Issue]:
    return [i for i in issues if i.severity == ERROR]


def warnings_of(issues: Iterable[Issue]) -> list[Issue]:
    return [i for i in issues if i.severity == WARNING]


class PerfsiteError(Exception):
    """Base of the errors a user can act on; the CLI prints these without a traceback."""

    exit_code = 1


class ValidationFailed(PerfsiteError):
    """The package has errors; ``issues`` lists every one."""

    def __init__(self, issues: list[Issue]):
        self.issues = issues
        super().__init__(f"the package has {len(errors_of(issues))} error(s)")


class BuildError(PerfsiteError):
    """The site could not be built; the previous site is left as it was."""


class PublishError(PerfsiteError):
    """A period cannot be published as asked."""
