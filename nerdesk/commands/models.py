"""Subcommand: models (list the embedded model bundles).

The names it prints are what ``nerdesk predict --model NAME`` accepts, in a source checkout and in an
installed app alike, where the bundles sit in a folder users should not have to type.
"""

from __future__ import annotations

import argparse
import json
from typing import Any


def register(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    parser = subparsers.add_parser(
        "models", help="list the embedded models",
        description="List the model bundles shipped with nerdesk: their names (for --model), labels, the "
                    "variant that runs (int8 or fp32), its dev and test F1 (those their bundle records) and folder.")
    parser.add_argument("--json", action="store_true", help="print the list as JSON")
    parser.set_defaults(handler=run_models)


def run_models(args: argparse.Namespace) -> int:
    from nerdesk.workflows.default_models import MODELS_ENV, models_dir

    rows = embedded_models()
    if args.json:
        print(json.dumps(rows, indent=2, ensure_ascii=False))
        return 0
    if not rows:
        print(f"no embedded models in {models_dir()} (set {MODELS_ENV} to a folder of model bundles)")
        return 0
    width = max(len(row["name"]) for row in rows)
    for row in rows:
        print(f"{row['name']:<{width}}  {len(row['labels'])} labels, {row['variant']} model, {scores_text(row)}: "
              f"{', '.join(row['labels'])}")
    print(f"in {models_dir()}; use one with: nerdesk predict FILE --model {rows[0]['name']} --out OUT.jsonl")
    return 0


def scores_text(row: dict[str, Any]) -> str:
    """``dev F1 73.8``, ``test F1 88.4`` or both, as the bundle records them."""
    shown = [f"{split} F1 {100 * row[f'{split}_f1']:.1f}" for split in ("dev", "test") if row[f"{split}_f1"] is not None]
    return ", ".join(shown) or "F1 unknown"


def embedded_models() -> list[dict[str, Any]]:
    """Name, labels, variant that runs, its dev and test micro F1 and folder of every embedded bundle (hashes checked, ONNX not
    opened)."""
    from nerdesk.runtime.bundle import Bundle, running_f1
    from nerdesk.workflows.default_models import embedded_model, embedded_model_names

    rows = []
    for name in embedded_model_names():
        bundle = Bundle.load(embedded_model(name), check_models=False)
        scores = running_f1(bundle.manifest)  # of the variant that runs, as the Model panel shows it
        rows.append({"name": name, "labels": list(bundle.labels.names), "variant": bundle.manifest["default_variant"],
                     "dev_f1": scores["dev"], "test_f1": scores["test"], "model_version": bundle.model_version,
                     "path": str(bundle.path)})
    return rows
