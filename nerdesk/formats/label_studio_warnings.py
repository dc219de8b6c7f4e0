"""What a Label Studio import counts while it reads (skipped results, fixed offsets, ...) and the warnings
it closes with."""

from __future__ import annotations

from nerdesk.core.wording import by_count, counted
from nerdesk.formats._base import ReadContext


class LsState:
    def __init__(self) -> None:
        self.utf16_fixed = 0
        self.display_only = 0
        self.inside = 0  # value.text part of the text at the offsets (word granularity)
        self.skipped_results = 0
        self.unlabelled = 0  # regions whose labels were all taken off
        self.cancelled = 0
        self.merged = 0
        self.beside_truth = 0  # submitted annotations of a task that has a ground-truth one
        self.other_field = 0  # results on another data field than the text's (several <Text> tags)


def read_warnings(ctx: ReadContext, state: LsState) -> None:
    if state.utf16_fixed:
        ctx.warn(f"{counted(state.utf16_fixed, 'span')} had UTF-16 offsets "
                 f"({by_count(state.utf16_fixed, 'it', 'they')} matched {by_count(state.utf16_fixed, 'its', 'their')} "
                 "text only as UTF-16); converted to code points")
    if state.display_only:
        ctx.warn(f"{counted(state.display_only, 'span')} {by_count(state.display_only, 'has', 'have')} a "
                 f"value.text that differs from the text at {by_count(state.display_only, 'its', 'their')} offsets "
                 "only as Label Studio displays it (collapsed spaces, line breaks): the offsets were trusted")
    if state.inside:
        ctx.warn(f"{counted(state.inside, 'span')} {by_count(state.inside, 'has', 'have')} a value.text that is "
                 f"only part of the text at {by_count(state.inside, 'its', 'their')} offsets (a selection Label Studio "
                 "widened to whole words): the offsets were trusted")
    if state.skipped_results:
        skipped = state.skipped_results
        ctx.warn(f"{counted(skipped, 'result')} that {by_count(skipped, 'is not a text span', 'are not text spans')} "
                 f"(choices, relations, ...) {by_count(skipped, 'was', 'were')} skipped")
    if state.unlabelled:
        ctx.warn(f"{counted(state.unlabelled, 'region')} without a label (its labels taken off in Label Studio) "
                 f"{by_count(state.unlabelled, 'was', 'were')} skipped")
    if state.cancelled:
        ctx.warn(f"{counted(state.cancelled, 'cancelled or skipped annotation')} "
                 f"{by_count(state.cancelled, 'was', 'were')} skipped")
    if state.other_field:
        ctx.warn(f"{counted(state.other_field, 'result')} on other data fields than the text's "
                 f"{by_count(state.other_field, 'was', 'were')} skipped: nerdesk keeps one text per document")
    if state.beside_truth:
        ctx.warn(f"{counted(state.beside_truth, 'annotation')} of tasks that have a ground-truth annotation "
                 f"{by_count(state.beside_truth, 'was', 'were')} left out: the ground truth is the gold")
    if state.merged:
        ctx.warn(f"{counted(state.merged, 'task')} had several annotations: {by_count(state.merged, 'its', 'their')} "
                 "spans were merged into one gold set")
