"""Two connections caching scores under one setting at the same time lose neither update."""

from __future__ import annotations

import threading

from nerdesk.storage.project import Project
from nerdesk.workflows.evaluation import CACHE_KEY, EvaluationScore, remember_score


def test_concurrent_score_caching_from_two_connections_keeps_every_score(tmp_path):
    path = tmp_path / "p.nerdesk"
    Project.create(path).close()
    start = threading.Barrier(2)

    def cache_scores(first_version: int) -> None:
        with Project.open(path) as project:
            start.wait()
            for version in range(first_version, first_version + 200, 2):
                remember_score(project, version, EvaluationScore(0.5, 0.5, 0.5, 1, 1, "fp"))

    workers = [threading.Thread(target=cache_scores, args=(first,)) for first in (0, 1)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join()
    with Project.open(path) as project:
        assert sorted(map(int, project.get_setting(CACHE_KEY))) == list(range(200))
