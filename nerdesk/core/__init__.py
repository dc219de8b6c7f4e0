"""Pure-Python building blocks: spans, documents, labels, offsets, metrics, edits."""

from nerdesk.core.document import STATUSES, Document, Status
from nerdesk.core.errors import (
    FormatError,
    ImportProblems,
    ModelBundleError,
    NerdeskError,
    ProjectError,
    SpanError,
    TrainingError,
)
from nerdesk.core.labels import Label, LabelSet
from nerdesk.core.spans import GOLD, PRED, Span

__all__ = [
    "GOLD", "PRED", "STATUSES", "Document", "FormatError", "ImportProblems", "Label", "LabelSet",
    "ModelBundleError", "NerdeskError", "ProjectError", "Span", "SpanError", "Status", "TrainingError",
]
