"""Subcommand: activate (the Model versions panel's Activate without a window).

Lists a project's model versions, or makes one of them the active model and predicts the unreviewed
documents again with it: rolling back to an older version, or using one that ``nerdesk retrain`` kept
inactive ("Activate anyway").
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path
from typing import TYPE_CHECKING, Any

from nerdesk.commands.arguments import whole_number
from nerdesk.commands.step_line import StepLine
from nerdesk.core.errors import ProjectError

if TYPE_CHECKING:
    from nerdesk.storage import Project
    from nerdesk.storage.records import ModelVersion


def register(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    parser = subparsers.add_parser(
        "activate", help="list a project's model versions, or activate one (roll back, or activate anyway)",
        description="Without VERSION, list the project's model versions, the active one marked. With VERSION "
                    "(its name as listed, e.g. v3-20261204-221953, or the start of it, e.g. v3), make it the "
                    "active model and predict the unreviewed documents again with it.")
    parser.add_argument("project", type=Path, help="the .nerdesk project")
    parser.add_argument("version", nargs="?", help="the version to activate")
    parser.add_argument("--threads", type=whole_number(1), default=1, help="threads for prediction (default 1)")
    parser.add_argument("--json", action="store_true", help="print the versions, or the outcome, as JSON")
    parser.set_defaults(handler=run_activate)


def run_activate(args: argparse.Namespace) -> int:
    from nerdesk.storage import Project

    with Project.open(args.project) as project:
        if args.version is None:
            _list_versions(project, args.json)
            return 0
        return _activate(project, args.version, args.threads, args.json)


def _list_versions(project: Project, as_json: bool) -> None:
    from nerdesk.workflows.version_names import display_name

    versions = project.model_versions()
    if as_json:
        print(json.dumps([_row(version) for version in versions], ensure_ascii=False, indent=2))
        return
    if not versions:
        print(f"{project.path} has no model versions yet")
    for version in versions:
        print(f"{'*' if version.active else ' '} {display_name(version.name)}  {version.bundle_path}")


def _row(version: ModelVersion) -> dict[str, Any]:
    return {"name": version.name, "active": version.active, "bundle": str(version.bundle_path),
            "created": version.created}


def _activate(project: Project, wanted: str, threads: int, as_json: bool) -> int:
    from nerdesk.core.wording import counted
    from nerdesk.workflows.models import repredict_unreviewed
    from nerdesk.workflows.version_names import display_name
    from nerdesk.workflows.versions import activate_version

    version = find_by_name(project, wanted)
    previous = project.active_model()
    activate_version(project, version.id)
    version = project.active_model() or version  # read again: it is the active one now
    line = StepLine()  # on stderr: JSON stays alone on stdout
    targets = repredict_unreviewed(project, version.bundle_path, threads=threads, progress=lambda done, total:
                                   line.show(f"predicting the unreviewed documents: {done}/{total}", done, total))
    line.end()
    if as_json:
        print(json.dumps({"event": "activated", **_row(version), "previous_active": previous.name if previous else None,
                          "predicted_documents": len(targets.items)}, ensure_ascii=False))
        return 0
    print(f"{display_name(version.name)} is the active model; {counted(len(targets.items), 'unreviewed document')} "
          "predicted again" + (f". {targets.left_alone()}." if targets.other_script else ""))
    return 0


def find_by_name(project: Project, wanted: str) -> ModelVersion:
    """The version named ``wanted``, or the only one whose name starts with it followed by "-" or "@"."""
    versions = project.model_versions()
    exact = [version for version in versions if version.name == wanted]
    matches = exact or [version for version in versions
                        if version.name.startswith(wanted) and version.name[len(wanted):][:1] in ("-", "@")]
    if len(matches) == 1:
        return matches[0]
    names = ", ".join(version.name for version in versions) or "none"
    if matches:
        raise ProjectError(f"{wanted!r} names {len(matches)} versions ({', '.join(v.name for v in matches)}); "
                           "give more of the name", code="E242")
    raise ProjectError(f"the project has no model version {wanted!r}; its versions: {names}", code="E241")
