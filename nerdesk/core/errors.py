"""Every error nerdesk raises on purpose.

Messages say what went wrong, where (file, line, record) and what to do about it.
The CLI prints them without a traceback; the GUI shows them in a dialog.

An error carries a stable ``code`` (``E0xx`` core, ``E1xx`` formats, ``E2xx`` storage, ``E3xx`` model
bundles, ``E4xx`` training, ``E5xx`` workflows, ``E6xx`` window; docs/errors.md lists them): the message can
be reworded, the code stays, so tests and users can refer to it. ``str(error)`` is the message alone; the CLI prints
``nerdesk: error E104: ...`` and the GUI shows the code under the message.
"""

from __future__ import annotations

from nerdesk.core.wording import counted


class NerdeskError(Exception):
    """Base class: an expected failure with a message meant for the user, and its code if it has one."""

    def __init__(self, *args: object, code: str | None = None) -> None:
        super().__init__(*(printable(arg) if isinstance(arg, str) else arg for arg in args))
        self.code = code


def printable(message: str) -> str:
    """``message`` with lone surrogates (which bad input can put in a quoted name) written as ``\\udXXX``
    escapes, so that a dialog, a terminal or a log file can always show it."""
    return message.encode("utf-8", "backslashreplace").decode("utf-8")


class FormatError(NerdeskError):
    """A file could not be read or written in the requested format."""

    def __init__(self, reason: str, *, path: str | None = None, line: int | None = None,
                 record: int | None = None, code: str | None = None) -> None:
        self.reason = reason
        self.path = path
        self.line = line
        self.record = record
        super().__init__(self._compose(), code=code)

    def _compose(self) -> str:
        where = []
        if self.path is not None:
            where.append(str(self.path))
        if self.line is not None:
            where.append(f"line {self.line}")
        if self.record is not None:
            where.append(f"record {self.record}")
        return f"{', '.join(where)}: {self.reason}" if where else self.reason


class ImportProblems(NerdeskError):
    """Several bad records in one file; nothing was imported (``outcome``: or predicted, for ``nerdesk predict``)."""

    def __init__(self, problems: list[FormatError], *, limit: int = 20, outcome: str = "nothing was imported") -> None:
        self.problems = problems
        shown = "\n".join(f"  {p.code} {p}" if p.code else f"  {p}" for p in problems[:limit])  # codes as in docs/errors.md
        more = f"\n  ... and {len(problems) - limit} more" if len(problems) > limit else ""
        super().__init__(f"{counted(len(problems), 'bad record')}; {outcome}:\n{shown}{more}", code="E100")


class SpanError(NerdeskError):
    """A span does not fit its text (out of range, empty, or mention mismatch)."""


class ProjectError(NerdeskError):
    """A project file cannot be opened or changed."""


class ModelBundleError(NerdeskError):
    """A model bundle is missing, corrupt, or does not match what it declares."""


class TrainingError(NerdeskError):
    """Training could not start or did not finish."""
