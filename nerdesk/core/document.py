"""A document: one text with its spans, metadata and review status."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Literal

from nerdesk.core.spans import GOLD, PRED, Span, sort_spans, validate_span

Status = Literal["new", "predicted", "in-progress", "reviewed"]
STATUSES: tuple[Status, ...] = ("new", "predicted", "in-progress", "reviewed")


@dataclass(slots=True)
class Document:
    text: str
    spans: list[Span] = field(default_factory=list)
    name: str | None = None
    meta: dict[str, Any] = field(default_factory=dict)
    status: Status = "new"
    split: str | None = None
    id: int | None = None

    @property
    def gold(self) -> list[Span]:
        return sort_spans(s for s in self.spans if s.source == GOLD)

    @property
    def predictions(self) -> list[Span]:
        return sort_spans(s for s in self.spans if s.source == PRED)

    @property
    def labels(self) -> set[str]:
        return {s.label for s in self.spans}

    def validate(self) -> None:
        for span in self.spans:
            validate_span(span, self.text)

    def title(self, width: int = 60) -> str:
        if self.name:
            return self.name
        first = " ".join(self.text.split())
        return first if len(first) <= width else first[: width - 1] + "…"
