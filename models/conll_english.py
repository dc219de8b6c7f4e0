"""What the two English CoNLL-2003 bundles' build scripts share: the corpus, its licence, the labels' display
names, and the per-label table and data lines of their model cards."""

from __future__ import annotations

from pathlib import Path

MODELS_DIR = Path(__file__).resolve().parent
DATASETS = MODELS_DIR.parent / ".." / "shared" / "datasets"
MAX_BUNDLE_BYTES = 25 * 1024 * 1024
DISPLAY_NAMES = {"PER": "Person", "ORG": "Organization", "LOC": "Location", "MISC": "Miscellaneous"}
DESCRIPTION = ("CoNLL-2003 English (Reuters news, 1996-97; shared-task annotations), PER/ORG/LOC/MISC, "
               "train 14,041 / dev 3,250 (testa) / test 3,453 (testb) sentences")
LICENCE = "research use only (Reuters text, CoNLL-2003 annotations)"
DATA_AND_LABEL_LINES = [
    f"- **Data**: {DESCRIPTION}. **Licence**: the text is Reuters news (RCV1) and the annotations are those "
    "of the CoNLL-2003 shared task; both are for **research use only**. This model was trained on them and "
    "inherits that restriction: do not use it commercially without your own rights to the data.",
    "- **Labels**: PER (Person), ORG (Organization), LOC (Location), MISC (Miscellaneous: nationalities, "
    "events, products, works and other names); the display names are in the label records of `bundle.json`.",
]


def named_labels(names):
    """A flat LabelSet of ``names`` with the CoNLL display names."""
    from nerdesk.core.labels import LabelSet

    labels = LabelSet.from_names(list(names), flat=True)
    for name, shown in DISPLAY_NAMES.items():
        labels.update(name, display_name=shown)
    return labels


def per_label_rows(bundle, dev, test, display_names=None) -> list[str]:
    """Model-card table rows: label (display name), dev F1, test P / R / F1, test support."""
    display_names = DISPLAY_NAMES if display_names is None else display_names
    from nerdesk.core.metrics import Counts

    rows = []
    for name in bundle.labels.names:
        on_dev, on_test = dev.per_label.get(name, Counts()), test.per_label.get(name, Counts())
        shown = display_names.get(name, name)
        rows.append(f"| {name}{f' ({shown})' if shown != name else ''} | {100 * on_dev.f1:.2f} | "
                    f"{100 * on_test.precision:.2f} | {100 * on_test.recall:.2f} | {100 * on_test.f1:.2f} | "
                    f"{on_test.support} |")
    return rows
