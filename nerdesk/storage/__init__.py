"""The project store: one SQLite file per project, written through sqlite-utils.

This is the only package that talks to SQLite; everything above it uses ``Project``.
"""

from nerdesk.storage.migrations import SCHEMA_VERSION
from nerdesk.storage.project import SUFFIX, Project
from nerdesk.storage.records import DocumentSummary, ModelVersion, TrainingRun

__all__ = ["SCHEMA_VERSION", "SUFFIX", "DocumentSummary", "ModelVersion", "Project", "TrainingRun"]
