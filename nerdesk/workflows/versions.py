"""Model versions of a project: activate (roll back), delete, export.

Deleting a version removes its bundle folder only when the folder belongs to the project (under
``<project>.models/``); bundles loaded from elsewhere and the embedded models are never deleted.
"""

from __future__ import annotations

import shutil
from pathlib import Path

from nerdesk.core.errors import NerdeskError, ProjectError
from nerdesk.runtime.bundle import Bundle
from nerdesk.storage.project import Project
from nerdesk.storage.records import ModelVersion
from nerdesk.workflows.models import adopt_labels
from nerdesk.workflows.retrain import versions_dir


def find_version(project: Project, model_id: int) -> ModelVersion:
    for version in project.model_versions():
        if version.id == model_id:
            return version
    raise ProjectError(f"the project has no model version {model_id}; refresh the model list", code="E241")


def activate_version(project: Project, model_id: int) -> None:
    """Make ``model_id`` the active model (rolling back is activating an older version), once its bundle has
    been read and checked: a version whose bundle is gone or damaged is refused, and the active model stays."""
    version = find_version(project, model_id)
    if not Path(version.bundle_path).is_dir():
        raise ProjectError(f"the bundle of {version.name} is missing ({version.bundle_path}), so the active model "
                           "stays; put the folder back, or delete the version", code="E513")
    try:
        bundle = Bundle.load(version.bundle_path)
    except NerdeskError as error:
        raise ProjectError(f"{version.name} cannot be activated, so the active model stays: {error}",
                           code=error.code) from error
    project.set_active_model(model_id)
    adopt_labels(project, bundle)


def delete_version(project: Project, model_id: int) -> None:
    """Forget a version that is not active, and delete its bundle if the project owns it."""
    version = find_version(project, model_id)
    if version.active:
        raise ProjectError(f"{version.name} is the active model; activate another version before deleting it",
                           code="E510")
    project.delete_model(model_id)
    if owned_by_project(project, version.bundle_path):
        shutil.rmtree(version.bundle_path, ignore_errors=True)


def owned_by_project(project: Project, bundle_path: str | Path) -> bool:
    """Whether the bundle is in the project's own versions folder, so that deleting the version deletes it."""
    root = versions_dir(Path(project.path).resolve())
    return Path(bundle_path).resolve().parent == root


def export_version(project: Project, model_id: int, destination: str | Path) -> Path:
    """Copy a version's bundle into the folder ``destination``; returns the new bundle folder."""
    version = find_version(project, model_id)
    destination = Path(destination)
    if not destination.is_dir():
        raise ProjectError(f"cannot export to {destination}: not an existing folder; choose a folder",
                           code="E511")
    target = destination / Path(version.bundle_path).name
    if target.exists():
        raise ProjectError(f"{target} already exists; choose another folder or remove it first", code="E512")
    if not Path(version.bundle_path).is_dir():
        raise ProjectError(f"the bundle of {version.name} is missing ({version.bundle_path}); it cannot be exported",
                           code="E513")
    shutil.copytree(version.bundle_path, target)
    return target
