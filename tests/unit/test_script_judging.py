"""Judging the script of many documents at once, as Predict all does before it predicts.

The letters of all the texts are counted in one pass (``letter_counts``), with the same result as
counting them one character at a time; Predict all reads the texts in batches, says how far it is,
and stops at Cancel between two batches.
"""

from __future__ import annotations

import pytest

from nerdesk.core.document import Document
from nerdesk.core.writing_systems import is_cjk, is_mostly_cjk, letter_counts
from nerdesk.runtime.bundle import Bundle
from nerdesk.storage.project import Project
from nerdesk.workflows import models
from nerdesk.workflows.default_models import GENERAL_ZH, embedded_model
from nerdesk.workflows.model_script import fits_script, fits_script_many

TEXTS = [
    "", "OK 👍", "北京大学的王小明", "Zhang Wei (张伟) visited Beijing.", "患者\r\n自述头痛👨‍👩‍👧三天。",
    "《GameInformer》是游戏网络商店GameStop旗下的一本杂志，", "東京タワーはとうきょうにある", "한국어 문장입니다",
    "𠀀𠀁 ext-B ideographs", "a\u200db\u200bc ﬁne Straße ΣΔ Дом", "\ud800 lone surrogate", "1２③½Ⅻ_-, 。",
    "IL-2 gene expression in T cells.", "CT 检查", "word\tword\nword\r\nword",
]


def counted_one_by_one(text: str) -> tuple[int, int, int]:
    """(letters, CJK letters, words of other letters), a character at a time."""
    letters = cjk = words = 0
    in_word = False
    for char in text:
        if not char.isalpha():
            in_word = False
            continue
        letters += 1
        if is_cjk(char):
            cjk += 1
            in_word = False
        elif not in_word:
            words += 1
            in_word = True
    return letters, cjk, words


def test_letters_counted_at_once_match_those_counted_one_by_one():
    counts = letter_counts(TEXTS)
    assert list(zip(counts.letters.tolist(), counts.cjk.tolist(), counts.words.tolist(), strict=True)) == [
        counted_one_by_one(text) for text in TEXTS]
    assert counted_one_by_one("Zhang Wei (张伟) visited Beijing.") == (24, 2, 4)


def test_a_word_does_not_run_from_one_text_into_the_next():
    assert letter_counts(["ab", "cd", "北"]).words.tolist() == [1, 1, 0]


@pytest.mark.parametrize("model_script", ["cjk", "latin", "mixed"])
def test_scripts_judged_at_once_match_those_judged_one_by_one(model_script):
    assert fits_script_many(TEXTS, model_script) == [fits_script(text, model_script) for text in TEXTS]


def test_what_a_chinese_model_fits():
    assert fits_script_many(["北京大学的王小明", "IL-2 gene expression in T cells.", "OK 👍", "CT 检查"], "cjk") == [
        True, False, True, True]  # "OK 👍" and "CT 检查" have too few letters to tell
    assert is_mostly_cjk(["《GameInformer》是游戏网络商店GameStop旗下的一本杂志，"])
    assert not is_mostly_cjk(["Zhang Wei (张伟) visited Beijing."])
    assert is_mostly_cjk(["北京大学", "Peking University"] * 1000, sample=4)  # only the first text counts


@pytest.fixture
def chinese_bundle() -> Bundle:
    path = embedded_model(GENERAL_ZH)
    if not (path / "bundle.json").is_file():
        pytest.skip(f"the embedded model {GENERAL_ZH} is not built")
    return Bundle.load(path, check_models=False)


@pytest.fixture
def project(tmp_path):
    with Project.create(tmp_path / "read.nerdesk") as project:
        project.add_documents(Document(f"{n}：张伟在北京大学读书。" if n % 5 else f"{n}: Zhang Wei studied in Beijing.",
                                       status="reviewed" if n == 5 else "new") for n in range(2_501))
        yield project


def test_the_read_says_how_far_it_is_a_batch_at_a_time(project, chinese_bundle):
    reports = []
    targets = models.unreviewed_for(project, chinese_bundle, progress=lambda read, total: reports.append((read, total)))
    assert reports == [(1_000, 2_500), (2_000, 2_500), (2_500, 2_500)]  # the reviewed document is not read
    assert len(targets.items) == 2_000 and targets.other_script == 500
    assert targets.items[0] == (2, "1：张伟在北京大学读书。")


def test_cancel_stops_the_read_between_two_batches(project, chinese_bundle):
    looks, reports = [], []

    def should_stop() -> bool:
        looks.append(len(looks))
        return len(looks) == 2

    with pytest.raises(models.Cancelled, match=r"\(1000 read\)") as cancelled:
        models.unreviewed_for(project, chinese_bundle, should_stop=should_stop,
                              progress=lambda read, total: reports.append(read))
    assert cancelled.value.code == "E563" and reports == [1_000]
    assert models.unreviewed_for(project, chinese_bundle).other_script == 500  # the project reads on afterwards
