"""What a project did to its labels since a model learnt them, applied to what the model predicts.

A model keeps predicting the names it learnt. A label renamed since (or merged into another) is counted
under its name now; a label deleted since is not a label of the project any more, so its predictions are
dropped rather than stored, shown or scored.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, replace

from nerdesk.core.spans import Span


@dataclass(frozen=True, slots=True)
class LabelChanges:
    renamed: Mapping[str, str] = field(default_factory=dict)  # old name -> name now
    deleted: frozenset[str] = frozenset()  # names deleted since (after renaming: a renamed label deleted)

    def applied(self, spans: Iterable[Span]) -> list[Span]:
        """``spans`` under the project's label names now, without those of deleted labels."""
        renamed, deleted = self.renamed, self.deleted
        if not renamed and not deleted:
            return list(spans)
        named = (replace(span, label=renamed[span.label]) if span.label in renamed else span for span in spans)
        return [span for span in named if span.label not in deleted]

    def __bool__(self) -> bool:
        return bool(self.renamed or self.deleted)
