"""One clear ``ProjectError`` for every failure of the file underneath a project.

SQLite reports a damaged file (a dropped table, a garbage page, text that is not UTF-8) only when
the damaged part is read, which can be any query of any method. ``guard_public_methods`` wraps every
public method of ``Project`` so that such a failure, whenever it happens, becomes one line saying
which file, what SQLite found and what to do, instead of a traceback.
"""

from __future__ import annotations

import functools
import inspect
import json
import sqlite3
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any, TypeVar

from nerdesk.core.errors import ProjectError

FILE_FAILURES = (sqlite3.DatabaseError, json.JSONDecodeError)
ProjectClass = TypeVar("ProjectClass", bound=type)
REQUIRED_TABLES = ("meta", "labels", "documents", "spans", "models", "training_runs", "settings")


def file_failure(path: Path, error: BaseException, read_only: str | None = None, *,
                 damaged: str = "is damaged") -> ProjectError:
    """What went wrong with the file at ``path`` and what to do, in one line, with its code."""
    reason = " ".join(str(error).split())
    if "locked" in reason or "busy" in reason:
        return ProjectError(f"{path} is busy: another program is writing to it ({reason}); try again in a moment",
                            code="E223")
    if "readonly" in reason:
        return ProjectError(f"{path} is open read-only ({read_only or reason}); nothing was changed", code="E220")
    if isinstance(error, json.JSONDecodeError):
        reason = f"a stored JSON value is unreadable: {reason}"
    if "not a database" in reason and Path(path).suffix.lower() != ".nerdesk":  # a data file opened as a project
        return ProjectError(f"{path} is not a nerdesk project ({reason}); to add its documents to a project, "
                            f"import it: File > Import, or nerdesk import PROJECT {Path(path).name}", code="E205")
    return ProjectError(f"{path} {damaged} ({reason}); restore it from a backup", code="E205")


@contextmanager
def translating(project: Any) -> Iterator[None]:
    """Run a block of ``project`` work; failures of its file become one ``ProjectError``."""
    try:
        yield
    except FILE_FAILURES as error:
        raise file_failure(project.path, error, project.read_only) from error


def guarded(function: Callable[..., Any]) -> Callable[..., Any]:
    """``function`` (a method, or a generator method) with file failures translated."""
    if inspect.isgeneratorfunction(function):
        @functools.wraps(function)
        def generator(self: Any, *args: Any, **kwargs: Any) -> Iterator[Any]:
            with translating(self):
                yield from function(self, *args, **kwargs)
        return generator

    @functools.wraps(function)
    def method(self: Any, *args: Any, **kwargs: Any) -> Any:
        with translating(self):
            return function(self, *args, **kwargs)
    return method


def guard_public_methods(cls: ProjectClass) -> ProjectClass:
    """Wrap every public plain method ``cls`` has (its own and its mixins') with ``guarded``."""
    for name in dir(cls):
        if name.startswith("_"):
            continue
        attribute = inspect.getattr_static(cls, name)
        if inspect.isfunction(attribute):
            setattr(cls, name, guarded(attribute))
    return cls


def missing_tables(table_names: list[str]) -> list[str]:
    return [table for table in REQUIRED_TABLES if table not in table_names]
