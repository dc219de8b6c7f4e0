"""Counts in messages take the singular for one and the plural otherwise, and so do the words that agree with them."""

from nerdesk.core.wording import by_count, counted


def test_one_takes_the_singular_and_other_counts_the_plural():
    assert [counted(n, "document") for n in (0, 1, 2)] == ["0 documents", "1 document", "2 documents"]
    assert counted(1, "entity", "entities") == "1 entity" and counted(3, "entity", "entities") == "3 entities"


def test_large_counts_group_their_thousands():
    assert counted(12345, "document") == "12,345 documents" and counted(1000, "span") == "1,000 spans"


def test_verbs_and_pronouns_agree_with_the_count():
    assert [f"{counted(n, 'span')} {by_count(n, 'was', 'were')} skipped" for n in (0, 1, 2)] == [
        "0 spans were skipped", "1 span was skipped", "2 spans were skipped"]
    assert by_count(1, "it", "them") == "it" and by_count(1000, "it", "them") == "them"
