"""What reading WebAnno TSV files skipped or filled in: counted over every file, said once at the end."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field

from nerdesk.core.wording import by_count, counted
from nerdesk.formats._base import ReadContext


@dataclass
class Tally:
    """What the reading of every file skipped or filled in, for the warnings said once at the end."""

    skipped_layers: Counter[str] = field(default_factory=Counter)
    other_features: Counter[str] = field(default_factory=Counter)
    unset: Counter[str] = field(default_factory=Counter)
    zero_width: int = 0
    sentence_ids: int = 0


def closing_warnings(ctx: ReadContext, tally: Tally) -> None:
    if tally.skipped_layers:
        layers = ", ".join(f"{name} ({counted(n, 'line')})" for name, n in tally.skipped_layers.items() if n)
        if layers:
            ctx.warn(f"annotations of layers nerdesk does not read were skipped: {layers}; nerdesk reads named "
                     "entities (NamedEntity's value) and custom span layers (webanno.custom.*) with one feature")
    if sum(tally.other_features.values()):
        n = sum(tally.other_features.values())
        ctx.warn(f"{counted(n, 'value')} of features other than the label ({', '.join(name for name, count in tally.other_features.items() if count)}) "
                 f"{by_count(n, 'was', 'were')} not imported")
    if tally.unset:
        n = sum(tally.unset.values())
        ctx.warn(f"{counted(n, 'annotation')} had no value (*): labelled with {by_count(n, 'its', 'their')} layer's "
                 f"name ({', '.join(tally.unset)})")
    if tally.zero_width:
        n = tally.zero_width
        ctx.warn(f"{counted(n, 'zero-width annotation')} {by_count(n, 'was', 'were')} not imported: a nerdesk span "
                 "covers at least one character")
    if tally.sentence_ids:
        ctx.warn(f"{counted(tally.sentence_ids, 'sentence id')} (#Sentence.id) {by_count(tally.sentence_ids, 'was', 'were')}"
                 " not kept: nerdesk documents have no sentences")
