"""Model versions registered in a project, which one is active, and the history of training runs.

The store keeps only the path of a bundle directory; bundle files are written and deleted by the
training and runtime layers.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from sqlite_utils import Database
from sqlite_utils.db import Table

from nerdesk.core.errors import ProjectError
from nerdesk.storage.connection import write_transaction
from nerdesk.storage.records import ModelVersion, TrainingRun
from nerdesk.storage.rows import from_json, now, to_json

RUN_COLUMNS = {"status", "started", "finished", "model_id"}


class ModelsMixin:
    db: Database

    def register_model(self, *, name: str, bundle_path: str | Path, metrics: dict[str, Any],
                       settings: dict[str, Any], trained_on: dict[str, Any]) -> int:
        """Record a trained bundle; it becomes active only through ``set_active_model``."""
        with write_transaction(self.db):
            return inserted_id(self.db.table("models").insert({
                "name": name, "bundle_path": str(bundle_path), "metrics": to_json(metrics),
                "settings": to_json(settings), "trained_on": to_json(trained_on), "created": now(),
            }))

    def model_versions(self) -> list[ModelVersion]:
        return [model_version(row) for row in self.db.table("models").rows_where(order_by="id")]

    def active_model(self) -> ModelVersion | None:
        rows = list(self.db.table("models").rows_where("active = 1"))
        return model_version(rows[0]) if rows else None

    def set_active_model(self, model_id: int | None) -> None:
        """Make one model the one used for predictions (``None``: no model)."""
        with write_transaction(self.db):
            if model_id is not None:
                self._require_model(model_id)
            self.db.execute("UPDATE models SET active = 0 WHERE active = 1")
            if model_id is not None:
                self.db.execute("UPDATE models SET active = 1 WHERE id = ?", [model_id])

    def delete_model(self, model_id: int) -> None:
        """Forget a model version (training runs keep their record without the link)."""
        with write_transaction(self.db):
            self._require_model(model_id)
            self.db.execute("DELETE FROM models WHERE id = ?", [model_id])

    def record_training_run(self, **fields: Any) -> int:
        """Start a training-run record (status ``running`` unless given); other fields are kept as JSON."""
        record = {"status": "running", "started": now(), **fields}
        with write_transaction(self.db):
            return inserted_id(self.db.table("training_runs").insert(run_row(record, {})))

    def finish_training_run(self, run_id: int, *, status: str, **fields: Any) -> None:
        """Close a run with its final status (``finished``, ``failed``, ``cancelled``...) and results."""
        with write_transaction(self.db):
            run = self.training_run(run_id)
            record = {"status": status, "finished": now(), "model_id": run.model_id, **fields}
            self.db.table("training_runs").update(run_id, run_row(record, run.fields))

    def training_run(self, run_id: int) -> TrainingRun:
        rows = list(self.db.table("training_runs").rows_where("id = ?", [run_id]))
        if not rows:
            raise ProjectError(f"the project has no training run with id {run_id}", code="E240")
        return training_run(rows[0])

    def training_runs(self) -> list[TrainingRun]:
        return [training_run(row) for row in self.db.table("training_runs").rows_where(order_by="id")]

    def _require_model(self, model_id: int) -> None:
        if self.db.execute("SELECT 1 FROM models WHERE id = ?", [model_id]).fetchone() is None:
            raise ProjectError(f"the project has no model with id {model_id}; see the model list",
                               code="E241")


def inserted_id(table: Table) -> int:
    """The id of the row ``table`` just inserted (its rowid: both tables have an INTEGER PRIMARY KEY)."""
    if table.last_rowid is None:
        raise RuntimeError(f"no row was inserted into {table.name}")
    return table.last_rowid


def run_row(record: dict[str, Any], previous_fields: dict[str, Any]) -> dict[str, Any]:
    """Split a run record into its columns and the free-form ``fields`` JSON (merged with earlier ones)."""
    extra = {key: value for key, value in record.items() if key not in RUN_COLUMNS}
    row = {key: value for key, value in record.items() if key in RUN_COLUMNS}
    return {**row, "fields": to_json({**previous_fields, **extra})}


def model_version(row: dict[str, Any]) -> ModelVersion:
    return ModelVersion(
        id=row["id"], name=row["name"], bundle_path=Path(row["bundle_path"]), metrics=from_json(row["metrics"]),
        settings=from_json(row["settings"]), trained_on=from_json(row["trained_on"]), created=row["created"],
        active=bool(row["active"]),
    )


def training_run(row: dict[str, Any]) -> TrainingRun:
    return TrainingRun(
        id=row["id"], status=row["status"], started=row["started"], finished=row["finished"],
        model_id=row["model_id"], fields=from_json(row["fields"]),
    )
